import '../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySinkState } from '../../connectors/plugins/memory-sink.ts';
import type { Worker } from '../../connectors/worker.ts';
import { broker, clusterNames, dropCluster, http, startWorker, unique, until } from './helpers.ts';

interface Status { connector: { state: string; worker_id: string }; tasks?: Array<{ id: number; state: string; worker_id: string }> }

test('two workers share a connector\'s tasks; stopping one moves its tasks to the other; a new worker reads the state from Kafka', { timeout: 240_000 }, async () => {
  const kafka = broker();
  const cluster = clusterNames('kst-connect-dist');
  const workers: Worker[] = [];
  // The workers' logs, printed if the test fails (a task that never runs says why there).
  const logs: string[] = [];
  const sink = (label: string) => (line: string): void => void logs.push(`[${label}] ${line}`);
  try {
    const a = await startWorker(cluster, {}, sink('a'));
    workers.push(a);
    const b = await startWorker(cluster, {}, sink('b'));
    workers.push(b);
    const topic = await kafka.topic(4);
    const name = unique('shared');
    const created = await http(b.url, 'POST', '/connectors', { name, config: {
      'connector.class': 'MemorySinkConnector', topics: topic, 'memory.sink.id': name, 'tasks.max': '4',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    } });
    assert.equal(created.status, 201);
    const status = async (worker: Worker): Promise<Status> => (await http(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;

    await until('4 tasks RUNNING, 2 on each worker', async () => {
      const s = await status(a);
      // Created through b: a answers 404 (no tasks) until it has read the connector from the config topic.
      const tasks = s.tasks ?? [];
      const perWorker = (id: string): number => tasks.filter((t) => t.state === 'RUNNING' && t.worker_id === id).length;
      return tasks.length === 4 && perWorker(a.workerId) === 2 && perWorker(b.workerId) === 2;
    }, 60_000, 200);
    // Each worker reads the status topic on its own; they agree once both have caught up.
    await until('every worker answers the same status', async () => JSON.stringify(await status(b)) === JSON.stringify(await status(a)));

    const send = async (from: number, count: number): Promise<void> => kafka.send(Array.from({ length: count }, (_, i) => ({ topic, partition: (from + i) % 4, key: Buffer.from(`k${from + i}`), value: Buffer.from(`v${from + i}`) })));
    const delivered = (): Set<unknown> => new Set(memorySinkState(name).flushed.map((r) => r.value));
    await send(0, 40);
    await until('40 records delivered by both workers\' tasks', () => delivered().size === 40, 60_000);

    await b.stop();
    workers.splice(workers.indexOf(b), 1);
    await until('all 4 tasks RUNNING on the remaining worker', async () => {
      const s = await status(a);
      return s.tasks?.length === 4 && s.tasks.every((t) => t.state === 'RUNNING' && t.worker_id === a.workerId) && s.connector.worker_id === a.workerId && s.connector.state === 'RUNNING';
    }, 60_000, 200);
    await send(40, 40);
    await until('the next 40 records delivered by the remaining worker', () => delivered().size === 80, 60_000);

    // A worker that joins later reads configs and statuses from the topics and takes a share.
    const c = await startWorker(cluster, {}, sink('c'));
    workers.push(c);
    assert.deepEqual((await http(c.url, 'GET', '/connectors')).body, [name]);
    await until('the new worker runs tasks', async () => ((await status(c)).tasks ?? []).filter((t) => t.state === 'RUNNING' && t.worker_id === c.workerId).length === 2, 60_000, 200);
    await send(80, 20);
    await until('records after the third worker joined are delivered', () => delivered().size === 100, 60_000);
    assert.equal((await http(c.url, 'DELETE', `/connectors/${name}`)).status, 204);
    await until('every worker forgets the deleted connector', async () => (await http(a.url, 'GET', `/connectors/${name}`)).status === 404);
  } catch (error) {
    console.log(`the workers' last log lines:\n${logs.slice(-150).join('\n')}`);
    for (const worker of workers) console.log(`status seen by ${worker.url}: ${JSON.stringify((await http(worker.url, 'GET', '/connectors?expand=status').catch(() => undefined))?.body)}`);
    throw error;
  } finally {
    for (const worker of workers) await worker.stop();
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
  }
});

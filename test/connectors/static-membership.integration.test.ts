/**
 * Static membership of Connect workers (`CONNECT_GROUP_INSTANCE_ID`): two worker processes
 * share a connector's two tasks; one is SIGKILLed and started again within the session
 * timeout. It takes its old place: the other worker sees no rebalance of the cluster (it
 * logs no new generation), the cluster group keeps both instance ids, the restarted worker
 * runs its old task again, and the connector's consumer group holds the tasks as the static
 * members `<connector>-<task>`.
 */
import '../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broker, clusterNames, dropCluster, http, unique, until } from './helpers.ts';
import { freePort, WorkerProcess } from './worker-process.ts';

interface Status { tasks?: Array<{ id: number; state: string; worker_id: string }> }

const SESSION_TIMEOUT_MS = 30_000;

test('a static Connect worker SIGKILLed and restarted within the session timeout takes its old place and task: no rebalance of the other worker', { timeout: 180_000 }, async () => {
  const kafka = broker();
  const cluster = clusterNames('kst-connect-static');
  const settings = (id: string): Record<string, string> => ({ 'group.instance.id': id, 'session.timeout.ms': String(SESSION_TIMEOUT_MS), 'heartbeat.interval.ms': '1000', 'rebalance.timeout.ms': '30000' });
  const ports = [await freePort(), await freePort()];
  const a = new WorkerProcess(cluster, ports[0] as number, settings('connect-a'));
  const b = new WorkerProcess(cluster, ports[1] as number, settings('connect-b'));
  const name = unique('static');
  try {
    await a.start();
    await b.start();
    const topic = await kafka.topic(2);
    const created = await http(a.url, 'POST', '/connectors', { name, config: {
      'connector.class': 'MemorySinkConnector', topics: topic, 'memory.sink.id': name, 'tasks.max': '2',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    } });
    assert.equal(created.status, 201);
    const tasks = async (): Promise<Array<{ id: number; state: string; worker_id: string }>> => ((await http(a.url, 'GET', `/connectors/${name}/status`)).body as Status).tasks ?? [];
    const spread = async (): Promise<boolean> => {
      const running = (await tasks()).filter((t) => t.state === 'RUNNING');
      return running.length === 2 && new Set(running.map((t) => t.worker_id)).size === 2;
    };
    await until('the 2 tasks RUNNING, one on each worker', spread, 60_000, 200);
    const before = (await tasks()).map((t) => `${t.id}@${t.worker_id}`).sort();
    const groupMembers = async (group: string): Promise<{ state: string; instances: string[] }> => {
      const described = await kafka.admin.describeGroup(group);
      return { state: described.state, instances: described.members.map((m) => m.groupInstanceId ?? `(dynamic ${m.memberId})`).sort() };
    };
    await until('the connector group holds both tasks as static members', async () => JSON.stringify(await groupMembers(`connect-${name}`)) === JSON.stringify({ state: 'Stable', instances: [`${name}-0`, `${name}-1`] }), 30_000, 200);
    // On a loaded machine the cluster group can still be settling (a late join of one worker); the claim is about the kill, so wait for a stable group first.
    const stableCluster = JSON.stringify({ state: 'Stable', instances: ['connect-a', 'connect-b'] });
    await until('the cluster group is Stable with both static workers', async () => JSON.stringify(await groupMembers(cluster['group.id'] as string)) === stableCluster, 30_000, 200);

    const generationsOfA = a.count(/joined .* generation /);
    assert.ok(generationsOfA > 0, `worker a logs each generation it joins:\n${a.output()}`);
    const killedAt = Date.now();
    const joinsOfB = b.count(/joined .* generation /);
    await b.kill();
    await b.start();
    // The task status on the status topic still names b from before the kill: wait until the new b has joined.
    await until('the restarted worker has joined the cluster group', async () => b.count(/joined .* generation /) > joinsOfB, SESSION_TIMEOUT_MS, 200);
    await until('the restarted worker runs its old task again', async () => (await spread()) && JSON.stringify((await tasks()).map((t) => `${t.id}@${t.worker_id}`).sort()) === JSON.stringify(before), SESSION_TIMEOUT_MS, 200);
    console.log(`static Connect worker: SIGKILL → its task RUNNING again in ${Date.now() - killedAt} ms (session timeout ${SESSION_TIMEOUT_MS} ms)`);
    assert.equal(a.count(/joined .* generation /), generationsOfA, `the other worker saw no rebalance of the cluster:\n${a.output()}`);
    assert.deepEqual(await groupMembers(cluster['group.id'] as string), { state: 'Stable', instances: ['connect-a', 'connect-b'] });
    assert.deepEqual(await groupMembers(`connect-${name}`), { state: 'Stable', instances: [`${name}-0`, `${name}-1`] });
  } catch (error) {
    console.log(`worker a:\n${a.output()}\nworker b:\n${b.output()}`);
    throw error;
  } finally {
    await http(a.url, 'DELETE', `/connectors/${name}`).catch(() => undefined);
    await Promise.all([a.stop(), b.stop()]);
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
  }
});

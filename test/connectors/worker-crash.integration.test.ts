/**
 * Acceptance 3, first part: the worker runs as its own process (`worker-main.ts`), is
 * killed with SIGKILL while its PostgreSQL and search sinks are in the middle of the
 * records (no flush, no offset commit, no goodbye to the groups), and is started again.
 * The restarted worker reads its connectors from Kafka, its tasks resume from the last
 * committed offsets and replay what was written after them; the table and the index end
 * equal to the expected final state: nothing lost, and the replays changed nothing.
 */
import '../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  assertSameState, dropIndex, dropTable, indexState, postgresConnectorConfig, produceChanges, productWorkload,
  sameState, searchConnectorConfig, tableState,
} from './end-to-end-support.ts';
import { broker, clusterNames, dropCluster, http, unique, until } from './helpers.ts';
import { stack } from './sinks/support.ts';
import { freePort, WorkerProcess } from './worker-process.ts';

interface Status { connector: { state: string }; tasks: Array<{ state: string }> }

test('SIGKILL of the worker process mid-way through the records, then a restart: table and index end in the expected state', { timeout: 180_000 }, async (t) => {
  const kafka = broker();
  const cluster = clusterNames('kst-connect-crash');
  const db = new pg.Client({ connectionString: stack.postgresUrl });
  await db.connect();
  const worker = new WorkerProcess(cluster, await freePort());
  const topic = await kafka.topic(3);
  const names = { pg: unique('crash-pg'), search: unique('crash-search') };
  let producing: Promise<void> = Promise.resolve();
  try {
    await worker.start();
    const workload = productWorkload(10_000, { seed: 29 });
    // Small batches and several commits a second: the kill lands between a write and its commit.
    assert.equal((await http(worker.url, 'POST', '/connectors', { name: names.pg, config: postgresConnectorConfig(topic, stack.postgresUrl, { 'batch.size': '100' }) })).status, 201);
    assert.equal((await http(worker.url, 'POST', '/connectors', { name: names.search, config: searchConnectorConfig(topic, { 'batch.size': '100' }) })).status, 201);

    // Records keep coming, before, during and after the crash.
    producing = produceChanges(kafka, topic, workload.changes, { chunk: 200, pauseMs: 60 });
    const written = async (): Promise<number> => Number((await db.query<{ v: number | null }>(`SELECT max(version) AS v FROM "${topic}"`).catch(() => ({ rows: [{ v: null }] }))).rows[0]?.v ?? -1);
    await until('the sink wrote part of the records', async () => (await written()) >= 2500, 60_000, 50);
    await worker.kill();
    const atKill = await written();
    const committed = (await kafka.admin.listGroupOffsets(`connect-${names.pg}`)).reduce((sum, o) => sum + Number(o.offset), 0);
    // Everything up to the highest version written was consumed; what lies past the commit is replayed.
    t.diagnostic(`killed with SIGKILL once the table held versions up to ${atKill} of ${workload.changes.length}; offsets committed for ${committed} records, so at least ${atKill + 1 - committed} are replayed`);
    assert.ok(atKill < workload.changes.length - 1, 'the kill came before the last record was written');

    await worker.start();
    await producing;
    await until('the table equals the expected state', async () => sameState(await tableState(db, topic), workload.expected), 90_000, 500);
    await until('the index equals the expected state', async () => sameState(await indexState(topic), workload.expected), 60_000, 500);
    assertSameState(await tableState(db, topic), workload.expected, `table ${topic}`);
    assertSameState(await indexState(topic), workload.expected, `index ${topic}`);
    for (const name of Object.values(names)) {
      const status = (await http(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
      assert.deepEqual([status.connector.state, ...status.tasks.map((task) => task.state)], ['RUNNING', 'RUNNING', 'RUNNING'], `${name} after the restart: ${JSON.stringify(status)}`);
    }
    for (const name of Object.values(names)) await http(worker.url, 'DELETE', `/connectors/${name}`);
  } catch (error) {
    t.diagnostic(`worker output:\n${worker.output()}`);
    throw error;
  } finally {
    await producing.catch(() => undefined);
    await worker.stop();
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
    await dropTable(db, topic);
    await db.end();
    await dropIndex(topic);
  }
});

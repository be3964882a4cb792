/**
 * Acceptance 3, second part: PostgreSQL stopped for 20 seconds while a sink task writes.
 * The test starts a PostgreSQL of its own (the stack's code, its own home and port), so
 * stopping it disturbs no other test. During the outage the task keeps retrying and stays
 * RUNNING; once the server is back it catches up, and the table equals the expected
 * final state: no record lost.
 */
import '../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { endpoints, loadStackConfig } from '../../scripts/stack/config.ts';
import { down, up } from '../../scripts/stack/stack.ts';
import { serviceHomeFor } from '../../scripts/stack/user.ts';
import { assertSameState, postgresConnectorConfig, produceChanges, productWorkload, sameState, tableState, type Product } from './end-to-end-support.ts';
import { broker, clusterNames, dropCluster, http, startWorker, unique, until } from './helpers.ts';
import { isPortFree } from '../../scripts/stack/ports.ts';

interface Status { connector: { state: string }; tasks: Array<{ state: string; trace?: string }> }

const OUTAGE_MS = 20_000;

/**
 * A free port below the ephemeral range (32768+): while the server is down, a client
 * connecting to an ephemeral port could be handed that very port as its own local one and
 * connect to itself. 21000–24999 also stays clear of the stack lifecycle test's ports.
 */
async function serverPort(): Promise<number> {
  for (;;) {
    const port = 21_000 + Math.floor(Math.random() * 4000);
    if (await isPortFree('127.0.0.1', port)) return port;
  }
}

test('PostgreSQL stopped for 20 s while the task runs: it retries, stays RUNNING, and catches up with no loss', { timeout: 240_000 }, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'kst-connect-pg-outage-'));
  const config = loadStackConfig({ ...process.env, STACK_HOME: home, STACK_POSTGRES_PORT: String(await serverPort()) });
  const postgresUrl = endpoints(config).postgresUrl;
  const kafka = broker();
  const cluster = clusterNames('kst-connect-outage');
  const name = unique('outage-pg');
  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  const logs: string[] = [];
  // A fresh client per look: the server goes away in between.
  const table = async (topic: string): Promise<Map<string, Product> | null> => {
    const db = new pg.Client({ connectionString: postgresUrl });
    await db.connect();
    try {
      return await tableState(db, topic);
    } finally {
      await db.end();
    }
  };
  try {
    await up(config, ['postgres']);
    worker = await startWorker(cluster, {}, (line) => {
      logs.push(line);
      if (logs.length > 300) logs.splice(0, 100);
    });
    const topic = await kafka.topic(2);
    const workload = productWorkload(10_000, { seed: 41 });
    // Retries far beyond the outage: 1 s connect timeout, 500 ms backoff, 200 attempts.
    const created = await http(worker.url, 'POST', '/connectors', { name, config: postgresConnectorConfig(topic, postgresUrl, {
      'batch.size': '200', 'max.retries': '200', 'retry.backoff.ms': '500', 'connection.timeout.ms': '1000',
    }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const before = workload.changes.slice(0, 3000);
    await produceChanges(kafka, topic, before);
    const expectedBefore = productWorkload(3000, { seed: 41 }).expected;
    await until('the first 3,000 records are in the table', async () => sameState(await table(topic), expectedBefore), 60_000, 300);

    const status = async (): Promise<Status> => (await http(worker?.url ?? '', 'GET', `/connectors/${name}/status`)).body as Status;
    await down(config, ['postgres']);
    const stoppedAt = Date.now();
    t.diagnostic('PostgreSQL stopped');
    // The rest arrives while the server is down; the task takes it and retries its writes.
    await produceChanges(kafka, topic, workload.changes.slice(3000), { chunk: 500, pauseMs: 200 });
    const seen = new Set<string>();
    let failed = '';
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      const s = await status();
      for (const task of s.tasks) seen.add(task.state);
      if (s.tasks.some((task) => task.state !== 'RUNNING')) failed ||= JSON.stringify(s);
      seen.add(`connector ${s.connector.state}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.deepEqual([...seen].sort(), ['RUNNING', 'connector RUNNING'], `every task stayed RUNNING through the outage: ${failed}\n${logs.slice(-40).join('\n')}`);
    await up(config, ['postgres']);
    t.diagnostic(`PostgreSQL back after ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s`);

    try {
      await until('the table equals the expected final state', async () => sameState(await table(topic), workload.expected), 90_000, 500);
    } catch (error) {
      const actual = await table(topic);
      const wrong = [...workload.expected].filter(([sku, p]) => actual?.get(sku)?.version !== p.version).length;
      const extra = [...(actual?.keys() ?? [])].filter((sku) => !workload.expected.has(sku)).length;
      t.diagnostic(`rows wrong or missing: ${wrong}, rows that should be gone: ${extra}; status ${JSON.stringify(await status())}\nworker log:\n${logs.slice(-60).join('\n')}`);
      throw error;
    }
    assertSameState(await table(topic), workload.expected, `table ${topic}`);
    const after = await status();
    assert.deepEqual([after.connector.state, ...after.tasks.map((task) => task.state)], ['RUNNING', 'RUNNING', 'RUNNING'], JSON.stringify(after));
    await http(worker.url, 'DELETE', `/connectors/${name}`);
  } finally {
    await worker?.stop();
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
    await down(config, ['postgres']).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    rmSync(serviceHomeFor(home), { recursive: true, force: true });
  }
});

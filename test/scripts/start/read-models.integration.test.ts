/**
 * The read models as `npm start` creates them, on a real worker set up as `npm start` sets
 * it up (`readModelWorkerEnv`): no connector config holds the PostgreSQL password, GET
 * /connectors/<prefix>orders-postgres/config shows the `${env:…}` reference, and the
 * sink still writes an order into its table, with the password the worker resolved.
 */
import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { workerSettingsFromEnv } from '../../../connectors/config/worker-config.ts';
import { PG_PASSWORD_REFERENCE, PG_PASSWORD_VARIABLE, applyReadModels, readModelWorkerEnv, readModels } from '../../../scripts/start/read-models.ts';
import { broker, clusterNames, dropCluster, http, startWorker, until } from '../../connectors/helpers.ts';
import { stack, uniqueId } from '../../connectors/sinks/support.ts';

test('npm start\'s read models reference the PostgreSQL password, and the orders sink writes with it', { timeout: 120_000 }, async () => {
  const kafka = broker();
  const cluster = clusterNames('kst-read-models');
  const secrets = mkdtempSync(join(tmpdir(), 'kst-read-models-'));
  const env = readModelWorkerEnv(stack.postgresUrl, secrets);
  process.env[PG_PASSWORD_VARIABLE] = env[PG_PASSWORD_VARIABLE];
  const { CONNECT_BOOTSTRAP_SERVERS: _bootstrap, ...providers } = workerSettingsFromEnv(env);
  const worker = await startWorker(cluster, providers);
  const prefix = `${uniqueId('kst_rm')}.`;
  const table = `${prefix.replace(/[^A-Za-z0-9_]/g, '_')}orders`;
  const models = readModels({ prefix, postgresUrl: stack.postgresUrl, opensearchUrl: stack.opensearchUrl, registryUrl: stack.registryUrl });
  const db = new pg.Client({ connectionString: stack.postgresUrl });
  await db.connect();
  try {
    const password = decodeURIComponent(new URL(stack.postgresUrl).password);
    for (const [name, config] of Object.entries(models)) {
      for (const [key, value] of Object.entries(config)) assert.ok(!value.includes(`:${password}@`) && !(key.includes('password') && value === password), `${name}: ${key} holds the password`);
    }
    const orders = `${prefix}orders-postgres`;
    const topic = models[orders]?.['topics'] as string;
    await kafka.admin.createTopics([{ name: topic, partitions: 1 }]);
    await applyReadModels(worker.url, { [orders]: models[orders] as Record<string, string> });

    const config = (await http(worker.url, 'GET', `/connectors/${encodeURIComponent(orders)}/config`)).body as Record<string, string>;
    assert.equal(config['connection.password'], PG_PASSWORD_REFERENCE);
    assert.doesNotMatch(config['connection.url'] ?? '', /@/, 'no credentials in the URL');

    await kafka.send([{ topic, key: Buffer.from('order-1'), value: Buffer.from(JSON.stringify({ order_id: 'order-1', status: 'PENDING', total: 42 })) }]);
    await until(`order-1 in table ${table}`, async () => {
      const result = await db.query(`SELECT status FROM "${table}" WHERE order_id = 'order-1'`).catch(() => ({ rows: [] as Array<{ status: string }> }));
      return result.rows[0]?.status === 'PENDING';
    }, 60_000, 250);
    const status = (await http(worker.url, 'GET', `/connectors/${encodeURIComponent(orders)}/status`)).body as { tasks: Array<{ state: string }> };
    assert.ok(status.tasks.every((task) => task.state === 'RUNNING'), JSON.stringify(status));
  } finally {
    await http(worker.url, 'DELETE', `/connectors/${encodeURIComponent(`${prefix}orders-postgres`)}`).catch(() => undefined);
    await worker.stop();
    await db.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => undefined);
    await db.end();
    await kafka.admin.deleteTopics([models[`${prefix}orders-postgres`]?.['topics'] as string], { ifExists: true }).catch(() => undefined);
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
    rmSync(secrets, { recursive: true, force: true });
  }
});

/**
 * The audit log end to end, on the real Connect worker, Kafka, the registry and
 * PostgreSQL: `npm start`'s `audit-postgres` sink appends the commands the gateway
 * produces and the services' events (Avro) to `audit_log`; `GET /orders/:id/audit` answers
 * an admin with the order's records in the order they happened, and a customer with 403. The same
 * connector under a second name (a new consumer group, so every record is delivered again)
 * adds no row: the key (topic, partition, offset) makes redelivery a no-op, and its tasks
 * keep running.
 */
import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { workerSettingsFromEnv } from '../../../connectors/config/worker-config.ts';
import { signToken } from '../../../gateway/auth/jwt.ts';
import { gatewayConfig } from '../../../gateway/config.ts';
import { startGateway } from '../../../gateway/gateway.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';
import { PG_PASSWORD_VARIABLE, applyReadModels, auditTable, auditedTopics, readModelWorkerEnv, readModels } from '../../../scripts/start/read-models.ts';
import { prefixedTopics } from '../../../topologies/ecommerce/contracts/topics.ts';
import { createEcommerceSerdes } from '../../../topologies/ecommerce/serdes.ts';
import { broker, clusterNames, dropCluster, http, startWorker, until } from '../../connectors/helpers.ts';
import { stack, uniqueId } from '../../connectors/sinks/support.ts';

const secret = 'integration-secret-0123456789-abcdef';

test('audit log: commands and events appended once each, read by order id by an admin only', { timeout: 180_000 }, async (t) => {
  const kafka = broker();
  const cluster = clusterNames('kst-audit');
  const secrets = mkdtempSync(join(tmpdir(), 'kst-audit-'));
  const env = readModelWorkerEnv(stack.postgresUrl, secrets);
  process.env[PG_PASSWORD_VARIABLE] = env[PG_PASSWORD_VARIABLE];
  const { CONNECT_BOOTSTRAP_SERVERS: _bootstrap, ...providers } = workerSettingsFromEnv(env);
  const worker = await startWorker(cluster, providers);
  const prefix = `${uniqueId('kst_audit')}.`;
  const table = auditTable(prefix);
  const name = `${prefix}audit-postgres`;
  const config = readModels({ prefix, postgresUrl: stack.postgresUrl, opensearchUrl: stack.opensearchUrl, registryUrl: stack.registryUrl })[name] as Record<string, string>;
  const replay = `${name}-replay`;
  const db = new pg.Client({ connectionString: stack.postgresUrl });
  await db.connect();
  t.after(async () => {
    for (const connector of [name, replay]) await http(worker.url, 'DELETE', `/connectors/${encodeURIComponent(connector)}`).catch(() => undefined);
    await worker.stop();
    await db.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => undefined);
    await db.end();
    await kafka.admin.deleteTopics(auditedTopics(prefix), { ifExists: true }).catch(() => undefined);
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
    rmSync(secrets, { recursive: true, force: true });
  });
  await kafka.admin.createTopics(auditedTopics(prefix).map((topic) => ({ name: topic, partitions: 1 })));
  await applyReadModels(worker.url, { [name]: config });

  const gateway = await startGateway(gatewayConfig.parse({
    'http.port': 0,
    'jwt.secret': secret,
    'topic.prefix': prefix,
    'kafka.bootstrap.servers': stack.kafkaBootstrap,
    'registry.url': stack.registryUrl,
    'audit.postgres.url': stack.postgresUrl,
    'audit.table': table,
  }), { logger: false });
  t.after(() => gateway.close());
  const admin = `Bearer ${await signToken({ sub: 'ops', role: 'admin' }, secret)}`;
  const customer = `Bearer ${await signToken({ sub: 'c-1', role: 'customer' }, secret)}`;
  const get = async (path: string, authorization: string) => {
    const response = await fetch(`${gateway.url}${path}`, { headers: { authorization } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  // Before the sink wrote anything (no table yet), an order has no entries.
  assert.deepEqual((await get('/orders/o-none/audit', admin)).body, { orderId: 'o-none', entries: [] });

  // A command through the gateway, and events as the services write them.
  const placed = await fetch(`${gateway.url}/orders`, { method: 'POST', headers: { authorization: admin, 'content-type': 'application/json' }, body: JSON.stringify({ customerId: 'c-1', items: [{ productId: 'p-1', quantity: 2 }] }) });
  assert.equal(placed.status, 202);
  const orderId = String(((await placed.json()) as Record<string, unknown>)['orderId']);
  const topics = prefixedTopics(prefix);
  const serdes = await createEcommerceSerdes(new RegistryClient({ url: stack.registryUrl }), topics);
  const event = (topic: string, key: string, value: Buffer | null) => ({ topic, key: Buffer.from(key), value });
  await kafka.send([
    // Order events name their status enum twice (status, fromStatus): the converter resolves the reference.
    event(topics.orderEvents, orderId, serdes.orderEvent.serialize(topics.orderEvents, { type: 'OrderReserved', eventId: `${orderId}:RESERVED`, orderId, customerId: 'c-1', status: 'RESERVED', fromStatus: 'PENDING', items: [{ productId: 'p-1', quantity: 2, unitPriceCents: 450 }], totalCents: 900, atMs: Date.now() } as never)),
    event(topics.paymentEvents, orderId, serdes.paymentEvent.serialize(topics.paymentEvents, { type: 'PaymentCaptured', eventId: `${orderId}:captured`, orderId, customerId: 'c-1', amountCents: 900, atMs: Date.now() } as never)),
    event(topics.paymentEvents, 'o-other', serdes.paymentEvent.serialize(topics.paymentEvents, { type: 'PaymentCaptured', eventId: 'o-other:captured', orderId: 'o-other', customerId: 'c-2', amountCents: 1, atMs: Date.now() } as never)),
  ]);

  let entries: Array<{ topic: string; partition: number; offset: number; timestampMs: number | null; record: Record<string, unknown> }> = [];
  await until(`three audit entries of order ${orderId}`, async () => {
    const answer = await get(`/orders/${orderId}/audit`, admin);
    entries = (answer.body['entries'] ?? []) as typeof entries;
    return answer.status === 200 && entries.length >= 3;
  }, 90_000, 250);
  assert.deepEqual(entries.map((entry) => [entry.topic, entry.offset, entry.record['type'], entry.record['orderId']]), [
    [topics.orderCommands, 0, 'CreateOrder', orderId],
    [topics.orderEvents, 0, 'OrderReserved', orderId],
    [topics.paymentEvents, 0, 'PaymentCaptured', orderId],
  ]);
  assert.deepEqual([entries[1]?.record['status'], entries[1]?.record['fromStatus']], ['RESERVED', 'PENDING']);
  assert.equal((entries[0]?.record['items'] as Array<Record<string, unknown>>)[0]?.['productId'], 'p-1', 'the whole record is kept');
  assert.ok(typeof entries[0]?.timestampMs === 'number' && Math.abs(entries[0].timestampMs - Date.now()) < 120_000);
  const forbidden = await get(`/orders/${orderId}/audit`, customer);
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.body['code'], 'KST_GATEWAY_FORBIDDEN');

  // Redelivery: the same records again through a second connector; no row is added.
  const rows = async (): Promise<number> => Number((await db.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
  await until('the first connector to write all four records', async () => (await rows()) === 4, 30_000, 200);
  await applyReadModels(worker.url, { [replay]: config });
  await until('the replaying connector to commit past every record', async () => {
    const offsets = await kafka.admin.listGroupOffsets(`connect-${replay}`).catch(() => []);
    const at = (topic: string) => offsets.find((o) => o.topic === topic)?.offset ?? -1;
    return at(topics.orderCommands) >= 1 && at(topics.orderEvents) >= 1 && at(topics.paymentEvents) >= 2;
  }, 60_000, 250);
  assert.equal(await rows(), 4, 'redelivered records are not written twice');
  const status = (await http(worker.url, 'GET', `/connectors/${encodeURIComponent(replay)}/status`)).body as { tasks: Array<{ state: string }> };
  assert.ok(status.tasks.length > 0 && status.tasks.every((task) => task.state === 'RUNNING'), JSON.stringify(status));
});

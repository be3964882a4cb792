/**
 * Notification templates as `npm start` sets them up, on the real stack: the table, the
 * Connect PostgreSQL source (as `templateSources` configures it) on a worker set up as
 * `npm start` sets it up, and the notification service. A template row updated in
 * PostgreSQL changes the text of the next notification; a status without a template
 * keeps the built-in text.
 */
import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { workerSettingsFromEnv } from '../../../connectors/config/worker-config.ts';
import { KafkaProducer, PartitionReader } from '../../../processors/kafka/index.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';
import { applyReadModels, PG_PASSWORD_VARIABLE, readModelWorkerEnv } from '../../../scripts/start/read-models.ts';
import { ensureTemplatesTable, templateSources } from '../../../scripts/start/notification-templates.ts';
import type { OrderEvent } from '../../../topologies/ecommerce/contracts/events.ts';
import type { Notification } from '../../../topologies/ecommerce/contracts/views.ts';
import { startService } from '../../../topologies/ecommerce/run-service.ts';
import { createEcommerceSerdes } from '../../../topologies/ecommerce/serdes.ts';
import { bootstrap, broker, clientConfig, clusterNames, dropCluster, http, startWorker, until } from '../../connectors/helpers.ts';
import { stack, uniqueId } from '../../connectors/sinks/support.ts';

test('a template row updated in PostgreSQL changes the next notification\'s text', { timeout: 180_000 }, async () => {
  const kafka = broker();
  const cluster = clusterNames('kst-templates');
  const root = mkdtempSync(join(tmpdir(), 'kst-templates-'));
  const env = readModelWorkerEnv(stack.postgresUrl, root);
  process.env[PG_PASSWORD_VARIABLE] = env[PG_PASSWORD_VARIABLE];
  const { CONNECT_BOOTSTRAP_SERVERS: _bootstrap, ...providers } = workerSettingsFromEnv(env);
  const worker = await startWorker(cluster, providers);
  const prefix = `${uniqueId('kst-tpl')}.`;
  const db = new pg.Client({ connectionString: stack.postgresUrl });
  await db.connect();
  const table = await ensureTemplatesTable(stack.postgresUrl, prefix);
  const service = await startService('notification', {
    'bootstrap.servers': bootstrap(), 'schema.registry.url': stack.registryUrl, 'topic.prefix': prefix, 'topic.partitions': 1,
    'state.dir': join(root, 'state'), 'session.timeout.ms': 6_000, 'heartbeat.interval.ms': 500,
  });
  const producer = new KafkaProducer(clientConfig());
  const reader = new PartitionReader(clientConfig(), { maxWaitMs: 200 });
  const connectors = templateSources({ prefix, postgresUrl: stack.postgresUrl });
  try {
    const topics = service.topics;
    const serdes = await createEcommerceSerdes(new RegistryClient({ url: stack.registryUrl, clientId: 'templates-test' }), topics);
    await db.query(`INSERT INTO "${table}" (status, template) VALUES ('PENDING', 'Order {orderId} received (v1)')`);
    await applyReadModels(worker.url, connectors);
    const [name] = Object.keys(connectors) as [string];
    const config = (await http(worker.url, 'GET', `/connectors/${encodeURIComponent(name)}/config`)).body as Record<string, string>;
    assert.equal(config['connection.password'], `\${env:${PG_PASSWORD_VARIABLE}}`, 'no password in the connector config');

    reader.assign([{ topic: topics.notifications, partition: 0, offset: 'earliest' }]);
    const received: Notification[] = [];
    let sequence = 0;
    /** Sends a new order's PENDING event until its notification's text passes `check` (the template may still be on its way). */
    const notify = async (status: OrderEvent['status'], check: (message: string) => boolean, what: string): Promise<string> => {
      let last = '';
      await until(what, async () => {
        const orderId = `o-${++sequence}`;
        const event: OrderEvent = { type: status === 'PENDING' ? 'OrderCreated' : 'OrderPaid', eventId: `${orderId}:${status}`, orderId, customerId: 'c-1', status, items: [], totalCents: 100, atMs: Date.now() };
        await producer.send([{ topic: topics.orderEvents, key: Buffer.from(orderId), value: serdes.orderEvent.serialize(topics.orderEvents, event) }]);
        await until(`the notification of ${orderId}`, async () => {
          for (const record of await reader.poll()) {
            await serdes.notification.prepare(topics.notifications, [record.value]);
            received.push(serdes.notification.deserialize(topics.notifications, record.value) as Notification);
          }
          return received.some((n) => n.orderId === orderId);
        }, 60_000, 0);
        last = received.find((n) => n.orderId === orderId)?.message ?? '';
        return check(last);
      }, 60_000, 500);
      return last;
    };

    assert.equal(await notify('PENDING', (m) => m.includes('(v1)'), 'the first template in use'), `Order o-${sequence} received (v1)`);
    assert.equal(await notify('PAID', () => true, 'a notification without a template'), 'Your payment went through.');

    await db.query(`UPDATE "${table}" SET template = 'Order {orderId} is in, thank you (v2)' WHERE status = 'PENDING'`);
    const updated = await notify('PENDING', (m) => m.includes('(v2)'), 'the updated template in use');
    assert.equal(updated, `Order o-${sequence} is in, thank you (v2)`);
    // Until the first template reaches the global table (the first notify above retries for it) the built-in text is right;
    // from the first templated text on, every one comes from a template: v1, then v2.
    const all = received.filter((n) => n.status === 'PENDING').map((n) => n.message.replace(/o-\d+/, 'o-N'));
    const texts = all.slice(all.indexOf('Order o-N received (v1)'));
    assert.ok(texts.every((t) => t === 'Order o-N received (v1)' || t === 'Order o-N is in, thank you (v2)'), `every text from the first templated one on comes from a template: ${all.join(' | ')}`);
    assert.ok(all.slice(0, all.indexOf('Order o-N received (v1)')).every((t) => t === 'We received your order.'), `before the template, the built-in text: ${all.join(' | ')}`);

    const offsets = (await http(worker.url, 'GET', `/connectors/${encodeURIComponent(name)}/offsets`)).body as { offsets: Array<{ partition: { table: string } }> };
    assert.ok(offsets.offsets.some((o) => o.partition.table.endsWith(`.public.${table}`)), JSON.stringify(offsets));
  } finally {
    await reader.close().catch(() => undefined);
    await producer.close().catch(() => undefined);
    await service.close().catch(() => undefined);
    for (const name of Object.keys(connectors)) await http(worker.url, 'DELETE', `/connectors/${encodeURIComponent(name)}`).catch(() => undefined);
    await worker.stop();
    await db.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => undefined);
    await db.end();
    const topics = await kafka.admin.listTopics();
    await kafka.admin.deleteTopics(topics.filter((t) => t.startsWith(prefix)), { ifExists: true }).catch(() => undefined);
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
    rmSync(root, { recursive: true, force: true });
  }
});

/**
 * One order is one trace, across processes: `npm start` (scripts/start.ts) run as it is —
 * the gateway, the order, inventory, payment, shipping and customer services, the Connect
 * worker with the read models, each its own process on topics of its own — with every
 * process exporting its spans over OTLP/HTTP to a collector this test runs
 * (`support/otlp-collector.ts`), as they would to Jaeger.
 *
 * A few orders go through the gateway to COMPLETED. Then, for each order: every record of
 * it on `orders.events` carries a valid W3C `traceparent` of one trace id, a different one
 * per order, naming a span of the order service; the trace has one root, the gateway's
 * `POST /orders`; every other span's parent is in the trace, spans come from at least
 * four processes (here six: gateway, order, inventory, payment, shipping and the Connect
 * worker's payments sink), and each consumer-side span's parent is the span that
 * produced its record — in the process that writes that topic.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signToken, type Role } from '../../../gateway/auth/jwt.ts';
import { DEV_JWT_SECRET } from '../../../scripts/demo/demo-config.ts';
import { NodeProcess } from '../../../scripts/platform/node-process.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { ApplicationIds, type ServiceName } from '../../../topologies/ecommerce/contracts/stores.ts';
import { prefixedTopics } from '../../../topologies/ecommerce/contracts/topics.ts';
import type { OrderView } from '../../../topologies/ecommerce/contracts/views.ts';
import { OtlpCollector, SpanKinds, type CollectedSpan } from '../../support/otlp-collector.ts';
import { uniqueName } from '../../support/names.ts';
import { clientConfig, readToEnd } from '../streams/support/kafka-io.ts';

const START = fileURLToPath(new URL('../../../scripts/start.ts', import.meta.url));
const SERVICES: readonly ServiceName[] = ['order', 'inventory', 'payment', 'shipping', 'customer'];
const ORDERS = 3;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** Polls `check` (which answers what is still missing, or undefined when done) until done; fails naming what was missing. */
async function waitUntil(what: string, check: () => Promise<string | undefined> | string | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = await check();
    if (missing === undefined) return;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms; still missing: ${missing}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('one trace per order, from POST /orders through every service and the payments sink, parent by parent', { timeout: 600_000 }, async (t) => {
  const id = uniqueName('tracing');
  const prefix = `${id}-`;
  const dir = mkdtempSync(join(tmpdir(), `${id}-`));
  const collector = await OtlpCollector.start();
  const launcher = new NodeProcess({
    name: 'npm start',
    entry: START,
    logFile: join(dir, 'launcher.log'),
    env: {
      PLATFORM_SERVICES: SERVICES.join(','),
      PLATFORM_QUERY_BASE_PORT: '0',
      PLATFORM_STATE_DIR: join(dir, 'state'),
      PLATFORM_LOG_DIR: join(dir, 'logs'),
      ECOMMERCE_TOPIC_PREFIX: prefix,
      ECOMMERCE_TOPIC_PARTITIONS: '2',
      ECOMMERCE_SESSION_TIMEOUT_MS: '10000',
      ECOMMERCE_HEARTBEAT_INTERVAL_MS: '1000',
      ECOMMERCE_FRAUD_POOL_THREADS: '0',
      ECOMMERCE_FRAUD_SCORE_ITERATIONS: '10',
      ECOMMERCE_SHIPPING_DISPATCH_DELAY_MS: '200',
      ECOMMERCE_SHIPPING_DELIVERY_DELAY_MS: '200',
      ECOMMERCE_SHIPPING_COURIER_INTERVAL_MS: '100',
      CONNECT_REST_PORT: '0',
      CONNECT_GROUP_ID: `${id}-connect`,
      CONNECT_CONFIG_STORAGE_TOPIC: `${id}-connect-configs`,
      CONNECT_STATUS_STORAGE_TOPIC: `${id}-connect-status`,
      CONNECT_OFFSET_STORAGE_TOPIC: `${id}-connect-offsets`,
      CONNECT_OFFSET_STORAGE_PARTITIONS: '1',
      CONNECT_STATUS_STORAGE_PARTITIONS: '1',
      GATEWAY_HTTP_PORT: '0',
      // Every process traces: OTLP/HTTP to the collector, every new trace sampled, exported every 200 ms.
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_TRACES_SAMPLER_ARG: '1',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
  });
  t.after(async () => {
    if (launcher.running) await launcher.stop(60_000);
    await collector.close();
  });
  const failWith = (error: unknown): never => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${launcher.tail(80)}`);
  };
  launcher.start();
  await launcher.waitFor(/^The platform is up:/, { timeoutMs: 300_000 }).catch(failWith);
  const gatewayUrl = (/gateway \(HTTP\)\s+(\S+)/.exec(launcher.lines.join('\n')) as RegExpExecArray)[1] as string;

  const bearer = async (sub: string, role: Role): Promise<string> => `Bearer ${await signToken({ sub, role, lifetimeS: 900 }, DEV_JWT_SECRET)}`;
  const admin = await bearer('ops', 'admin');
  const customer = await bearer(`${id}-c`, 'customer');
  const call = async <T>(method: string, path: string, authorization: string, body?: object): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T };
  };

  assert.equal((await call('PUT', `/products/${id}-p`, admin, { name: 'Widget', priceCents: 500, restockQuantity: 100 })).status, 202);
  assert.equal((await call('POST', '/customers', admin, { customerId: `${id}-c`, name: 'Ada', email: 'ada@example.com' })).status, 202);
  await waitUntil('the customer created', async () => ((await call('GET', `/customers/${id}-c`, admin)).status === 200 ? undefined : 'GET /customers answers 404'), 90_000);
  assert.equal((await call('POST', `/customers/${id}-c/deposits`, admin, { amountCents: 100_000 })).status, 202);
  await waitUntil('the product stocked', async () => {
    const product = await call<{ available?: number }>('GET', `/products/${id}-p`, admin);
    return product.body.available === 100 ? undefined : `product answers ${product.status} ${JSON.stringify(product.body)}`;
  }, 90_000);
  await waitUntil('the deposit applied', async () => {
    const view = await call<{ balanceCents?: number }>('GET', `/customers/${id}-c`, admin);
    return view.body.balanceCents === 100_000 ? undefined : `balance ${view.body.balanceCents}`;
  }, 90_000);

  const orderIds: string[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const accepted = await call<{ orderId: string }>('POST', '/orders', customer, { items: [{ productId: `${id}-p`, quantity: 1 }] });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    orderIds.push(accepted.body.orderId);
  }
  await waitUntil('every order COMPLETED', async () => {
    const views = await Promise.all(orderIds.map((orderId) => call<OrderView>('GET', `/orders/${encodeURIComponent(orderId)}`, customer)));
    const open = views.map((view, i) => `${orderIds[i]}: ${view.body.status ?? view.status}`).filter((line) => !line.endsWith('COMPLETED'));
    return open.length === 0 ? undefined : open.join(', ');
  }, 120_000);

  // What orders.events holds for these orders: each record's traceparent, by order.
  const topics = prefixedTopics(prefix);
  const stack = endpoints(loadStackConfig());
  const { records } = await readToEnd(clientConfig(stack.kafkaBootstrap, `${id}-reader`), topics.orderEvents, 2);
  const traceOf = new Map<string, string>();
  const producedBy = new Map<string, string[]>();
  for (const record of records) {
    const orderId = record.key?.toString('utf8') ?? '';
    if (!orderIds.includes(orderId)) continue;
    const header = record.headers.filter(([key]) => key === 'traceparent');
    assert.equal(header.length, 1, `an ${topics.orderEvents} record of ${orderId} (offset ${record.offset}) carries one traceparent`);
    const match = TRACEPARENT.exec((header[0] as readonly [string, Buffer])[1].toString('utf8'));
    assert.ok(match !== null, `a valid, sampled W3C traceparent on ${orderId}'s event: ${(header[0] as readonly [string, Buffer])[1].toString('utf8')}`);
    const [, traceId, spanId] = match as unknown as [string, string, string];
    assert.equal(traceOf.get(orderId) ?? traceId, traceId, `every event of ${orderId} is in one trace`);
    traceOf.set(orderId, traceId);
    producedBy.set(orderId, [...(producedBy.get(orderId) ?? []), spanId]);
  }
  assert.deepEqual([...traceOf.keys()].sort(), [...orderIds].sort(), 'every order has events on orders.events');
  assert.equal(new Set(traceOf.values()).size, ORDERS, 'one trace per order, none shared');

  /** The service that writes a topic: the process whose span must be a record's parent. */
  const writerOf = (topic: string): string | undefined => {
    const writers: Record<string, string> = {
      [topics.orderCommands]: 'gateway', [topics.orderEvents]: 'order', [topics.inventoryEvents]: 'inventory',
      [topics.paymentEvents]: 'payment', [topics.shipmentEvents]: 'shipping', [topics.customerEvents]: 'customer',
    };
    return writers[topic] ?? SERVICES.find((service) => topic.startsWith(`${prefix}${ApplicationIds[service]}-`) && topic.endsWith('-repartition'));
  };
  const expected = ['gateway', 'order', 'inventory', 'payment', 'shipping', 'connect'];
  const spansOf = (traceId: string): CollectedSpan[] => collector.spans.filter((span) => span.traceId === traceId);
  // Spans leave each process in batches: wait until each trace has reached every process and the payments sink.
  await waitUntil('every order\'s spans from every process', () => {
    const missing = orderIds.flatMap((orderId) => {
      const spans = spansOf(traceOf.get(orderId) as string);
      const lacking = expected.filter((service) => !spans.some((span) => span.serviceName === service));
      const sunk = spans.some((span) => span.serviceName === 'connect' && span.attributes['messaging.destination.name'] === topics.paymentEvents);
      return lacking.length === 0 && sunk ? [] : [`${orderId}: ${lacking.join(', ') || 'the payments sink span'}`];
    });
    return missing.length === 0 ? undefined : missing.join('; ');
  }, 60_000);
  assert.deepEqual(collector.refused, [], 'every export was OTLP/HTTP JSON');

  for (const orderId of orderIds) {
    const traceId = traceOf.get(orderId) as string;
    const spans = spansOf(traceId);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const describe = (span: CollectedSpan): string => `${span.serviceName}:${span.name}`;
    const roots = spans.filter((span) => span.parentSpanId === '');
    assert.deepEqual(roots.map(describe), ['gateway:POST /orders'], `${orderId}: the gateway's request is the one root`);
    assert.equal(roots[0]?.kind, SpanKinds.SERVER);
    const processes = new Set(spans.map((span) => span.instance));
    assert.ok(processes.size >= 4, `${orderId}: spans from at least 4 processes (got ${[...processes].join(', ')})`);
    for (const span of spans) {
      if (span.parentSpanId === '') continue;
      const parent = byId.get(span.parentSpanId);
      assert.ok(parent !== undefined, `${orderId}: the parent of ${describe(span)} is in the trace`);
      if (span.kind !== SpanKinds.CONSUMER) continue;
      const topic = String(span.attributes['messaging.destination.name']);
      const writer = writerOf(topic);
      assert.equal(parent.serviceName, writer, `${orderId}: ${describe(span)} (${topic}) is the child of the span that produced its record, in ${writer}; got ${describe(parent)}`);
      assert.ok(parent.kind === SpanKinds.CONSUMER || parent.kind === SpanKinds.PRODUCER, `${orderId}: ${describe(span)}'s parent ${describe(parent)} produced the record`);
    }
    const command = spans.find((span) => span.serviceName === 'order' && span.attributes['messaging.destination.name'] === topics.orderCommands);
    assert.ok(command !== undefined, `${orderId}: the order service processed the command in the trace`);
    assert.equal(byId.get(command.parentSpanId)?.name, `send ${topics.orderCommands}`, 'the command\'s parent is the gateway\'s producer span');
    assert.equal(byId.get(byId.get(command.parentSpanId)?.parentSpanId ?? '')?.name, 'POST /orders', 'under the request span');
    for (const spanId of producedBy.get(orderId) ?? []) {
      assert.equal(byId.get(spanId)?.serviceName, 'order', `${orderId}: the traceparent on orders.events names an order service span`);
    }
  }
  // The first order's trace as a tree, for the reader of the test's output.
  const first = spansOf(traceOf.get(orderIds[0] as string) as string);
  const tree = (parent: string, depth: number): string[] => first.filter((span) => span.parentSpanId === parent)
    .flatMap((span) => [`${'  '.repeat(depth)}${span.serviceName}: ${span.name}`, ...tree(span.spanId, depth + 1)]);
  t.diagnostic(`trace of ${orderIds[0]}:\n${tree('', 0).join('\n')}`);
  t.diagnostic(`${collector.spans.length} spans collected from ${new Set(collector.spans.map((s) => s.instance)).size} processes`);
});

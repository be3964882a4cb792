/**
 * Acceptance: joins across differently partitioned inputs, 2 processes, exactly_once_v2.
 * Orders (4 partitions, keyed by order id) are re-keyed by customer and joined within a
 * window, inner and left, with payments (2 partitions, keyed by customer): the engine must
 * repartition the orders to 2 partitions to co-partition them. Orders re-keyed by product
 * are joined with the products table (3 partitions). Every record carries an explicit
 * timestamp; the test computes the expected results from the same inputs with Kafka's
 * semantics and compares them, read_committed, as exact multisets.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from '../../support/names.ts';
import { joinTopology, orderValue, type JoinTopics } from '../../fixtures/apps/join-topologies.ts';
import type { ProducerRecord } from '../../../processors/kafka/index.ts';
import { StreamsHarness } from './support/harness.ts';
import { produceAll, readToEnd } from './support/kafka-io.ts';
import { awaitProcessed, commitsShortOfEnd } from './support/processed.ts';
import { lastActiveTasks, sharing } from './support/reports.ts';
import { assertSameMultiset, decodeStrings, stringRecord, triple } from './support/string-records.ts';

const JOIN_APP = new URL('../../fixtures/apps/join-app.ts', import.meta.url).pathname;
const PARTITIONS = { orders: 4, payments: 2, products: 3, output: 4 } as const;
const WINDOW_MS = 1_000;
/** Larger than the inputs' time span: no record is late, so the inner result does not depend on processing order. */
const GRACE_MS = 10 * 60_000;
const ORDERS = 600;
const PAYMENTS = 150;
const CUSTOMERS = 12;
/** Customers c10 and c11 never pay: their orders leave the left join with null. */
const PAYING_CUSTOMERS = 10;
const PRODUCTS = 10;
/** Product p9 is not in the table: its orders find no row and leave no inner result. */
const LISTED_PRODUCTS = 9;

interface Order { readonly id: string; readonly customer: string; readonly product: string; readonly ts: number }
interface Payment { readonly id: string; readonly customer: string; readonly ts: number }

function inputs(base: number) {
  const orders: Order[] = [];
  for (let i = 0; i < ORDERS; i++) orders.push({ id: `o${i}`, customer: `c${(i * 7) % CUSTOMERS}`, product: `p${(i * 3) % PRODUCTS}`, ts: base + i * 100 });
  const payments: Payment[] = [];
  for (let j = 0; j < PAYMENTS; j++) payments.push({ id: `pay${j}`, customer: `c${j % PAYING_CUSTOMERS}`, ts: base + j * 400 + 37 });
  // Table rows before any order (earlier timestamps, produced first); p0..p3 updated once.
  const products: Array<{ id: string; name: string; ts: number }> = [];
  for (let p = 0; p < LISTED_PRODUCTS; p++) products.push({ id: `p${p}`, name: `product-${p}-v1`, ts: base - 60_000 + p });
  for (let p = 0; p < 4; p++) products.push({ id: `p${p}`, name: `product-${p}-v2`, ts: base - 30_000 + p });
  return { orders, payments, products };
}

/** Kafka's stream-stream inner join: every pair of one key within the time difference, at the larger timestamp. */
function expectedJoins(orders: readonly Order[], payments: readonly Payment[]): { inner: string[]; left: string[] } {
  const inner: string[] = [];
  const left: string[] = [];
  for (const order of orders) {
    const partners = payments.filter((p) => p.customer === order.customer && Math.abs(p.ts - order.ts) <= WINDOW_MS);
    for (const p of partners) inner.push(triple(order.customer, `${order.id}+${p.id}`, Math.max(order.ts, p.ts)));
    // Left join (KIP-633): an order without a partner leaves once, with null, at its own timestamp.
    if (partners.length === 0) left.push(triple(order.customer, `${order.id}+null`, order.ts));
  }
  return { inner, left: [...inner, ...left] };
}

/** Kafka's stream-table join with every row written before the stream: the row's latest value; no row, no result. */
function expectedEnrichment(orders: readonly Order[], products: ReadonlyArray<{ id: string; name: string }>): string[] {
  const latest = new Map(products.map((p) => [p.id, p.name]));
  return orders.flatMap((o) => (latest.has(o.product) ? [triple(o.product, `${o.id}@${latest.get(o.product)}`, o.ts)] : []));
}

test('exactly_once_v2, 2 processes: windowed inner and left stream-stream joins through a repartition, and a stream-table join, give exactly Kafka\'s results', { timeout: 90_000 }, async (t) => {
  const h = new StreamsHarness('joins');
  t.after(() => h.close());
  const appId = uniqueName('kst-it-join');
  const topics: JoinTopics = {
    orders: uniqueName('kst-it-join-orders'),
    payments: uniqueName('kst-it-join-payments'),
    products: uniqueName('kst-it-join-products'),
    orderPayments: uniqueName('kst-it-join-op'),
    orderPaymentsLeft: uniqueName('kst-it-join-opl'),
    orderProducts: uniqueName('kst-it-join-oprod'),
  };
  await h.createTopics([topics.orders], PARTITIONS.orders);
  await h.createTopics([topics.payments], PARTITIONS.payments);
  await h.createTopics([topics.products], PARTITIONS.products);
  await h.createTopics([topics.orderPayments, topics.orderPaymentsLeft, topics.orderProducts], PARTITIONS.output);

  // The plan's repartition topics follow the partitions of what they join with.
  const plan = joinTopology(topics, { windowMs: WINDOW_MS, graceMs: GRACE_MS }).plan();
  const repartition = plan.internalTopics.filter((topic) => topic.kind === 'repartition')
    .map((topic) => ({ topic: `${appId}-${topic.name}`, partitions: topic.name.startsWith('order-product') ? PARTITIONS.products : PARTITIONS.payments }));
  assert.equal(repartition.length, 3, `one repartition topic per join: ${JSON.stringify(repartition)}`);
  const taskCount = PARTITIONS.orders + PARTITIONS.payments + PARTITIONS.products;

  const base = Math.floor(Date.now() / 1000) * 1000 - 15 * 60_000;
  const { orders, payments, products } = inputs(base);
  await produceAll(h.producer, products.map((p) => stringRecord(topics.products, p.id, p.name, p.ts)));

  const env = {
    KST_ORDERS_TOPIC: topics.orders,
    KST_PAYMENTS_TOPIC: topics.payments,
    KST_PRODUCTS_TOPIC: topics.products,
    KST_ORDER_PAYMENTS_TOPIC: topics.orderPayments,
    KST_ORDER_PAYMENTS_LEFT_TOPIC: topics.orderPaymentsLeft,
    KST_ORDER_PRODUCTS_TOPIC: topics.orderProducts,
    KST_JOIN_WINDOW_MS: String(WINDOW_MS),
    KST_JOIN_GRACE_MS: String(GRACE_MS),
  };
  const apps = [h.app('join-a', JOIN_APP, appId, 'exactly_once_v2', env), h.app('join-b', JOIN_APP, appId, 'exactly_once_v2', env)] as const;
  for (const app of apps) app.start();
  await h.until(`both processes RUNNING with a share of the ${taskCount} tasks`, () => sharing(apps, taskCount), 45_000);
  h.log(`running: a=${JSON.stringify(lastActiveTasks(apps[0]))} b=${JSON.stringify(lastActiveTasks(apps[1]))}`);
  // The table is loaded before any order exists, so each order sees the rows' latest values.
  await h.awaitCaughtUp(appId, [[{ topic: topics.products, partitions: PARTITIONS.products }]], 20_000);

  const streamRecords: ProducerRecord[] = [
    ...orders.map((o) => stringRecord(topics.orders, o.id, orderValue(o.id, o.customer, o.product), o.ts)),
    ...payments.map((p) => stringRecord(topics.payments, p.customer, p.id, p.ts)),
  ];
  await produceAll(h.producer, streamRecords, 500);
  h.log(`produced ${products.length} product rows, ${orders.length} orders, ${payments.length} payments`);
  const inputStage = [
    { topic: topics.orders, partitions: PARTITIONS.orders },
    { topic: topics.payments, partitions: PARTITIONS.payments },
    { topic: topics.products, partitions: PARTITIONS.products },
  ];
  // Repartition topics are written in transactions: wait for their last record, not their end (see processed.ts).
  await awaitProcessed(h, appId, [inputStage, repartition], 45_000);
  h.log('the group committed past every input and repartition record');

  // Stream time far past every window plus grace, on each join task, after all data was
  // processed: the left join's unmatched orders close and leave with null. The key pays
  // for nothing, so it adds no result of its own.
  const closeAt = base + 15 * 60_000;
  await h.producer.send([0, 1].map((partition) => stringRecord(topics.payments, 'nobody', 'flush', closeAt, partition)));
  await h.awaitCaughtUp(appId, [[{ topic: topics.payments, partitions: PARTITIONS.payments }]], 20_000);

  const [inner, left, enriched] = await Promise.all([
    readToEnd(h.client, topics.orderPayments, PARTITIONS.output),
    readToEnd(h.client, topics.orderPaymentsLeft, PARTITIONS.output),
    readToEnd(h.client, topics.orderProducts, PARTITIONS.output),
  ]);
  const expected = expectedJoins(orders, payments);
  const expectedEnriched = expectedEnrichment(orders, products);
  const asTriples = (records: typeof inner.records): string[] => decodeStrings(records).map((r) => triple(r.key, r.value, r.timestamp));
  h.log(`read inner=${inner.records.length}/${expected.inner.length} left=${left.records.length}/${expected.left.length} enriched=${enriched.records.length}/${expectedEnriched.length}`);
  assert.ok(expected.inner.length > 100 && expected.left.length > expected.inner.length + 100, 'the inputs give both matched and unmatched orders');
  assertSameMultiset(asTriples(inner.records), expected.inner, 'inner stream-stream join');
  assertSameMultiset(asTriples(left.records), expected.left, 'left stream-stream join');
  assertSameMultiset(asTriples(enriched.records), expectedEnriched, 'stream-table join');

  // As Kafka Streams since KAFKA-6607: a drained partition's commit steps over the
  // transaction markers, so the group's lag on the repartition topics reaches 0.
  const short = await commitsShortOfEnd(h, appId, repartition);
  await t.test('committed offsets of drained repartition partitions reach their ends (lag 0, KAFKA-6607)', () => {
    assert.deepEqual(short, [], `committed/end per partition short of the end: ${short.join(', ')}`);
  });

  const closed = await Promise.all(apps.map((app) => app.stop()));
  assert.deepEqual(closed, [true, true], 'both processes close cleanly on SIGTERM');
  h.passed();
});

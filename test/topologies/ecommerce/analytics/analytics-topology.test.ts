/** The analytics service alone: sales per product and category in tumbling windows with grace, one final result per window. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KstError } from '../../../../common/errors.ts';
import { TopologyTestDriver } from '../../../../processors/testing/index.ts';
import { MockSchemaRegistry } from '../../../../schemas/registry/mock-registry.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import type { PreparableSerde } from '../../../../schemas/serdes/serde.ts';
import type { TimestampedWindowStore } from '../../../../state/api/window-store.ts';
import { buildAnalyticsTopology, salesWindowsOf } from '../../../../topologies/ecommerce/analytics/analytics-topology.ts';
import type { SalesResult, SalesTotals } from '../../../../topologies/ecommerce/analytics/sales-lines.ts';
import type { OrderItem } from '../../../../topologies/ecommerce/contracts/commands.ts';
import type { InventoryEvent, OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import { ApplicationIds, Stores } from '../../../../topologies/ecommerce/contracts/stores.ts';
import { prefixedTopics } from '../../../../topologies/ecommerce/contracts/topics.ts';
import { createEcommerceSerdes } from '../../../../topologies/ecommerce/serdes.ts';
import { ecommerceServiceConfig } from '../../../../topologies/ecommerce/service-config.ts';

const MINUTE = 60_000;
const GRACE = 10_000;

/** Product events as JSON: the Avro schema of today has no category yet, and analytics must read one when it comes. */
type ProductEvent = InventoryEvent & { readonly category?: string };
const productSerde: PreparableSerde<ProductEvent> = { ...Serdes.JSON<ProductEvent>(), prepare: async () => undefined };

async function analyticsDriver() {
  const topics = prefixedTopics('');
  const serdes = await createEcommerceSerdes(new MockSchemaRegistry(), topics);
  const topology = buildAnalyticsTopology({ topics, serdes: { ...serdes, inventoryEvent: productSerde }, storeKind: 'in_memory', windows: { sizeMs: MINUTE, graceMs: GRACE, retentionMs: 60 * MINUTE } });
  const driver = new TopologyTestDriver(topology, { applicationId: ApplicationIds.analytics, initialWallClockTimeMs: 0 });
  const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
  const products = driver.createInputTopic(topics.inventoryEvents, serdes.key, productSerde);
  const results = driver.createOutputTopic(topics.analyticsSales, Serdes.String(), Serdes.JSON<SalesResult>());
  const product = (productId: string, name: string, category?: string): Promise<void> => products.pipeInput(productId, {
    type: 'ProductUpdated', eventId: `${productId}:1`, productId, quantity: 0, atMs: 0, name, priceCents: 100, available: 10, reserved: 0, sold: 0, ...(category === undefined ? {} : { category }),
  }, 0);
  const order = (orderId: string, type: OrderEvent['type'], status: OrderEvent['status'], atMs: number, items: readonly OrderItem[], fromStatus?: OrderEvent['status']): Promise<void> => orders.pipeInput(orderId, {
    type, eventId: `${orderId}:${status}`, orderId, customerId: 'c1', status, items, totalCents: 0, atMs, ...(fromStatus === undefined ? {} : { fromStatus }),
  }, atMs);
  const paid = (orderId: string, atMs: number, items: readonly OrderItem[]): Promise<void> => order(orderId, 'OrderPaid', 'PAID', atMs, items, 'RESERVED');
  const window = (store: string, key: string, start: number) => driver.getStateStore<TimestampedWindowStore<string, SalesTotals>>(store).fetch(key, start);
  return { driver, results, product, order, paid, window };
}

const item = (productId: string, quantity: number, unitPriceCents: number): OrderItem => ({ productId, quantity, unitPriceCents });
const brief = (r: SalesResult) => [r.groupBy, r.key, r.windowStartMs, r.units, r.revenueCents];

test('paid orders count per product and category in their window; a refund subtracts; late sales within grace count, later ones are dropped; each window leaves once', async () => {
  const a = await analyticsDriver();
  try {
    await a.product('p1', 'Tea', 'drinks');
    await a.product('p2', 'Cake', 'food');
    await a.product('p3', 'Mystery');
    await a.order('o0', 'OrderCreated', 'PENDING', 500, [item('p1', 9, 450)]);
    await a.paid('o1', 1_000, [item('p1', 2, 450), item('p2', 1, 300)]);
    await a.paid('o2', 5_000, [item('p1', 1, 450), item('p3', 2, 100), item('p3', 1, 100)]);
    await a.order('o2', 'OrderCancelled', 'CANCELLED', 20_000, [item('p1', 1, 450), item('p3', 3, 100)], 'PAID');
    await a.order('o9', 'OrderCancelled', 'CANCELLED', 21_000, [item('p1', 5, 450)], 'PENDING');
    // The open window is queryable, and nothing final has left.
    assert.deepEqual((await a.window(Stores.salesByProduct, 'p1', 0))?.value, { units: 2, revenueCents: 900, name: 'Tea', category: 'drinks' });
    assert.deepEqual((await a.window(Stores.salesByCategory, 'uncategorised', 0))?.value, { units: 0, revenueCents: 0 });
    assert.equal(a.results.readRecordsToList().length, 0);

    await a.paid('o3', 65_000, [item('p2', 1, 300)]); // stream time 65 s: the first window is past its end, within grace
    await a.paid('o4', 59_000, [item('p1', 1, 450)]); // late, within grace: counts in the first window
    assert.equal(a.results.readRecordsToList().length, 0, 'nothing final before the grace has passed');
    await a.paid('o5', 71_000, [item('p2', 1, 300)]); // stream time 71 s: the first window closes
    await a.paid('o6', 30_000, [item('p1', 7, 450)]); // later than the grace: dropped
    const first = a.results.readRecordsToList();
    assert.deepEqual(first.map((r) => brief(r.value as SalesResult)).sort(), [
      ['category', 'drinks', 0, 3, 1_350],
      ['category', 'food', 0, 1, 300],
      ['category', 'uncategorised', 0, 0, 0],
      ['product', 'p1', 0, 3, 1_350],
      ['product', 'p2', 0, 1, 300],
      ['product', 'p3', 0, 0, 0],
    ].sort());
    for (const record of first) assert.equal(record.key, (record.value as SalesResult).id);
    const p1 = first.find((r) => r.key === 'product|p1|0')?.value;
    assert.deepEqual(p1, { id: 'product|p1|0', groupBy: 'product', key: 'p1', windowStartMs: 0, windowEndMs: MINUTE, windowStart: '1970-01-01T00:00:00.000Z', units: 3, revenueCents: 1_350, name: 'Tea', category: 'drinks' });
    assert.deepEqual((await a.window(Stores.salesByProduct, 'p1', 0))?.value.units, 3, 'the dropped late sale did not change the window');

    await a.paid('o7', 200_000, [item('p1', 1, 450)]); // closes the second window; the first does not leave again
    const second = a.results.readRecordsToList().map((r) => brief(r.value as SalesResult)).sort();
    assert.deepEqual(second, [['category', 'food', MINUTE, 2, 600], ['product', 'p2', MINUTE, 2, 600]].sort());
  } finally {
    await a.driver.close();
  }
});

test('a sale of a product analytics has not seen counts as uncategorised', async () => {
  const a = await analyticsDriver();
  try {
    await a.paid('o1', 1_000, [item('p-new', 4, 250)]);
    assert.deepEqual((await a.window(Stores.salesByCategory, 'uncategorised', 0))?.value, { units: 4, revenueCents: 1_000 });
    assert.deepEqual((await a.window(Stores.salesByProduct, 'p-new', 0))?.value, { units: 4, revenueCents: 1_000, name: '', category: 'uncategorised' });
  } finally {
    await a.driver.close();
  }
});

test('window settings are checked against each other, naming the key', () => {
  const parse = (input: Record<string, unknown>) => salesWindowsOf(ecommerceServiceConfig.parse(input));
  assert.deepEqual(parse({}), { sizeMs: 3_600_000, graceMs: 300_000, retentionMs: 604_800_000 });
  assert.throws(() => parse({ 'analytics.window.size.ms': 60_000, 'analytics.window.grace.ms': 60_000 }), (error: unknown) => error instanceof KstError && error.code === 'KST_CONFIG_INVALID' && error.details['key'] === 'analytics.window.grace.ms');
  assert.throws(() => parse({ 'analytics.window.size.ms': 60_000, 'analytics.window.grace.ms': 0, 'analytics.window.retention.ms': 30_000 }), (error: unknown) => error instanceof KstError && error.details['key'] === 'analytics.window.retention.ms');
  assert.throws(() => parse({ 'analytics.window.size.ms': 10 }), /analytics\.window\.size\.ms/);
});

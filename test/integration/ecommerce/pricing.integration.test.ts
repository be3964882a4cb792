/**
 * Prices are the catalog's, end to end: the real gateway in front of the order,
 * inventory, payment and customer services (one process each, started by the platform
 * launcher on topics of their own) against the stack. A customer who sends a unit price
 * of 1 cent for a product of 500,000 cents gets a REJECTED order (`PRICE_CHANGED`) and
 * keeps its balance, and the product its stock; an order without a price is charged the
 * catalog price, exactly. Everything is read back through the gateway (HTTP → gRPC →
 * the services' stores).
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken, type Role } from '../../../gateway/auth/jwt.ts';
import { gatewayConfig } from '../../../gateway/config.ts';
import { startGateway } from '../../../gateway/gateway.ts';
import { Platform } from '../../../scripts/platform/services.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { StoreHosts, type ServiceName } from '../../../topologies/ecommerce/contracts/stores.ts';
import { FinalOrderStatuses, type CustomerView, type OrderView, type ProductView } from '../../../topologies/ecommerce/contracts/views.ts';
import { uniqueName } from '../../support/names.ts';

const secret = 'pricing-integration-secret-0123456789';
const bearer = async (sub: string, role: Role): Promise<string> => `Bearer ${await signToken({ sub, role, lifetimeS: 900 }, secret)}`;
const admin = await bearer('ops', 'admin');
const mallory = await bearer('mallory', 'customer');
const LUX_CENTS = 500_000;
const DEPOSIT_CENTS = 1_000_000;
const STOCK = 3;

type Answer<T> = { readonly status: number; readonly body: T };

/** Polls `read` until `done` holds; on timeout, fails naming what it waited for and the last answer. */
async function waitFor<T>(what: string, read: () => Promise<Answer<T>>, done: (answer: Answer<T>) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Answer<T> | undefined;
  for (;;) {
    last = await read();
    if (done(last)) return last.body;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms; last answer ${last.status} ${JSON.stringify(last.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('prices come from the catalog: a 1-cent quote for a 500,000-cent product is REJECTED PRICE_CHANGED with balance and stock untouched; no quote pays the catalog price', { timeout: 300_000 }, async (t) => {
  const stack = endpoints(loadStackConfig());
  const prefix = `${uniqueName('e2e-pricing')}-`;
  const root = join(tmpdir(), prefix);
  const services: ServiceName[] = ['order', 'inventory', 'payment', 'customer'];
  const platform = await Platform.start({ instances: 1, services, 'state.dir': join(root, 'state'), 'log.dir': join(root, 'logs'), 'query.base.port': 0 }, {
    'bootstrap.servers': stack.kafkaBootstrap,
    'schema.registry.url': stack.registryUrl,
    'topic.prefix': prefix,
    'topic.partitions': 2,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
    'fraud.pool.threads': 0,
    'fraud.score.iterations': 10,
    // The fraud score rises with the amount; this test is about prices, not fraud.
    'fraud.max.amount.cents': 100_000_000,
    'order.deadline.ms': 90_000,
  });
  const hosts = (service: ServiceName): string => platform.processes.filter((p) => p.service === service).map((p) => p.endpoint).join(',');
  const gateway = await startGateway(gatewayConfig.parse({
    'http.port': 0,
    'jwt.secret': secret,
    'topic.prefix': prefix,
    'kafka.bootstrap.servers': stack.kafkaBootstrap,
    'registry.url': stack.registryUrl,
    'order.query.endpoints': hosts(StoreHosts.orders),
    'inventory.query.endpoints': hosts(StoreHosts.products),
    'customer.query.endpoints': hosts(StoreHosts.customers),
  }), { logger: false }).catch(async (error: unknown) => {
    await platform.stop();
    throw error;
  });
  t.after(async () => {
    await gateway.close();
    const unclean = await platform.stop();
    if (unclean.length === 0) await rm(root, { recursive: true, force: true });
    else console.log(`[pricing] processes that did not stop cleanly: ${unclean.join(', ')}; logs in ${join(root, 'logs')}`);
  });

  const call = async <T>(method: string, path: string, authorization: string, body?: object): Promise<Answer<T>> => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T };
  };
  const product = () => call<ProductView>('GET', '/products/lux-1', mallory);
  const customer = () => call<CustomerView>('GET', '/customers/mallory', mallory);
  const order = (orderId: string) => call<OrderView>('GET', `/orders/${encodeURIComponent(orderId)}`, mallory);
  const place = async (items: object[]): Promise<string> => {
    const accepted = await call<{ orderId: string }>('POST', '/orders', mallory, { items });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    return accepted.body.orderId;
  };

  assert.equal((await call('PUT', '/products/lux-1', admin, { name: 'Lux', priceCents: LUX_CENTS, restockQuantity: STOCK })).status, 202);
  assert.equal((await call('POST', '/customers', admin, { customerId: 'mallory', name: 'Mallory', email: 'mallory@example.com' })).status, 202);
  await waitFor('the customer created', customer, (a) => a.status === 200);
  assert.equal((await call('POST', '/customers/mallory/deposits', admin, { amountCents: DEPOSIT_CENTS })).status, 202);
  await waitFor('the deposit applied', customer, (a) => a.status === 200 && a.body.balanceCents === DEPOSIT_CENTS);
  const stocked = await waitFor('the product stocked', product, (a) => a.status === 200 && a.body.available === STOCK);
  assert.equal(stocked.priceCents, LUX_CENTS);

  await t.test('a quote of 1 cent → REJECTED PRICE_CHANGED; the view shows the catalog price; stock released, balance unchanged', async () => {
    const orderId = await place([{ productId: 'lux-1', quantity: 1, unitPriceCents: 1 }]);
    const rejected = await waitFor(`order ${orderId} final`, () => order(orderId), (a) => a.status === 200 && FinalOrderStatuses.has(a.body.status));
    assert.equal(rejected.status, 'REJECTED', JSON.stringify(rejected));
    assert.match(rejected.reason ?? '', /^PRICE_CHANGED: lux-1 costs 500000 cents, the order said 1$/);
    assert.deepEqual(rejected.items, [{ productId: 'lux-1', quantity: 1, unitPriceCents: LUX_CENTS }]);
    assert.equal(rejected.totalCents, 0, 'nothing reserved at a total');
    // Inventory reserved the unit before the order saw the price, and releases it on the rejection.
    const released = await waitFor('the unit released', product, (a) => a.status === 200 && a.body.reserved === 0 && a.body.available === STOCK);
    assert.deepEqual([released.available, released.reserved, released.sold, released.priceCents], [STOCK, 0, 0, LUX_CENTS]);
    assert.equal((await customer()).body.balanceCents, DEPOSIT_CENTS);
  });

  await t.test('no quote → the catalog price is charged: the balance moves by exactly 500,000 cents', async () => {
    const orderId = await place([{ productId: 'lux-1', quantity: 1 }]);
    const paid = await waitFor(`order ${orderId} paid`, () => order(orderId), (a) => a.status === 200 && (a.body.status === 'PAID' || FinalOrderStatuses.has(a.body.status)));
    assert.equal(paid.status, 'PAID', JSON.stringify(paid));
    assert.equal(paid.totalCents, LUX_CENTS);
    assert.deepEqual(paid.items, [{ productId: 'lux-1', quantity: 1, unitPriceCents: LUX_CENTS }]);
    // The balance moves once, by the reserved total; the rejected order before was never charged.
    const charged = await waitFor('the charge on the balance', customer, (a) => a.status === 200 && a.body.balanceCents !== DEPOSIT_CENTS);
    assert.equal(charged.balanceCents, DEPOSIT_CENTS - LUX_CENTS);
    const sold = await waitFor('the unit sold', product, (a) => a.status === 200 && a.body.sold === 1);
    assert.deepEqual([sold.available, sold.reserved, sold.sold], [STOCK - 1, 0, 1]);
  });
});

/**
 * The ops page in headless Chromium (Debian's `chromium`, which `npm test` installs (scripts/stack/chromium.ts), driven
 * by `puppeteer-core`) against the real stack: every e-commerce service runs as a process
 * of the platform launcher with its query server, the gateway in this process. The page,
 * given an admin token in localStorage, must draw the order service's topology (its
 * processors and stores, as its instances' `describe()` reports them), list every running
 * instance with its tasks and a lag number, and follow an order placed meanwhile through
 * the saga to COMPLETED. A customer token gets 403 from the page's data endpoint. The
 * screenshot goes to `OPS_SCREENSHOT_DIR` (default: a folder under the temp dir); the
 * README's `docs/ops-page.png` is a copy of one.
 */

import '../../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { signToken, type Role } from '../../../../gateway/auth/jwt.ts';
import { gatewayConfig } from '../../../../gateway/config.ts';
import { startGateway, type Gateway } from '../../../../gateway/gateway.ts';
import type { OpsSnapshot } from '../../../../gateway/ops/ops-collector.ts';
import { Platform } from '../../../../scripts/platform/services.ts';
import { endpoints, loadStackConfig } from '../../../../scripts/stack/config.ts';
import { SagaServices, Stores } from '../../../../topologies/ecommerce/contracts/stores.ts';
import { uniqueName } from '../../../support/names.ts';

const secret = 'ops-page-secret-0123456789-abcdefgh';
const bearer = async (sub: string, role: Role): Promise<string> => `Bearer ${await signToken({ sub, role, lifetimeS: 1_800 }, secret)}`;

/** Debian's chromium (or CHROMIUM_PATH); the test fails without one: `npm test` installs it. */
function chromiumPath(): string {
  const candidates = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => p !== undefined && p !== '');
  const found = candidates.find((p) => existsSync(p));
  assert.ok(found !== undefined, `no Chromium at ${candidates.join(', ')}: install Debian's chromium (apt-get install -y chromium; npm test does) or set CHROMIUM_PATH`);
  return found;
}

async function call(gateway: Gateway, method: string, path: string, authorization?: string, body?: object) {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { ...(authorization === undefined ? {} : { authorization }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (the page itself)
  }
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: parsed as Record<string, unknown> };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last === undefined ? '' : ` (last error: ${String(last)})`}`);
    await sleep(250);
  }
}

/** Waits in the page for `predicate` (a function of the document, run in the browser); fails naming `what`. */
async function waitInPage(page: Page, what: string, timeoutMs: number, predicate: string): Promise<void> {
  try {
    await page.waitForFunction(predicate, { timeout: timeoutMs, polling: 250 });
  } catch (error) {
    const status = await page.$eval('#status', (e) => e.textContent).catch(() => '?');
    throw new Error(`the page did not show ${what} within ${timeoutMs} ms (page status: ${status})`, { cause: error });
  }
}

test('the ops page in headless Chromium: topology, instances with tasks and lag, an order\'s saga timeline; a screenshot', { timeout: 420_000 }, async (t) => {
  const executablePath = chromiumPath();
  const stack = endpoints(loadStackConfig());
  const prefix = `${uniqueName('kst-ops')}-`;
  const root = join(tmpdir(), prefix);
  const platform = await Platform.start(
    { instances: 1, services: SagaServices, 'state.dir': join(root, 'state'), 'log.dir': join(root, 'logs'), 'query.base.port': 0, supervise: false, 'stop.timeout.ms': 60_000 },
    {
      'bootstrap.servers': stack.kafkaBootstrap,
      'schema.registry.url': stack.registryUrl,
      'topic.prefix': prefix,
      'topic.partitions': 2,
      'commit.interval.ms': 100,
      // Long enough that the page is watching before the order completes (it must show the transitions as they come).
      'shipping.dispatch.delay.ms': 1_000,
      'shipping.delivery.delay.ms': 1_000,
      'shipping.courier.interval.ms': 100,
      'fraud.pool.threads': 0,
      'fraud.score.iterations': 50,
    },
    { env: { QUERY_AUTH_JWT_SECRET: secret } },
  );
  t.after(() => platform.stop());
  const byService = (name: string): string => platform.processes.find((p) => p.service === name)?.endpoint ?? '';
  const gateway = await startGateway(gatewayConfig.parse({
    'http.port': 0,
    'jwt.secret': secret,
    'topic.prefix': prefix,
    'kafka.bootstrap.servers': stack.kafkaBootstrap,
    'registry.url': stack.registryUrl,
    'order.query.endpoints': byService('order'),
    'inventory.query.endpoints': byService('inventory'),
    'customer.query.endpoints': byService('payment'),
    'ops.endpoints': platform.processes.map((p) => p.endpoint).join(','),
  }), { logger: false });
  t.after(() => gateway.close());
  const admin = await bearer('ops', 'admin');
  const customerId = uniqueName('alice');
  const customer = await bearer(customerId, 'customer');

  await t.test('the page is public (it holds no data); its snapshot is for admins: 401 without a token, 403 for a customer', async () => {
    const page = await call(gateway, 'GET', '/ops');
    assert.equal(page.status, 200);
    assert.match(page.type, /text\/html/);
    assert.match(String(page.body), /<script type="module" src="\/ops\/ops.js">/);
    assert.equal((await call(gateway, 'GET', '/ops/ops.js')).status, 200);
    assert.equal((await call(gateway, 'GET', '/ops/snapshot')).status, 401);
    const forbidden = await call(gateway, 'GET', '/ops/snapshot', customer);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body['code'], 'KST_GATEWAY_FORBIDDEN');
  });

  // What the services know before the order: its product and its customer's balance.
  const productId = uniqueName('tea');
  assert.equal((await call(gateway, 'POST', '/customers', admin, { customerId, name: 'Alice', email: 'alice@example.org' })).status, 202);
  assert.equal((await call(gateway, 'POST', `/customers/${customerId}/deposits`, admin, { amountCents: 10_000 })).status, 202);
  assert.equal((await call(gateway, 'PUT', `/products/${productId}`, admin, { name: 'Tea', priceCents: 450, restockQuantity: 10 })).status, 202);
  await until('the product and the balance known to the services', 120_000, async () => {
    const product = await call(gateway, 'GET', `/products/${productId}`, admin);
    const balance = await call(gateway, 'GET', `/customers/${customerId}`, admin);
    return product.body['available'] === 10 && balance.body['balanceCents'] === 10_000 ? true : undefined;
  });

  const snapshot = await until('an admin\'s snapshot with every instance RUNNING and its lag known', 120_000, async () => {
    const answer = await call(gateway, 'GET', '/ops/snapshot', admin);
    const body = answer.body as unknown as OpsSnapshot;
    if (answer.status !== 200) return undefined;
    const instances = body.services.flatMap((s) => s.instances);
    return instances.length === platform.processes.length && instances.every((i) => i.state === 'RUNNING' && i.consumerLag !== null) ? body : undefined;
  });
  const order = snapshot.services.find((s) => s.applicationId === `${prefix}ecommerce-order`);
  assert.ok(order !== undefined, `the order service in ${snapshot.services.map((s) => s.applicationId).join(', ')}`);
  const processors = order.topology.subtopologies.flatMap((s) => s.nodes).filter((n) => n.type === 'processor').map((n) => n.name);
  const stores = new Set(order.topology.subtopologies.flatMap((s) => s.nodes).flatMap((n) => n.stores));
  assert.ok(processors.length > 0, 'the order topology has processors');
  for (const store of [Stores.orders, Stores.customerOrders]) assert.ok(stores.has(store), `the order topology has store ${store}: ${[...stores].join(', ')}`);

  const browser: Browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.setViewport({ width: 1500, height: 1000 });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(`${gateway.url}/ops`, { waitUntil: 'load' });
  await page.evaluate((token) => localStorage.setItem('kst-ops-token', token), admin.slice('Bearer '.length));
  await page.reload({ waitUntil: 'load' });

  await t.test('the topology of each service as boxes: the order service\'s processors and stores', async () => {
    const service = `${prefix}ecommerce-order`;
    await waitInPage(page, 'the order service\'s topology', 60_000, `document.querySelectorAll('.service[data-service="${service}"] .node').length > 0`);
    const shown = await page.$$eval(`.service[data-service="${service}"] .node[data-type="processor"]`, (nodes) => nodes.map((n) => n.getAttribute('data-name')));
    assert.deepEqual([...shown].sort(), [...processors].sort());
    const shownStores = await page.$$eval(`.service[data-service="${service}"] .store`, (nodes) => nodes.map((n) => n.getAttribute('data-store')));
    for (const store of stores) assert.ok(shownStores.includes(store), `store ${store} drawn`);
    const edges = await page.$$eval(`.service[data-service="${service}"] svg.edges path`, (paths) => paths.length);
    assert.ok(edges > 0, 'edges between the nodes');
    const services = await page.$$eval('#topologies .service', (nodes) => nodes.map((n) => n.getAttribute('data-service')));
    assert.equal(services.length, platform.processes.length, `one topology per service: ${services.join(', ')}`);
  });

  await t.test('every running instance with its tasks and a lag number', async () => {
    await waitInPage(page, 'every instance RUNNING with a lag', 60_000, `(() => {
      const rows = [...document.querySelectorAll('#instances tbody tr')];
      return rows.length === ${platform.processes.length} && rows.every((r) => r.dataset.state === 'RUNNING' && /^\\d+$/.test(r.querySelector('td.lag').dataset.lag));
    })()`);
    const rows = await page.$$eval('#instances tbody tr', (trs) => trs.map((tr) => ({
      endpoint: tr.getAttribute('data-endpoint'),
      lag: tr.querySelector('td.lag')?.getAttribute('data-lag'),
      tasks: [...tr.querySelectorAll('td.tasks:not(.standby) span')].map((s) => s.textContent),
    })));
    assert.deepEqual(rows.map((r) => r.endpoint).sort(), platform.processes.map((p) => p.endpoint).sort());
    for (const row of rows) {
      assert.ok(row.tasks.length > 0, `${row.endpoint} shows its active tasks`);
      assert.ok(row.tasks.every((task) => /^\d+_\d+$/.test(task ?? '')), `${row.endpoint}: task ids ${row.tasks.join(', ')}`);
      assert.match(row.lag ?? '', /^\d+$/, `${row.endpoint} shows a lag number`);
    }
    // Two partitions per topic and one instance each: the order instance runs every order task.
    const orderRow = rows.find((r) => r.endpoint === byService('order'));
    const orderTasks = order.topology.subtopologies.length * 2;
    assert.equal(orderRow?.tasks.length, orderTasks, `the order instance runs all ${orderTasks} tasks: ${orderRow?.tasks.join(', ')}`);
  });

  await t.test('an order placed now: its saga timeline in the page, transition by transition, to COMPLETED', async () => {
    const placed = await call(gateway, 'POST', '/orders', customer, { items: [{ productId, quantity: 2 }] });
    assert.equal(placed.status, 202);
    const orderId = String(placed.body['orderId']);
    // When each transition appeared in the page, by the browser's clock.
    await page.evaluate(`(() => {
      window.shown = [];
      new MutationObserver((changes) => {
        for (const change of changes) for (const node of change.addedNodes) window.shown.push([node.getAttribute('data-status'), performance.now()]);
      }).observe(document.querySelector('#timeline'), { childList: true });
    })()`);
    await page.type('#order-id', orderId);
    await page.click('#order-form button');
    await waitInPage(page, 'the order\'s first transition', 30_000, `document.querySelectorAll('#timeline li').length > 0`);
    await waitInPage(page, 'the order final', 120_000, `document.querySelector('#timeline-order').dataset.final === 'true'`);
    const statuses = await page.$$eval('#timeline li', (items) => items.map((li) => li.getAttribute('data-status')));
    assert.deepEqual(statuses, ['PENDING', 'RESERVED', 'PAID', 'SHIPPED', 'COMPLETED']);
    assert.match(await page.$eval('#timeline-order', (e) => e.textContent ?? ''), /COMPLETED \(final/);
    const shown = await page.evaluate('window.shown') as Array<[string, number]>;
    const at = new Map(shown);
    assert.ok((at.get('COMPLETED') ?? 0) - (at.get('PENDING') ?? 0) >= 500, `the page showed the transitions as they came, not all at once: ${JSON.stringify(shown)}`);
    // The instances table keeps refreshing beside it.
    await waitInPage(page, 'a fresh snapshot', 10_000, `/updated/.test(document.querySelector('#status').textContent)`);
  });

  await t.test('a screenshot of the page', async () => {
    const folder = process.env['OPS_SCREENSHOT_DIR'] ?? join(tmpdir(), 'kstreams-ops-page');
    mkdirSync(folder, { recursive: true });
    const path = join(folder, 'ops-page.png');
    await page.screenshot({ path, fullPage: true });
    const png = readFileSync(path);
    assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
    assert.ok(png.length > 20_000, `a screenshot with content (${png.length} bytes)`);
    t.diagnostic(`screenshot: ${path}`);
    assert.deepEqual(problems, [], 'no script errors in the page');
  });
});

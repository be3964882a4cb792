/**
 * Catalog search end to end on the stack: the real gateway in front of the inventory
 * service (one process, started by the platform launcher on topics of its own), the
 * Connect worker with `npm start`'s `products-search` sink, and OpenSearch with the index
 * `npm start` creates. Products put through `PUT /products/:id` with a description and a
 * category are found by `GET /products?q=<a word of the description>` seconds later, with
 * facets; the filters narrow the hits while each facet keeps counting the others' choices.
 */

import '../../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '../../../../gateway/auth/jwt.ts';
import { gatewayConfig } from '../../../../gateway/config.ts';
import { startGateway } from '../../../../gateway/gateway.ts';
import type { SearchResult } from '../../../../gateway/search/search-query.ts';
import { Platform } from '../../../../scripts/platform/services.ts';
import { applyReadModels, readModels } from '../../../../scripts/start/read-models.ts';
import { ensureProductsIndex } from '../../../../scripts/start/search-index.ts';
import { productsIndex } from '../../../../topologies/ecommerce/contracts/product-search-index.ts';
import { StoreHosts } from '../../../../topologies/ecommerce/contracts/stores.ts';
import type { ProductView } from '../../../../topologies/ecommerce/contracts/views.ts';
import { clusterNames, dropCluster, http, broker, startWorker } from '../../../connectors/helpers.ts';
import { stack } from '../../../connectors/sinks/support.ts';
import { uniqueName } from '../../../support/names.ts';

const secret = 'search-integration-secret-0123456789';
const admin = `Bearer ${await signToken({ sub: 'ops', role: 'admin', lifetimeS: 900 }, secret)}`;
const customer = `Bearer ${await signToken({ sub: 'carol', role: 'customer', lifetimeS: 900 }, secret)}`;

type Answer<T> = { readonly status: number; readonly body: T };

test('GET /products finds a product put seconds before by a word of its description, with facets and filters', { timeout: 300_000 }, async (t) => {
  const prefix = `${uniqueName('e2e-search')}-`;
  const root = join(tmpdir(), prefix);
  // Printed as it happens, so a run that hits the test's timeout shows the step it hung in.
  const startedAt = Date.now();
  const step = (what: string): void => console.log(`[search] ${((Date.now() - startedAt) / 1000).toFixed(1)}s ${what}`);
  step('starting the inventory service');
  const platform = await Platform.start({ instances: 1, services: ['inventory'], 'state.dir': join(root, 'state'), 'log.dir': join(root, 'logs'), 'query.base.port': 0 }, {
    'bootstrap.servers': stack.kafkaBootstrap,
    'schema.registry.url': stack.registryUrl,
    'topic.prefix': prefix,
    'topic.partitions': 2,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
  });
  step('inventory service running');
  const kafka = broker();
  const cluster = clusterNames('kst-search');
  const index = productsIndex(prefix);
  const sink = `${prefix}products-search`;
  t.after(async () => {
    await kafka.close();
    const unclean = await platform.stop();
    if (unclean.length === 0) await rm(root, { recursive: true, force: true });
    else console.log(`[search] processes that did not stop cleanly: ${unclean.join(', ')}; logs in ${join(root, 'logs')}`);
    await fetch(`${stack.opensearchUrl}/${index}`, { method: 'DELETE' }).catch(() => undefined);
    await fetch(`${stack.opensearchUrl}/_index_template/${index}`, { method: 'DELETE' }).catch(() => undefined);
  });

  // As npm start: the index with its mapping, then the sink, then the gateway.
  assert.equal((await ensureProductsIndex(stack.opensearchUrl, prefix)).created, true);
  const worker = await startWorker(cluster);
  step('Connect worker started');
  t.after(async () => {
    await http(worker.url, 'DELETE', `/connectors/${encodeURIComponent(sink)}`).catch(() => undefined);
    await worker.stop();
    await dropCluster(kafka.admin, cluster);
  });
  const models = readModels({ prefix, postgresUrl: stack.postgresUrl, opensearchUrl: stack.opensearchUrl, registryUrl: stack.registryUrl });
  await applyReadModels(worker.url, { [sink]: models[sink] as Record<string, string> });
  step('products-search sink created');
  const gateway = await startGateway(gatewayConfig.parse({
    'http.port': 0,
    'jwt.secret': secret,
    'topic.prefix': prefix,
    'kafka.bootstrap.servers': stack.kafkaBootstrap,
    'registry.url': stack.registryUrl,
    'inventory.query.endpoints': platform.processes.filter((p) => p.service === StoreHosts.products).map((p) => p.endpoint).join(','),
    'search.url': stack.opensearchUrl,
    'search.index': index,
  }), { logger: false });
  t.after(() => gateway.close());
  step('gateway started');

  const call = async <T>(method: string, path: string, authorization: string, body?: object): Promise<Answer<T>> => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const search = (query: string) => call<SearchResult>('GET', `/products?${query}`, customer);
  const ids = (result: SearchResult): string[] => result.items.map((item) => item.productId);

  // Before any product: the index is there and empty.
  const empty = await search('q=anything');
  assert.equal(empty.status, 200, JSON.stringify(empty.body));
  assert.equal(empty.body.total, 0);

  const word = `zq${randomBytes(4).toString('hex')}`;
  const put = async (id: string, body: object): Promise<void> => {
    const accepted = await call('PUT', `/products/${id}`, admin, body);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  };
  const putAt = Date.now();
  await put('kettle', { name: 'Kettle', priceCents: 2_900, restockQuantity: 4, description: `A ${word} kettle of brushed steel`, category: 'kitchen' });
  await put('rake', { name: 'Rake', priceCents: 1_500, restockQuantity: 0, description: `A ${word} rake with a long handle`, category: 'garden' });
  await put('teapot', { name: 'Teapot', priceCents: 900, restockQuantity: 2, description: 'Cast iron, for green tea', category: 'kitchen' });
  await put('plain', { name: 'Plain box', priceCents: 100, restockQuantity: 1 });

  // Polled, not slept: the sink indexes the store's changelog, the index refreshes each second.
  const searchUntil = async (query: string, total: number): Promise<SearchResult> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answer = await search(query);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      if (answer.body.total === total) return answer.body;
      if (Date.now() > deadline) assert.fail(`GET /products?${query}: ${total} products not found within 60 s; last answer ${JSON.stringify(answer.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  step('four products put');
  const found = await searchUntil(`q=${word}`, 2);
  const latencyMs = Date.now() - putAt;
  t.diagnostic(`found ${latencyMs} ms after the PUTs`);
  assert.ok(latencyMs < 30_000, `found only ${latencyMs} ms after the PUTs`);
  assert.deepEqual(ids(found).sort(), ['kettle', 'rake']);
  const kettle = found.items.find((item) => item.productId === 'kettle') as ProductView;
  assert.deepEqual([kettle.name, kettle.priceCents, kettle.available, kettle.description, kettle.category], ['Kettle', 2_900, 4, `A ${word} kettle of brushed steel`, 'kitchen']);
  assert.deepEqual([...found.facets.categories].sort((a, b) => a.value.localeCompare(b.value)), [{ value: 'garden', count: 1 }, { value: 'kitchen', count: 1 }]);
  assert.deepEqual(found.facets.inStock, { inStock: 1, outOfStock: 1 });
  assert.deepEqual(found.facets.priceRanges.filter((range) => range.count > 0), [{ from: 1_000, to: 2_500, count: 1 }, { from: 2_500, to: 5_000, count: 1 }]);

  // The other two (the changelog has two partitions, indexed independently).
  await searchUntil('size=0', 4);

  // The store view over gRPC carries the new fields as well.
  const view = await call<ProductView>('GET', '/products/kettle', customer);
  assert.deepEqual([view.body.description, view.body.category], [`A ${word} kettle of brushed steel`, 'kitchen']);

  // Filters narrow the hits; each facet still counts the products the other filters leave.
  const garden = (await search(`q=${word}&category=garden`)).body;
  assert.deepEqual([garden.total, ids(garden)], [1, ['rake']]);
  assert.equal(garden.facets.categories.length, 2, 'the category facet ignores the category filter');
  assert.deepEqual(garden.facets.inStock, { inStock: 0, outOfStock: 1 }, 'the stock facet takes the category filter');
  assert.deepEqual(ids((await search(`q=${word}&inStock=true`)).body), ['kettle']);
  assert.deepEqual(ids((await search(`q=${word}&inStock=false`)).body), ['rake']);
  assert.deepEqual(ids((await search(`q=${word}&minPrice=2000&maxPrice=3000`)).body), ['kettle']);
  assert.deepEqual(ids((await search(`q=${word}&maxPrice=1499`)).body), []);

  // Full text over name and description, every word; no text: every product, by name, paged.
  assert.deepEqual(ids((await search('q=green%20tea')).body), ['teapot']);
  assert.deepEqual(ids((await search(`q=${word}%20kettle`)).body), ['kettle']);
  await search('q=Plain').then((answer) => assert.deepEqual(ids(answer.body), ['plain']));
  // Indexed, so in the store: a product without description and category shows neither.
  const plain = await call<ProductView>('GET', '/products/plain', customer);
  assert.equal(plain.status, 200, JSON.stringify(plain.body));
  assert.ok(!('description' in plain.body) && !('category' in plain.body), `a product without them shows neither: ${JSON.stringify(plain.body)}`);
  const all = (await search('size=2')).body;
  assert.deepEqual([all.total, ids(all)], [4, ['kettle', 'plain']]);
  assert.deepEqual(ids((await search('size=2&from=2')).body), ['rake', 'teapot']);
  const kitchen = (await search('category=kitchen&size=0')).body;
  assert.deepEqual([kitchen.total, kitchen.items.length], [2, 0]);

  // Bad parameters are refused by name before OpenSearch is asked.
  const bad = await search('minPrice=cheap');
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /minPrice/);
  assert.equal((await call('GET', '/products?q=tea', '')).status, 401);
});

/**
 * The demo's search phase against a real gateway and the stack's OpenSearch: the run's
 * products are indexed as the products-search sink indexes them (one ProductView document
 * per product id, in an index `npm start` would create); the phase finds them all, checks
 * the facets, finds one by a word of its description and lists a category. With one
 * product missing from the index it reports the failure instead.
 */
import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KstError } from '../../../common/errors.ts';
import { gatewayConfig } from '../../../gateway/config.ts';
import { startGateway } from '../../../gateway/gateway.ts';
import type { QueryReader } from '../../../gateway/http/context.ts';
import { DEV_JWT_SECRET } from '../../../scripts/demo/demo-config.ts';
import { customer, DemoGatewayClient } from '../../../scripts/demo/gateway-client.ts';
import { runSearch } from '../../../scripts/demo/search-phase.ts';
import { planWorkload, type PlannedProduct } from '../../../scripts/demo/workload.ts';
import { ensureProductsIndex } from '../../../scripts/start/search-index.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { uniqueName } from '../../support/names.ts';

const stack = endpoints(loadStackConfig());

async function index(name: string, products: readonly PlannedProduct[]): Promise<void> {
  const lines = products.flatMap((p) => [
    JSON.stringify({ index: { _index: name, _id: p.productId } }),
    JSON.stringify({ productId: p.productId, name: p.name, priceCents: p.priceCents, available: p.stock, reserved: 0, sold: 0, updatedAtMs: Date.now(), description: p.description, category: p.category }),
  ]);
  const response = await fetch(`${stack.opensearchUrl}/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${lines.join('\n')}\n` });
  const body = await response.json() as { errors: boolean };
  assert.equal(response.status, 200);
  assert.equal(body.errors, false, JSON.stringify(body).slice(0, 500));
}

test('the search phase finds the run\'s products, checks the facets, finds one by a word and lists a category; a missing product fails it', { timeout: 120_000 }, async (t) => {
  const prefix = `${uniqueName('kst-demo-search')}.`;
  const { index: indexName } = await ensureProductsIndex(stack.opensearchUrl, prefix);
  t.after(async () => {
    await fetch(`${stack.opensearchUrl}/${indexName}`, { method: 'DELETE' }).catch(() => undefined);
    await fetch(`${stack.opensearchUrl}/_index_template/${indexName}`, { method: 'DELETE' }).catch(() => undefined);
  });
  const unused = async (): Promise<never> => { throw new KstError('KST_QUERY_UNAVAILABLE', 'not used', {}); };
  const queries: QueryReader = { getOrder: unused, listCustomerOrders: unused, getProduct: unused, getCustomer: unused, getCart: unused, watchOrder: unused };
  const commands = { publish: async () => undefined, close: async () => undefined };
  const gateway = await startGateway(gatewayConfig.parse({
    'http.port': 0,
    'jwt.secret': DEV_JWT_SECRET,
    'topic.prefix': prefix,
    'kafka.bootstrap.servers': stack.kafkaBootstrap,
    'registry.url': stack.registryUrl,
    'search.url': stack.opensearchUrl,
    'search.index': indexName,
  }), { logger: false, queries, commands: commands as never });
  t.after(() => gateway.close());
  const client = new DemoGatewayClient({ baseUrl: gateway.url, secret: DEV_JWT_SECRET, connections: 2, requestTimeoutMs: 10_000 });
  t.after(() => client.close());

  const plan = (runId: string) => planWorkload({ runId, orders: 10, customers: 3, products: 15, rate: 10, seed: 3, shares: { outOfStock: 0.2, tooExpensive: 0, cancelled: 0, poorCustomers: 0 } });
  const good = plan(`r${Date.now().toString(36)}a`);
  assert.ok(good.products.some((p) => p.stock === 0), 'the plan has a sold-out product for the facet to count');
  await index(indexName, good.products);
  const lines: string[] = [];
  const result = await runSearch(client, { runId: good.runId, products: good.products, caller: customer('c-1'), print: (line) => lines.push(line), timeoutMs: 10_000 });
  assert.equal(result.ok, true, lines.join('\n'));
  assert.match(lines.join('\n'), /finds all 15 products of the run/);
  assert.match(lines.join('\n'), /q="[a-z]+ r[0-9a-z]+a" → \d+ products?: Product \d+ \(\w+ [a-z]+ of demo run/);
  assert.match(lines.join('\n'), /category=[a-z]+&inStock=true → \d+ products?:/);

  const partial = plan(`r${Date.now().toString(36)}b`);
  await index(indexName, partial.products.slice(1));
  const failed: string[] = [];
  const missing = await runSearch(client, { runId: partial.runId, products: partial.products, caller: customer('c-1'), print: (line) => failed.push(line), timeoutMs: 1_500 });
  assert.equal(missing.ok, false);
  assert.match(failed.join('\n'), /products were not all found by GET \/products\?q=/);
});

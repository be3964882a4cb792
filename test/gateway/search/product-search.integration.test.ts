/**
 * The search client against the stack's OpenSearch, including what goes wrong: an index
 * not created yet answers no products; a closed port is 503-retry
 * (`KST_GATEWAY_SEARCH_UNAVAILABLE`); an index mapped without the explicit mapping (category
 * as text, which cannot be aggregated) is refused by OpenSearch, `KST_GATEWAY_SEARCH_FAILED`.
 */
import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { isKstError } from '../../../common/errors.ts';
import { ProductSearch } from '../../../gateway/search/product-search.ts';
import { ensureProductsIndex } from '../../../scripts/start/search-index.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { uniqueName } from '../../support/names.ts';

const url = endpoints(loadStackConfig()).opensearchUrl;
const page = { size: 10, from: 0 } as const;

async function send(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return await response.json() as Record<string, unknown>;
}

test('searches an index with the explicit mapping; a missing index answers no products', { timeout: 60_000 }, async (t) => {
  const prefix = `${uniqueName('kst-search-client')}.`;
  const { index } = await ensureProductsIndex(url, prefix);
  t.after(async () => {
    await send('DELETE', `/${index}`).catch(() => undefined);
    await send('DELETE', `/_index_template/${index}`).catch(() => undefined);
  });
  await send('PUT', `/${index}/_doc/p1?refresh=true`, { productId: 'p1', name: 'Teapot', priceCents: 900, available: 2, reserved: 0, sold: 0, updatedAtMs: 1, description: 'Cast iron, for green tea', category: 'kitchen' });
  await send('PUT', `/${index}/_doc/p2?refresh=true`, { productId: 'p2', name: 'Green rake', priceCents: 1_500, available: 0, reserved: 0, sold: 3, updatedAtMs: 1, category: 'garden' });
  const search = new ProductSearch({ url, index, timeoutMs: 5_000 });
  const green = await search.search({ q: 'green', ...page });
  assert.deepEqual(green.items.map((item) => item.productId), ['p2', 'p1'], 'a word of the name weighs more than one of the description');
  assert.deepEqual(green.facets.inStock, { inStock: 1, outOfStock: 1 });
  assert.deepEqual((await search.search({ q: 'green tea', ...page })).items.map((item) => item.productId), ['p1']);
  assert.deepEqual((await search.search({ q: 'teapot iron', ...page })).items.map((item) => item.productId), ['p1'], 'every word, each in the name or the description');
  assert.deepEqual(await new ProductSearch({ url, index: `${index}-none`, timeoutMs: 5_000 }).search({ q: 'tea', ...page }), { total: 0, items: [], facets: { categories: [], priceRanges: [], inStock: { inStock: 0, outOfStock: 0 } } });
});

test('OpenSearch unreachable is KST_GATEWAY_SEARCH_UNAVAILABLE; a refused search (a text category) KST_GATEWAY_SEARCH_FAILED', { timeout: 60_000 }, async (t) => {
  // A port that was just free and is closed again: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolve(free));
    });
  });
  await assert.rejects(new ProductSearch({ url: `http://127.0.0.1:${port}`, index: 'products', timeoutMs: 2_000 }).search({ ...page }), (error) => isKstError(error, 'KST_GATEWAY_SEARCH_UNAVAILABLE') && error.canRetry);

  const index = `${uniqueName('kst-search-client-dynamic')}.products`;
  t.after(async () => { await send('DELETE', `/${index}`).catch(() => undefined); });
  await send('PUT', `/${index}/_doc/p1?refresh=true`, { productId: 'p1', name: 'Pen', category: 'office', priceCents: 1, available: 1 });
  const mapping = await send('GET', `/${index}/_mapping`) as Record<string, { mappings: { properties: Record<string, { type: string }> } }>;
  assert.equal(mapping[index]?.mappings.properties['category']?.type, 'text', 'the fault: dynamic mapping made category text');
  await assert.rejects(new ProductSearch({ url, index, timeoutMs: 5_000 }).search({ ...page }), (error) => isKstError(error, 'KST_GATEWAY_SEARCH_FAILED') && /refused the search/.test(error.message));
});

test('an index of an earlier platform (dynamically mapped: productId as text, no category) answers once npm start added the new fields', { timeout: 60_000 }, async (t) => {
  const prefix = `${uniqueName('kst-search-client-old')}.`;
  const index = `${prefix}products`;
  t.after(async () => {
    await send('DELETE', `/${index}`).catch(() => undefined);
    await send('DELETE', `/_index_template/${index}`).catch(() => undefined);
  });
  await send('PUT', `/${index}/_doc/p1?refresh=true`, { productId: 'p1', name: 'Pen', priceCents: 100, available: 1, reserved: 0, sold: 0, updatedAtMs: 1 });
  await send('PUT', `/${index}/_doc/p2?refresh=true`, { productId: 'p2', name: 'Ink', priceCents: 300, available: 0, reserved: 0, sold: 0, updatedAtMs: 2 });
  const mapping = await send('GET', `/${index}/_mapping`) as Record<string, { mappings: { properties: Record<string, { type: string }> } }>;
  assert.equal(mapping[index]?.mappings.properties['productId']?.type, 'text', 'productId as text, which cannot sort');
  assert.deepEqual((await ensureProductsIndex(url, prefix)).added, ['description', 'category']);
  await send('PUT', `/${index}/_doc/p3?refresh=true`, { productId: 'p3', name: 'Quill', priceCents: 500, available: 2, reserved: 0, sold: 0, updatedAtMs: 3, description: 'A pen of old', category: 'office' });
  const search = new ProductSearch({ url, index, timeoutMs: 5_000 });
  const all = await search.search({ ...page });
  assert.deepEqual(all.items.map((item) => item.productId), ['p2', 'p1', 'p3'], 'by name');
  assert.deepEqual((await search.search({ q: 'pen', ...page })).items.map((item) => item.productId).sort(), ['p1', 'p3']);
  assert.deepEqual((await search.search({ category: 'office', ...page })).facets.categories, [{ value: 'office', count: 1 }]);
});

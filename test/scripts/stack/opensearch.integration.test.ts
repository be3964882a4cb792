import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { uniqueName } from '../../support/names.ts';

const base = endpoints(loadStackConfig()).opensearchUrl;

async function call(method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': contentType } }) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

test('documents bulk-indexed into OpenSearch are found by a search', { timeout: 60_000 }, async (t) => {
  const index = uniqueName('products');
  t.after(() => call('DELETE', `/${index}`));
  const products = Array.from({ length: 50 }, (_, i) => ({ id: `p-${i}`, name: i % 5 === 0 ? `red shoe ${i}` : `blue hat ${i}`, stock: i }));
  const bulk = products.flatMap((p) => [JSON.stringify({ index: { _index: index, _id: p.id } }), JSON.stringify(p)]).join('\n') + '\n';

  const indexed = await call('POST', '/_bulk?refresh=true', bulk, 'application/x-ndjson');
  assert.equal(indexed.status, 200);
  assert.equal(indexed.json['errors'], false);
  assert.equal((indexed.json['items'] as unknown[]).length, products.length);

  const found = await call('POST', `/${index}/_search`, JSON.stringify({ query: { match: { name: 'red' } }, size: 100, sort: [{ stock: 'asc' }] }));
  assert.equal(found.status, 200);
  const hits = (found.json['hits'] as { total: { value: number }; hits: Array<{ _id: string; _source: { stock: number } }> });
  assert.equal(hits.total.value, 10);
  assert.deepEqual(hits.hits.map((hit) => hit._id), products.filter((p) => p.name.startsWith('red')).map((p) => p.id));

  const one = await call('GET', `/${index}/_doc/p-7`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.json['_source'], products[7]);
});

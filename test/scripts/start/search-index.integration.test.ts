/**
 * The products search index on the stack's OpenSearch, as `npm start` makes it: created with
 * the explicit mapping, unchanged by a second start, an index of an earlier platform
 * (dynamically mapped) gains the new fields, and one whose category is text is refused by name.
 */
import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { productsIndex } from '../../../topologies/ecommerce/contracts/product-search-index.ts';
import { ensureProductsIndex } from '../../../scripts/start/search-index.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { uniqueName } from '../../support/names.ts';

const url = endpoints(loadStackConfig()).opensearchUrl;

async function send(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, json: await response.json() as Record<string, unknown> };
}

async function mappingOf(index: string): Promise<Record<string, { type?: string }>> {
  const { json } = await send('GET', `/${index}/_mapping`);
  return (json[index] as { mappings: { properties: Record<string, { type?: string }> } }).mappings.properties;
}

async function drop(index: string): Promise<void> {
  await send('DELETE', `/${index}`).catch(() => undefined);
  await send('DELETE', `/_index_template/${index}`).catch(() => undefined);
}

test('creates the index with the explicit mapping, and a second run changes nothing', { timeout: 60_000 }, async () => {
  const prefix = `${uniqueName('kst-search-index')}.`;
  const index = productsIndex(prefix);
  try {
    assert.deepEqual(await ensureProductsIndex(url, prefix), { index, created: true, added: [] });
    const mapping = await mappingOf(index);
    assert.deepEqual([mapping['name']?.type, mapping['description']?.type, mapping['category']?.type, mapping['priceCents']?.type, mapping['available']?.type], ['text', 'text', 'keyword', 'long', 'long']);
    assert.deepEqual(await ensureProductsIndex(url, prefix), { index, created: false, added: [] });
    // The template gives an index the sink creates after a deletion the same mapping.
    await send('DELETE', `/${index}`);
    assert.equal((await send('PUT', `/${index}/_doc/p1?refresh=true`, { productId: 'p1', name: 'Pen', category: 'office', priceCents: 1 })).status, 201);
    assert.equal((await mappingOf(index))['category']?.type, 'keyword');
  } finally {
    await drop(index);
  }
});

test('an index mapped dynamically by an earlier platform gains description and category; a text category is refused by name', { timeout: 60_000 }, async () => {
  const prefix = `${uniqueName('kst-search-index-old')}.`;
  const index = productsIndex(prefix);
  const other = productsIndex(`${prefix}bad.`);
  try {
    assert.equal((await send('PUT', `/${index}/_doc/p1?refresh=true`, { productId: 'p1', name: 'Pen', priceCents: 100, available: 1, reserved: 0, sold: 0, updatedAtMs: 1 })).status, 201);
    const result = await ensureProductsIndex(url, prefix);
    assert.equal(result.created, false);
    assert.deepEqual([...result.added].sort(), ['category', 'description']);
    assert.deepEqual([(await mappingOf(index))['category']?.type, (await mappingOf(index))['productId']?.type], ['keyword', 'text']);

    assert.equal((await send('PUT', `/${other}/_doc/p1?refresh=true`, { productId: 'p1', name: 'Pen', category: 'office' })).status, 201);
    await assert.rejects(ensureProductsIndex(url, `${prefix}bad.`), /field category is mapped as text, search needs keyword/);
  } finally {
    await drop(index);
    await drop(other);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRICE_RANGES, searchRequest, searchResult } from '../../../gateway/search/search-query.ts';

type Body = { query: unknown; post_filter: { bool: { filter: unknown[] } }; sort: unknown[]; aggs: Record<string, { filter: { bool: { filter: unknown[] } } }> };

test('text over name and description, every word required; the hits take every filter, each facet all but its own', () => {
  const body = searchRequest({ q: 'green tea', category: 'drinks', minPrice: 100, maxPrice: 900, inStock: true, size: 5, from: 10 }) as unknown as Body & { size: number; from: number };
  assert.deepEqual(body.query, { multi_match: { query: 'green tea', type: 'cross_fields', fields: ['name^2', 'description'], operator: 'and' } });
  const category = { term: { category: 'drinks' } };
  const price = { range: { priceCents: { gte: 100, lte: 900 } } };
  const inStock = { range: { available: { gt: 0 } } };
  assert.deepEqual(body.post_filter.bool.filter, [category, price, inStock]);
  assert.deepEqual(body.aggs['categories']?.filter.bool.filter, [price, inStock]);
  assert.deepEqual(body.aggs['priceRanges']?.filter.bool.filter, [category, inStock]);
  assert.deepEqual(body.aggs['inStock']?.filter.bool.filter, [category, price]);
  assert.deepEqual([body.size, body.from, body.sort[0]], [5, 10, '_score']);
});

test('without text: every product, by name; out of stock is available not above 0; one price bound alone', () => {
  const body = searchRequest({ maxPrice: 500, inStock: false, size: 20, from: 0 }) as unknown as Body;
  assert.deepEqual(body.query, { match_all: {} });
  assert.deepEqual(body.post_filter.bool.filter, [{ range: { priceCents: { lte: 500 } } }, { bool: { must_not: [{ range: { available: { gt: 0 } } }] } }]);
  assert.deepEqual(body.sort, [{ 'name.keyword': { order: 'asc', unmapped_type: 'keyword' } }, { updatedAtMs: { order: 'desc', unmapped_type: 'long' } }], 'fields typed alike in an index of an earlier platform');
});

test('an answer reads back as total, ProductViews (unknown fields dropped) and facets', () => {
  const result = searchResult({
    hits: { total: { value: 2, relation: 'eq' }, hits: [{ _source: { productId: 'p1', name: 'Tea', priceCents: 450, available: 0, reserved: 1, sold: 2, updatedAtMs: 5, category: 'drinks', extra: 'x' } }] },
    aggregations: {
      categories: { doc_count: 2, values: { buckets: [{ key: 'drinks', doc_count: 2 }] } },
      priceRanges: { doc_count: 2, ranges: { buckets: PRICE_RANGES.map((range, index) => ({ key: String(index), ...range, doc_count: index === 0 ? 2 : 0 })) } },
      inStock: { doc_count: 2, split: { buckets: { inStock: { doc_count: 1 }, outOfStock: { doc_count: 1 } } } },
    },
  });
  assert.deepEqual(result, {
    total: 2,
    items: [{ productId: 'p1', name: 'Tea', priceCents: 450, available: 0, reserved: 1, sold: 2, updatedAtMs: 5, category: 'drinks' }],
    facets: {
      categories: [{ value: 'drinks', count: 2 }],
      priceRanges: [{ to: 1_000, count: 2 }, { from: 1_000, to: 2_500, count: 0 }, { from: 2_500, to: 5_000, count: 0 }, { from: 5_000, to: 10_000, count: 0 }, { from: 10_000, count: 0 }],
      inStock: { inStock: 1, outOfStock: 1 },
    },
  });
});

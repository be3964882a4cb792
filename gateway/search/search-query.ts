/**
 * The OpenSearch request of a product search, and its answer read back as the gateway's
 * shape. Full text (`q`) is matched over `name` (boosted) and `description` as one field
 * (`cross_fields`): every word is required, in the name or the description; the filters (category, price range in cents, in stock) narrow the hits.
 *
 * Facets are disjunctive, as shop filters are: each facet counts the products matching the
 * text and every filter except its own, so picking a category still shows how many products
 * the other categories hold. The hits are filtered by all of them (`post_filter`).
 *
 * @example
 * ```ts
 * const body = searchRequest({ q: 'tea', category: 'drinks', size: 20, from: 0 });
 * const result = searchResult(await (await fetch(`${url}/products/_search`, { method: 'POST', body: JSON.stringify(body) })).json());
 * // { total: 3, items: [ProductView, …], facets: { categories: [{ value: 'drinks', count: 3 }, …], priceRanges: [...], inStock: { inStock: 2, outOfStock: 1 } } }
 * ```
 */

import type { ProductView } from '../../topologies/ecommerce/contracts/views.ts';

export interface ProductQuery {
  readonly q?: string;
  readonly category?: string;
  /** Inclusive, cents. */
  readonly minPrice?: number;
  /** Inclusive, cents. */
  readonly maxPrice?: number;
  /** true: available > 0; false: available = 0. */
  readonly inStock?: boolean;
  readonly size: number;
  readonly from: number;
}

export interface PriceRange {
  /** Inclusive lower bound in cents; absent for the first range. */
  readonly from?: number;
  /** Exclusive upper bound in cents; absent for the last range. */
  readonly to?: number;
  readonly count: number;
}

export interface SearchFacets {
  readonly categories: ReadonlyArray<{ readonly value: string; readonly count: number }>;
  readonly priceRanges: readonly PriceRange[];
  readonly inStock: { readonly inStock: number; readonly outOfStock: number };
}

export interface SearchResult {
  readonly total: number;
  readonly items: readonly ProductView[];
  readonly facets: SearchFacets;
}

/** The price facet's buckets, in cents: under 10.00, 10.00–25.00, 25.00–50.00, 50.00–100.00, 100.00 and more. */
export const PRICE_RANGES: ReadonlyArray<{ readonly from?: number; readonly to?: number }> = [
  { to: 1_000 }, { from: 1_000, to: 2_500 }, { from: 2_500, to: 5_000 }, { from: 5_000, to: 10_000 }, { from: 10_000 },
];

/** Categories the facet lists at most (the most frequent first). */
export const MAX_CATEGORY_FACETS = 50;

type Clause = Record<string, unknown>;
type FilterName = 'category' | 'price' | 'inStock';

function filters(query: ProductQuery): Map<FilterName, Clause> {
  const clauses = new Map<FilterName, Clause>();
  if (query.category !== undefined) clauses.set('category', { term: { category: query.category } });
  if (query.minPrice !== undefined || query.maxPrice !== undefined) {
    clauses.set('price', { range: { priceCents: { ...(query.minPrice === undefined ? {} : { gte: query.minPrice }), ...(query.maxPrice === undefined ? {} : { lte: query.maxPrice }) } } });
  }
  if (query.inStock !== undefined) clauses.set('inStock', query.inStock ? IN_STOCK : OUT_OF_STOCK);
  return clauses;
}

const IN_STOCK: Clause = { range: { available: { gt: 0 } } };
const OUT_OF_STOCK: Clause = { bool: { must_not: [IN_STOCK] } };

const all = (clauses: readonly Clause[]): Clause => ({ bool: { filter: clauses } });

function except(clauses: ReadonlyMap<FilterName, Clause>, name: FilterName): Clause {
  return all([...clauses].filter(([other]) => other !== name).map(([, clause]) => clause));
}

export function searchRequest(query: ProductQuery): Record<string, unknown> {
  const clauses = filters(query);
  const text: Clause = query.q === undefined
    ? { match_all: {} }
    : { multi_match: { query: query.q, type: 'cross_fields', fields: ['name^2', 'description'], operator: 'and' } };
  return {
    size: query.size,
    from: query.from,
    track_total_hits: true,
    query: text,
    post_filter: all([...clauses.values()]),
    // Relevance for a text search, otherwise by name. Ties go by name and last update, fields an index of
    // an earlier platform (dynamically mapped, productId as text, which cannot sort) maps the same way.
    sort: [
      ...(query.q === undefined ? [] : ['_score']),
      { 'name.keyword': { order: 'asc', unmapped_type: 'keyword' } },
      { updatedAtMs: { order: 'desc', unmapped_type: 'long' } },
    ],
    aggs: {
      categories: { filter: except(clauses, 'category'), aggs: { values: { terms: { field: 'category', size: MAX_CATEGORY_FACETS } } } },
      priceRanges: { filter: except(clauses, 'price'), aggs: { ranges: { range: { field: 'priceCents', ranges: PRICE_RANGES } } } },
      inStock: { filter: except(clauses, 'inStock'), aggs: { split: { filters: { filters: { inStock: IN_STOCK, outOfStock: OUT_OF_STOCK } } } } },
    },
  };
}

interface Bucket { key?: unknown; from?: number; to?: number; doc_count?: number }

interface SearchAnswer {
  hits?: { total?: { value?: number } | number; hits?: Array<{ _source?: Record<string, unknown> }> };
  aggregations?: {
    categories?: { values?: { buckets?: Bucket[] } };
    priceRanges?: { ranges?: { buckets?: Bucket[] } };
    inStock?: { split?: { buckets?: Record<string, Bucket> } };
  };
}

const PRODUCT_FIELDS = ['productId', 'name', 'priceCents', 'available', 'reserved', 'sold', 'updatedAtMs', 'description', 'category'] as const;

/** A document as the ProductView it was indexed from (fields the view does not have are dropped). */
function productOf(source: Record<string, unknown>): ProductView {
  const view: Record<string, unknown> = {};
  for (const field of PRODUCT_FIELDS) if (source[field] !== undefined && source[field] !== null) view[field] = source[field];
  return view as unknown as ProductView;
}

export function searchResult(answer: unknown): SearchResult {
  const { hits, aggregations } = answer as SearchAnswer;
  const total = typeof hits?.total === 'number' ? hits.total : hits?.total?.value ?? 0;
  const split = aggregations?.inStock?.split?.buckets;
  return {
    total,
    items: (hits?.hits ?? []).map((hit) => productOf(hit._source ?? {})),
    facets: {
      categories: (aggregations?.categories?.values?.buckets ?? []).map((bucket) => ({ value: String(bucket.key), count: bucket.doc_count ?? 0 })),
      priceRanges: (aggregations?.priceRanges?.ranges?.buckets ?? []).map((bucket) => ({
        ...(bucket.from === undefined || bucket.from === null ? {} : { from: bucket.from }),
        ...(bucket.to === undefined || bucket.to === null ? {} : { to: bucket.to }),
        count: bucket.doc_count ?? 0,
      })),
      inStock: { inStock: split?.['inStock']?.doc_count ?? 0, outOfStock: split?.['outOfStock']?.doc_count ?? 0 },
    },
  };
}

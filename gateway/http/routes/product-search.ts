/**
 * `GET /products?q=&category=&minPrice=&maxPrice=&inStock=&size=&from=`: full-text search
 * over the catalog with facets, answered from the products search read model (OpenSearch,
 * filled by the `products-search` sink; `gateway/search/`). Any authenticated caller may
 * search, as it may read `GET /products/:id`. A product shows up about a second after its
 * `PUT /products/:id` was processed (the sink's flush and the index's refresh).
 *
 * Query values arrive as text: numbers and booleans are converted before the schema checks
 * them (the API's schemas coerce nothing), so `minPrice=abc` is a 400 naming `minPrice`.
 * Unknown parameters are 400 as well.
 *
 * @example
 * ```ts
 * registerProductSearchRoutes(app, new ProductSearch({ url: 'http://127.0.0.1:9200', index: 'products', timeoutMs: 3_000 }));
 * // GET /products?q=tea&inStock=true → 200 {"total":1,"items":[{"productId":"p-1",…}],"facets":{"categories":[{"value":"drinks","count":1}],…}}
 * ```
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KstError } from '../../../common/errors.ts';
import type { ProductSearcher } from '../../search/product-search.ts';
import type { ProductQuery } from '../../search/search-query.ts';
import { principalOf } from '../access.ts';
import { AUTHENTICATED_ERRORS, errorResponses } from '../response-schemas.ts';
import { CATEGORY_MAX_LENGTH, CATEGORY_PATTERN } from '../../../topologies/ecommerce/contracts/product-search-index.ts';

/** OpenSearch's default `index.max_result_window`: from + size may not pass it. */
export const MAX_RESULT_WINDOW = 10_000;
export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;
const MAX_CENTS = 1_000_000_000_000;

const cents = (description: string) => ({ type: 'integer', minimum: 0, maximum: MAX_CENTS, description }) as const;

export const productSearchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 200, description: 'Words to find in the name or description; every word must match.' },
    category: { type: 'string', minLength: 1, maxLength: CATEGORY_MAX_LENGTH, pattern: CATEGORY_PATTERN, description: 'Only this category.' },
    minPrice: cents('Lowest price in cents (inclusive).'),
    maxPrice: cents('Highest price in cents (inclusive).'),
    inStock: { type: 'boolean', description: 'true: only products with available stock; false: only those without.' },
    size: { type: 'integer', minimum: 0, maximum: MAX_PAGE_SIZE, description: `Products per page (default ${DEFAULT_PAGE_SIZE}); 0 answers the total and facets only.` },
    from: { type: 'integer', minimum: 0, maximum: MAX_RESULT_WINDOW, description: `Products to skip; from + size at most ${MAX_RESULT_WINDOW}.` },
  },
} as const;

const count = { type: 'integer', minimum: 0 } as const;

const productSearchResult = {
  type: 'object',
  description: 'The matching products (one page) and the facets of the search.',
  additionalProperties: false,
  required: ['total', 'items', 'facets'],
  properties: {
    total: { ...count, description: 'Products matching the text and every filter.' },
    items: { type: 'array', items: { $ref: 'ProductView#' } },
    facets: {
      type: 'object',
      description: 'Each facet counts the products matching the text and every filter but its own.',
      additionalProperties: false,
      required: ['categories', 'priceRanges', 'inStock'],
      properties: {
        categories: { type: 'array', description: 'Up to 50 categories, the most frequent first.', items: { type: 'object', additionalProperties: false, required: ['value', 'count'], properties: { value: { type: 'string' }, count } } },
        priceRanges: {
          type: 'array',
          description: 'Fixed price bands in cents: from inclusive, to exclusive.',
          items: { type: 'object', additionalProperties: false, required: ['count'], properties: { from: { type: 'integer' }, to: { type: 'integer' }, count } },
        },
        inStock: { type: 'object', additionalProperties: false, required: ['inStock', 'outOfStock'], properties: { inStock: count, outOfStock: count } },
      },
    },
  },
} as const;

type SearchQuerystring = Partial<Omit<ProductQuery, 'size' | 'from'>> & { readonly size?: number; readonly from?: number };

const NUMERIC = new Set(['minPrice', 'maxPrice', 'size', 'from']);

/** Query values are text: digits become numbers and true/false booleans; anything else stays text for the schema to refuse. */
function convertQuery(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown>;
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') continue;
    if (NUMERIC.has(key) && /^\d{1,16}$/.test(value)) query[key] = Number(value);
    else if (key === 'inStock' && (value === 'true' || value === 'false')) query[key] = value === 'true';
  }
}

export function registerProductSearchRoutes(app: FastifyInstance, search: ProductSearcher | undefined): void {
  app.get<{ Querystring: SearchQuerystring }>('/products', {
    preValidation: async (request) => convertQuery(request),
    schema: {
      tags: ['products'], operationId: 'searchProducts', summary: 'Search the catalog: full text over name and description, filters, facets (any authenticated caller)',
      querystring: productSearchQuery,
      response: { 200: productSearchResult, ...errorResponses(...AUTHENTICATED_ERRORS, 400, 502) },
    },
  }, async (request) => {
    principalOf(request);
    const { q, category, minPrice, maxPrice, inStock, size = DEFAULT_PAGE_SIZE, from = 0 } = request.query;
    if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) throw new KstError('KST_GATEWAY_REQUEST_INVALID', `querystring/minPrice (${minPrice}) must not be above maxPrice (${maxPrice})`);
    if (from + size > MAX_RESULT_WINDOW) throw new KstError('KST_GATEWAY_REQUEST_INVALID', `querystring/from + size must be at most ${MAX_RESULT_WINDOW} (got ${from + size})`);
    const text = q?.trim();
    if (text === '') throw new KstError('KST_GATEWAY_REQUEST_INVALID', 'querystring/q must hold a word');
    if (search === undefined) throw new KstError('KST_GATEWAY_SEARCH_UNAVAILABLE', 'the gateway has no products search index configured (GATEWAY_SEARCH_URL)', { retryAfterMs: 60_000 });
    return search.search({
      ...(text === undefined ? {} : { q: text }),
      ...(category === undefined ? {} : { category }),
      ...(minPrice === undefined ? {} : { minPrice }),
      ...(maxPrice === undefined ? {} : { maxPrice }),
      ...(inStock === undefined ? {} : { inStock }),
      size,
      from,
    });
  });
}

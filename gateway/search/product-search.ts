/**
 * Searches the products read model: the OpenSearch index the `products-search` sink fills
 * from the inventory service's `products` store (`GET /products`). Plain `_search` over
 * fetch, so OpenSearch 2 and Elasticsearch 8/9 both answer (docs/ARCHITECTURE.md).
 *
 * An index that does not exist yet (no product was ever indexed) answers no products.
 * OpenSearch unreachable, answering 5xx or past the deadline is `KST_GATEWAY_SEARCH_UNAVAILABLE`
 * (503, retry); a refused request (a 4xx: the index is mapped otherwise than search needs)
 * is `KST_GATEWAY_SEARCH_FAILED` (502). Credentials in the URL (`http://user:pw@host:9200`)
 * are sent as basic auth, never in the URL.
 *
 * @example
 * ```ts
 * const search = new ProductSearch({ url: 'http://127.0.0.1:9200', index: 'products', timeoutMs: 3_000 });
 * const { total, items, facets } = await search.search({ q: 'tea', size: 20, from: 0 });
 * ```
 */

import { KstError } from '../../common/errors.ts';
import { searchRequest, searchResult, type ProductQuery, type SearchResult } from './search-query.ts';

/** What the route needs; `ProductSearch` is the real one. */
export interface ProductSearcher {
  search(query: ProductQuery): Promise<SearchResult>;
}

export interface ProductSearchOptions {
  /** OpenSearch's base URL, optionally with user:password@. */
  readonly url: string;
  readonly index: string;
  readonly timeoutMs: number;
}

const EMPTY: SearchResult = { total: 0, items: [], facets: { categories: [], priceRanges: [], inStock: { inStock: 0, outOfStock: 0 } } };

export class ProductSearch implements ProductSearcher {
  readonly #endpoint: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #index: string;

  constructor(options: ProductSearchOptions) {
    const url = new URL(options.url);
    const authorization = url.username === ''
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    this.#endpoint = `${url.origin}${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(options.index)}/_search`;
    this.#headers = { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) };
    this.#timeoutMs = options.timeoutMs;
    this.#index = options.index;
  }

  async search(query: ProductQuery): Promise<SearchResult> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.#endpoint, { method: 'POST', headers: this.#headers, body: JSON.stringify(searchRequest(query)), signal: AbortSignal.timeout(this.#timeoutMs) });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new KstError('KST_GATEWAY_SEARCH_UNAVAILABLE', timedOut ? `the products search index did not answer within ${this.#timeoutMs} ms` : 'the products search index is unreachable', { retryAfterMs: 1_000 }, { cause: error });
    }
    if (response.ok) return searchResult(JSON.parse(text));
    if (response.status === 404 && text.includes('index_not_found_exception')) return EMPTY;
    if (response.status >= 500 || response.status === 429) {
      throw new KstError('KST_GATEWAY_SEARCH_UNAVAILABLE', `the products search index answered ${response.status}`, { retryAfterMs: 1_000, body: text.slice(0, 500) });
    }
    throw new KstError('KST_GATEWAY_SEARCH_FAILED', `OpenSearch refused the search of index ${this.#index} (${response.status})`, { body: text.slice(0, 1_000) });
  }
}

/**
 * The demo's search phase, right after the setup: the catalog search (`GET /products`, the
 * OpenSearch read model) must find the products the run just created. It waits until every
 * product of the run is indexed (their descriptions name the run), checks the facets
 * against the plan (categories, sold out), finds one product by a word of its description,
 * and lists one category. Every step is printed; `ok` is false when one did not go as it
 * should.
 *
 * @example
 * ```ts
 * const result = await runSearch(client, { runId, products: workload.products, caller: customer(id), print: console.log, timeoutMs: 60_000 });
 * ```
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { Caller, DemoGatewayClient } from './gateway-client.ts';
import { catalogEntry, type PlannedProduct } from './workload.ts';

export interface SearchPhaseOptions {
  readonly runId: string;
  /** The run's products, in plan order (their catalog text comes from their index). */
  readonly products: readonly PlannedProduct[];
  /** Who searches: any authenticated caller may. */
  readonly caller: Caller;
  readonly print: (line: string) => void;
  /** How long the run's products may take to be indexed. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface SearchPhaseResult {
  readonly ok: boolean;
}

interface Found {
  readonly total: number;
  readonly items: ReadonlyArray<{ productId: string; name: string; priceCents: number; available: number; description?: string; category?: string }>;
  readonly facets: { categories: ReadonlyArray<{ value: string; count: number }>; inStock: { inStock: number; outOfStock: number } };
}

const counted = (n: number): string => `${n} product${n === 1 ? '' : 's'}`;
const money = (cents: number): string => (cents / 100).toFixed(2);
const listed = (found: Found): string => found.items.map((item) => `${item.name} (${item.description ?? 'no description'}; ${item.category ?? 'no category'}; ${money(item.priceCents)}; ${item.available} in stock)`).join(', ');

export async function runSearch(client: DemoGatewayClient, options: SearchPhaseOptions): Promise<SearchPhaseResult> {
  const { print, runId, products } = options;
  const fail = (line: string): SearchPhaseResult => {
    print(`search: ${line}`);
    return { ok: false };
  };
  const search = async (query: Record<string, string>): Promise<{ status: number; found: Found; text: string }> => {
    const answer = await client.send('GET', `/products?${new URLSearchParams(query).toString()}`, { as: options.caller, accept: [200, 404, 502, 503], retryUnavailable: false });
    return { status: answer.status, found: answer.body as unknown as Found, text: JSON.stringify(answer.body) };
  };

  // 1. Every product of the run indexed: the sink indexes the products store's changelog.
  const started = Date.now();
  let all: Found;
  for (;;) {
    const answer = await search({ q: runId, size: '0' });
    if (answer.status === 404) return fail('the gateway has no GET /products (an older gateway?)');
    if (answer.status === 200 && answer.found.total >= products.length) {
      all = answer.found;
      break;
    }
    if (Date.now() - started > options.timeoutMs || options.signal?.aborted === true) {
      return fail(`the run's ${products.length} products were not all found by GET /products?q=${runId} within ${options.timeoutMs} ms; last answer ${answer.status} ${answer.text.slice(0, 300)}`);
    }
    await sleep(250);
  }
  print(`search: GET /products?q=${runId} finds all ${all.total} products of the run, ${Date.now() - started} ms after the setup`);

  // 2. The facets say what the plan says.
  const planned = new Map<string, number>();
  for (const product of products) planned.set(product.category, (planned.get(product.category) ?? 0) + 1);
  const facets = new Map(all.facets.categories.map((bucket) => [bucket.value, bucket.count]));
  const soldOut = products.filter((product) => product.stock === 0).length;
  print(`search: facets: ${all.facets.categories.map((bucket) => `${bucket.value} ${bucket.count}`).join(', ')}; ${all.facets.inStock.inStock} in stock, ${all.facets.inStock.outOfStock} sold out`);
  if ([...planned].some(([category, count]) => facets.get(category) !== count) || facets.size !== planned.size) {
    return fail(`the category facet is not the plan's (${[...planned].map(([category, count]) => `${category} ${count}`).join(', ')})`);
  }
  if (all.facets.inStock.outOfStock !== soldOut) return fail(`${all.facets.inStock.outOfStock} products sold out in the facet, ${soldOut} planned`);

  // 3. One product by a word of its description.
  const index = products.findIndex((product) => product.stock > 0);
  const target = products[index] as PlannedProduct;
  const { noun } = catalogEntry(runId, index);
  const byWord = await search({ q: `${noun} ${runId}` });
  if (byWord.status !== 200) return fail(`GET /products?q=${noun} ${runId} answered ${byWord.status} ${byWord.text.slice(0, 300)}`);
  print(`search: q="${noun} ${runId}" → ${counted(byWord.found.total)}: ${listed(byWord.found)}`);
  if (!byWord.found.items.some((item) => item.productId === target.productId && item.description === target.description)) {
    return fail(`${target.productId} ("${target.description}") is not among them`);
  }

  // 4. One category of the run, in stock only.
  const inCategory = products.filter((product) => product.category === target.category && product.stock > 0).length;
  const byCategory = await search({ q: runId, category: target.category, inStock: 'true', size: '100' });
  if (byCategory.status !== 200) return fail(`GET /products?category=${target.category} answered ${byCategory.status} ${byCategory.text.slice(0, 300)}`);
  print(`search: category=${target.category}&inStock=true → ${counted(byCategory.found.total)}: ${listed(byCategory.found)}`);
  if (byCategory.found.total !== inCategory || byCategory.found.items.some((item) => item.category !== target.category || item.available <= 0)) {
    return fail(`expected the ${inCategory} in-stock products of category ${target.category}, and only them`);
  }
  return { ok: true };
}

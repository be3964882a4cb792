/**
 * Creates the products search index with its explicit mapping before the `products-search`
 * sink writes to it (`topologies/ecommerce/contracts/product-search-index.ts`), and an index
 * template of the same name so that an index the sink creates after a deletion gets the same
 * mapping. Idempotent: the template is put again; an index that exists gets the fields it
 * lacks (an index of an earlier platform, dynamically mapped, gains `description` and
 * `category`); a field search depends on that has another type fails, naming the field,
 * since OpenSearch cannot change a field's type in place (delete the index and restart the
 * sink from the changelog's start to rebuild it).
 *
 * @example
 * ```ts
 * await ensureProductsIndex('http://127.0.0.1:9200', ''); // { index: 'products', created: false, added: ['description', 'category'] }
 * ```
 */

import { PRODUCTS_MAPPING, productsIndex, SEARCHED_FIELD_TYPES, type ProductsField } from '../../topologies/ecommerce/contracts/product-search-index.ts';

export interface EnsuredIndex {
  readonly index: string;
  readonly created: boolean;
  /** Fields added to an index that existed. */
  readonly added: readonly string[];
}

type Mapped = Record<string, { type?: string; properties?: unknown }>;

async function call(url: string, method: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : JSON.parse(text) as Record<string, unknown> };
}

function failed(what: string, answer: { status: number; json: unknown }): Error {
  return new Error(`${what}: OpenSearch answered ${answer.status}: ${JSON.stringify(answer.json).slice(0, 500)}`);
}

export async function ensureProductsIndex(opensearchUrl: string, prefix: string): Promise<EnsuredIndex> {
  const base = opensearchUrl.replace(/\/+$/, '');
  const index = productsIndex(prefix);
  const template = await call(`${base}/_index_template/${index}`, 'PUT', { index_patterns: [index], priority: 200, template: { mappings: PRODUCTS_MAPPING } });
  if (template.status >= 300) throw failed(`index template ${index}`, template);
  const created = await call(`${base}/${index}`, 'PUT', { mappings: PRODUCTS_MAPPING });
  if (created.status < 300) return { index, created: true, added: [] };
  const error = (created.json['error'] as { type?: string } | undefined)?.type;
  if (error !== 'resource_already_exists_exception') throw failed(`index ${index}`, created);

  const current = await call(`${base}/${index}/_mapping`, 'GET');
  if (current.status >= 300) throw failed(`mapping of ${index}`, current);
  const mappings = (current.json[index] as { mappings?: { properties?: Mapped } } | undefined)?.mappings;
  const properties: Mapped = mappings?.properties ?? {};
  for (const [field, type] of Object.entries(SEARCHED_FIELD_TYPES)) {
    const has = properties[field]?.type;
    if (has !== undefined && has !== type) {
      throw new Error(`index ${index}: field ${field} is mapped as ${has}, search needs ${type}; delete the index and let the products-search sink rebuild it from the products changelog`);
    }
  }
  const missing = (Object.keys(PRODUCTS_MAPPING.properties) as ProductsField[]).filter((field) => properties[field] === undefined);
  if (missing.length === 0) return { index, created: false, added: [] };
  const added = await call(`${base}/${index}/_mapping`, 'PUT', { properties: Object.fromEntries(missing.map((field) => [field, PRODUCTS_MAPPING.properties[field]])) });
  if (added.status >= 300) throw failed(`mapping of ${index}`, added);
  return { index, created: false, added: missing };
}

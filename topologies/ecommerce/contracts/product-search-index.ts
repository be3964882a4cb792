/**
 * The products search read model: the OpenSearch index the `products-search` sink fills
 * with the inventory service's `products` store (one JSON ProductView per product id) and
 * the gateway's `GET /products` searches. Its mapping is explicit, so that full text, facets
 * and ranges do not depend on what dynamic mapping guessed from the first document: `name`
 * and `description` are analysed text (`name.keyword` sorts), `category` and `productId` are
 * exact keywords, prices and stock are numbers.
 *
 * `npm start` creates the index (and a template of the same name, for an index the sink
 * creates after a deletion) before the sink starts (`scripts/start/search-index.ts`).
 * The limits of the catalog fields (description, category) are here too, so the gateway's
 * schema and the inventory service's command check agree.
 *
 * @example
 * ```ts
 * await fetch(`${url}/${productsIndex('')}`, { method: 'PUT', body: JSON.stringify({ mappings: PRODUCTS_MAPPING }) });
 * ```
 */

/** Longest product description (PUT /products/:id refuses longer; inventory rejects a command with one). */
export const DESCRIPTION_MAX_LENGTH = 2_000;
/** A product category: lower-case letters and digits in hyphen-joined words (`office`, `garden-tools`), 1 to 64 characters. */
export const CATEGORY_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
export const CATEGORY_MAX_LENGTH = 64;

/** The index of the platform with topic prefix `prefix` (the sink's `index.name.format`). */
export const productsIndex = (prefix: string): string => `${prefix.toLowerCase()}products`;

export const PRODUCTS_MAPPING = {
  properties: {
    productId: { type: 'keyword' },
    name: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    description: { type: 'text' },
    category: { type: 'keyword' },
    priceCents: { type: 'long' },
    available: { type: 'long' },
    reserved: { type: 'long' },
    sold: { type: 'long' },
    updatedAtMs: { type: 'long' },
  },
} as const;

export type ProductsField = keyof typeof PRODUCTS_MAPPING.properties;

/**
 * The fields search depends on, with the type each must have. An index created before the
 * explicit mapping (dynamic mapping) may differ on the others (`productId` as text) without harm.
 */
export const SEARCHED_FIELD_TYPES: Readonly<Partial<Record<ProductsField, string>>> = {
  name: 'text',
  description: 'text',
  category: 'keyword',
  priceCents: 'long',
  available: 'long',
};

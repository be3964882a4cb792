/**
 * JSON schemas of the gateway's requests, checked by fastify (Ajv) before a handler runs:
 * a missing field, a wrong type, an unknown field, a zero or negative quantity or amount
 * is a 400 naming the field. Type coercion is off for bodies (see `server.ts`), so "2" is
 * not a quantity. Integers are cents and counts; upper bounds keep them in safe range.
 *
 * @example
 * ```ts
 * app.post('/orders', { schema: { body: createOrderBody, headers: writeHeaders } }, handler);
 * ```
 */

import { CATEGORY_MAX_LENGTH, CATEGORY_PATTERN, DESCRIPTION_MAX_LENGTH } from '../../topologies/ecommerce/contracts/product-search-index.ts';

const MAX_CENTS = 1_000_000_000_000;

export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';
const id = { type: 'string', pattern: ID_PATTERN } as const;


export const idParams = (name: string) => ({
  type: 'object',
  required: [name],
  properties: { [name]: id },
}) as const;

/** Idempotency-Key: printable ASCII, 1 to 255 characters (the IETF draft's structured string). */
export const writeHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$', description: 'Makes a retried write answer its first response again, without a second command.' },
  },
} as const;

/**
 * `unitPriceCents` is optional: the catalog owns prices. When given, it is the price the
 * customer saw, and the order is REJECTED (`PRICE_CHANGED`) if the catalog's differs when
 * the stock is reserved; when absent, the catalog price is charged.
 */
const orderItem = {
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'quantity'],
  properties: {
    productId: id,
    quantity: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    unitPriceCents: { type: 'integer', minimum: 1, maximum: MAX_CENTS },
  },
} as const;

export const createOrderBody = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    /** Required for admins; a customer's own id otherwise (and must match if given). */
    customerId: id,
    items: { type: 'array', minItems: 1, maxItems: 100, items: orderItem },
    deadlineMs: { type: 'integer', minimum: 1, maximum: 86_400_000 },
  },
} as const;

export interface CreateOrderBody {
  readonly customerId?: string;
  readonly items: ReadonlyArray<{ productId: string; quantity: number; unitPriceCents?: number }>;
  readonly deadlineMs?: number;
}

export const cancelOrderBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;

export interface CancelOrderBody {
  readonly reason?: string;
}

export const createCustomerBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email'],
  properties: {
    /** Admins may choose the id; a customer creates itself (its token's subject). */
    customerId: id,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' },
  },
} as const;

export interface CreateCustomerBody {
  readonly customerId?: string;
  readonly name: string;
  readonly email: string;
}

export const depositBody = {
  type: 'object',
  additionalProperties: false,
  required: ['amountCents'],
  properties: { amountCents: { type: 'integer', minimum: 1, maximum: MAX_CENTS } },
} as const;

export interface DepositBody {
  readonly amountCents: number;
}

export const upsertProductBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    priceCents: { type: 'integer', minimum: 1, maximum: MAX_CENTS },
    /** Units added; 0 renames or reprices only. */
    restockQuantity: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
    /** Searched with the name (GET /products?q=). */
    description: { type: 'string', minLength: 1, maxLength: DESCRIPTION_MAX_LENGTH },
    /** A search facet: lower-case words joined by hyphens, e.g. `office` or `garden-tools`. */
    category: { type: 'string', minLength: 1, maxLength: CATEGORY_MAX_LENGTH, pattern: CATEGORY_PATTERN },
  },
} as const;

export interface UpsertProductBody {
  readonly name?: string;
  readonly priceCents?: number;
  readonly restockQuantity?: number;
  readonly description?: string;
  readonly category?: string;
}

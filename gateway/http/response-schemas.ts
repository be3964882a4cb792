/**
 * JSON schemas of the gateway's answers. fastify serializes a response with the schema of
 * its status (fast-json-stringify), so a property missing here would silently disappear
 * from the body: every field of the views (`contracts/views.ts`) and of the 202 bodies is
 * declared, and `test/gateway/http/openapi.test.ts` checks fully populated views come back
 * whole. The same schemas make the OpenAPI document (`openapi.ts`); the shared ones, named
 * by `$id`, become its `components.schemas`.
 *
 * @example
 * ```ts
 * for (const schema of SHARED_RESPONSE_SCHEMAS) app.addSchema(schema);
 * app.get('/orders/:id', { schema: { response: { 200: response('OrderView', 'The order.'), ...errorResponses(401, 404) } } }, handler);
 * ```
 */

import { ID_PATTERN } from './schemas.ts';

const id = { type: 'string', pattern: ID_PATTERN } as const;
const integer = (description: string) => ({ type: 'integer', description }) as const;
const epochMs = integer('Milliseconds since the epoch.');

const orderStatus = {
  $id: 'OrderStatus',
  type: 'string',
  enum: ['PENDING', 'RESERVED', 'PAID', 'SHIPPED', 'COMPLETED', 'REJECTED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED'],
} as const;

const orderItem = {
  $id: 'OrderItem',
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'quantity'],
  properties: {
    productId: id,
    quantity: { type: 'integer', minimum: 1 },
    unitPriceCents: integer('The catalog price inventory reserved the item at; absent until then.'),
  },
} as const;

const orderTransition = {
  $id: 'OrderTransition',
  type: 'object',
  additionalProperties: false,
  required: ['status', 'atMs'],
  properties: {
    status: { $ref: 'OrderStatus#' },
    atMs: epochMs,
    reason: { type: 'string', description: 'Why the order moved there, for failures and cancellations.' },
  },
} as const;

const orderView = {
  $id: 'OrderView',
  type: 'object',
  description: 'An order as the order service keeps it.',
  additionalProperties: false,
  required: ['orderId', 'customerId', 'status', 'items', 'totalCents', 'createdAtMs', 'updatedAtMs', 'history'],
  properties: {
    orderId: id,
    customerId: id,
    status: { $ref: 'OrderStatus#' },
    items: { type: 'array', items: { $ref: 'OrderItem#' } },
    totalCents: integer('Sum of quantity × reserved unit price; 0 until every item is reserved.'),
    createdAtMs: epochMs,
    updatedAtMs: epochMs,
    reason: { type: 'string', description: 'Why the order failed or was cancelled.' },
    history: { type: 'array', description: 'Every transition in order, the first being PENDING.', items: { $ref: 'OrderTransition#' } },
  },
} as const;

const customerOrders = {
  $id: 'CustomerOrders',
  type: 'object',
  description: 'A customer\'s orders.',
  additionalProperties: false,
  required: ['customerId', 'orders'],
  properties: { customerId: id, orders: { type: 'array', items: { $ref: 'OrderView#' } } },
} as const;

const productView = {
  $id: 'ProductView',
  type: 'object',
  description: 'A product with its live stock.',
  additionalProperties: false,
  required: ['productId', 'name', 'priceCents', 'available', 'reserved', 'sold', 'updatedAtMs'],
  properties: {
    productId: id,
    name: { type: 'string' },
    priceCents: { type: 'integer' },
    available: integer('Units that can be reserved; never negative.'),
    reserved: integer('Units held for orders in flight.'),
    sold: integer('Units of completed (paid) orders.'),
    updatedAtMs: epochMs,
    description: { type: 'string', description: 'Catalog text, searched with the name; absent when never set.' },
    category: { type: 'string', description: 'Catalog category, a search facet; absent when never set.' },
  },
} as const;

const customerView = {
  $id: 'CustomerView',
  type: 'object',
  description: 'A customer with its balance.',
  additionalProperties: false,
  required: ['customerId', 'name', 'email', 'balanceCents', 'depositedCents', 'updatedAtMs'],
  properties: {
    customerId: id,
    name: { type: 'string' },
    email: { type: 'string' },
    balanceCents: integer('What the customer can spend: deposits − captured + refunded − held.'),
    depositedCents: integer('All deposits.'),
    updatedAtMs: epochMs,
  },
} as const;

/** Every failure's body (`http-errors.ts`). */
const errorBody = {
  $id: 'Error',
  type: 'object',
  description: 'A failure.',
  additionalProperties: false,
  required: ['statusCode', 'error', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string', description: 'The HTTP reason phrase.' },
    code: { type: 'string', pattern: '^KST_[A-Z0-9_]+$', description: 'A stable error code (docs/errors.md).' },
    message: { type: 'string' },
  },
} as const;

/**
 * The schemas the responses refer to by `$id` (`{ $ref: 'OrderView#' }`); added to the
 * instance with `addSchema` before the routes, they become the document's
 * `components.schemas`.
 */
export const SHARED_RESPONSE_SCHEMAS = [orderStatus, orderItem, orderTransition, orderView, customerOrders, productView, customerView, errorBody] as const;

type SharedName = (typeof SHARED_RESPONSE_SCHEMAS)[number]['$id'];

/** A response of one of the shared schemas. */
export const response = (name: SharedName, description: string) => ({ $ref: `${name}#`, description }) as const;

const writeHeaders = {
  location: { type: 'string', description: 'Where the result is read once the services processed the command.' },
  'idempotent-replayed': { type: 'string', enum: ['true'], description: 'Present when this is the answer of an earlier request with the same Idempotency-Key.' },
} as const;

/**
 * A write's 202 body: the named ids (always `commandId`) and optional extra integer fields.
 * The command is produced, not yet processed; read its effect at the Location.
 */
export function accepted(ids: readonly string[], integers: readonly string[] = []) {
  return {
    type: 'object',
    description: 'The command is accepted (produced to Kafka); its effect is read at the Location.',
    headers: writeHeaders,
    additionalProperties: false,
    required: [...ids, 'commandId', ...integers],
    properties: {
      ...Object.fromEntries(ids.map((name) => [name, id])),
      commandId: { type: 'string', format: 'uuid', description: 'Derived from the Idempotency-Key when one is sent.' },
      ...Object.fromEntries(integers.map((name) => [name, { type: 'integer' }])),
    },
  } as const;
}

export const health = {
  type: 'object',
  description: 'The process is up.',
  additionalProperties: false,
  required: ['status', 'uptimeMs'],
  properties: { status: { type: 'string', enum: ['UP'] }, uptimeMs: { type: 'integer' } },
} as const;

/** A response that is not JSON, e.g. the Prometheus text or an event stream. */
export const textResponse = (mediaType: string, description: string) => ({ description, content: { [mediaType]: { schema: { type: 'string' } } } }) as const;

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'The request is malformed or fails its schema; the message names the field.',
  401: 'No valid bearer token.',
  403: 'The token may not do this (another customer\'s data, an admin\'s action, a service token).',
  404: 'No such order, customer or product.',
  413: 'The body is larger than GATEWAY_HTTP_BODY_LIMIT_BYTES.',
  415: 'The body is not application/json.',
  422: 'The Idempotency-Key was used for a different request.',
  429: 'Too many requests or open event streams; retry after Retry-After seconds.',
  500: 'An internal error; the details are in the gateway\'s log.',
  502: 'A query server failed.',
  503: 'A dependency (Kafka, a query server, the key set) is unavailable; retry after Retry-After seconds.',
};

const RETRY_AFTER = { 'retry-after': { type: 'string', description: 'Seconds to wait before retrying.' } } as const;

/** The error responses of the given statuses, each with the error body. */
export function errorResponses(...statuses: readonly number[]): Record<number, object> {
  const responses: Record<number, object> = {};
  for (const status of statuses) {
    const headers = status === 429 || status === 503 ? RETRY_AFTER : status === 401 ? { 'www-authenticate': { type: 'string', enum: ['Bearer'] } } : undefined;
    responses[status] = { ...response('Error', ERROR_DESCRIPTIONS[status] ?? 'An error.'), ...(headers === undefined ? {} : { headers }) };
  }
  return responses;
}

/** What the access hook may answer for any authenticated route. */
export const AUTHENTICATED_ERRORS = [401, 403, 429, 500, 503] as const;
/** What a write may answer besides the access errors. */
export const WRITE_ERRORS = [400, 413, 415, 422] as const;
/** What a read from the query servers may answer besides the access errors. */
export const READ_ERRORS = [400, 404, 502] as const;

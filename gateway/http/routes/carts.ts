/**
 * Carts: `POST /carts/:id/items` (AddCartItem), `DELETE /carts/:id/items/:productId`
 * (RemoveCartItem), `POST /carts/:id/checkout` (CheckoutCart) and `GET /carts/:id` (from
 * the cart service's store, over gRPC). A cart is its customer's: the customer of the
 * token fills it (the command carries the token's subject, never a body's), and no one
 * else may touch it (403); admins may read any cart but fill none. Prices are the
 * catalog's: the body names a product and a quantity only. Writes answer 202; whether the
 * service took the command (a known product, within the limits) shows in GET, as the
 * items or as `lastRejection`. A checkout answers 202 with the `orderId` of the order it
 * creates (derived from cart and command id: a retried request names the same order),
 * followed with `GET /orders/:id`.
 *
 * @example
 * ```ts
 * registerCartRoutes(app, context);
 * // POST /carts/cart-1/items {"productId":"p-1","quantity":2} → 202 {"cartId":"cart-1","commandId":"…"}
 * // POST /carts/cart-1/checkout → 202 {"cartId":"cart-1","orderId":"ord-…","commandId":"…"}, Location: /orders/ord-…
 * ```
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isKstError, KstError } from '../../../common/errors.ts';
import type { Principal } from '../../auth/jwt.ts';
import { CART_LIMITS, cartOrderId, type CartCommand, type CartView } from '../../../topologies/ecommerce/contracts/carts.ts';
import { principalOf, requireCustomerAccess } from '../access.ts';
import { acceptWrite, type GatewayContext } from '../context.ts';
import { OPTIONAL_BODY } from '../openapi.ts';
import { accepted, AUTHENTICATED_ERRORS, errorResponses, READ_ERRORS, WRITE_ERRORS } from '../response-schemas.ts';
import { ID_PATTERN, idParams, writeHeaders } from '../schemas.ts';

type IdParams = { id: string };
type ItemParams = { id: string; productId: string };
type AddItemBody = { productId: string; quantity: number };

const id = { type: 'string', pattern: ID_PATTERN } as const;
const itemParams = { type: 'object', required: ['id', 'productId'], properties: { id, productId: id } } as const;
const addItemBody = {
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'quantity'],
  properties: { productId: id, quantity: { type: 'integer', minimum: 1, maximum: CART_LIMITS.maxQuantityPerLine } },
} as const;

/** A checkout takes no fields; the body may be left out. */
const checkoutBody = { type: 'object', additionalProperties: false, properties: {} } as const;

const cartItem = {
  type: 'object',
  required: ['productId', 'name', 'quantity', 'unitPriceCents', 'lineTotalCents'],
  properties: {
    productId: id,
    name: { type: 'string' },
    quantity: { type: 'integer' },
    unitPriceCents: { type: 'integer', description: 'The catalog\'s unit price when the item was last priced (added, checked out).' },
    lineTotalCents: { type: 'integer' },
  },
} as const;

const cartView = {
  type: 'object',
  description: 'The cart, priced from the catalog.',
  required: ['cartId', 'customerId', 'status', 'items', 'itemCount', 'totalCents', 'createdAtMs', 'updatedAtMs'],
  properties: {
    cartId: id,
    customerId: id,
    status: { type: 'string', enum: ['OPEN', 'CHECKED_OUT', 'EXPIRED'], description: 'EXPIRED: no command for the service\'s cart.expiry.ms; an add opens it again.' },
    items: { type: 'array', items: cartItem },
    itemCount: { type: 'integer' },
    totalCents: { type: 'integer' },
    createdAtMs: { type: 'integer' },
    updatedAtMs: { type: 'integer' },
    orderId: { ...id, description: 'The order the checkout created (CHECKED_OUT).' },
    lastRejection: {
      type: 'object',
      description: 'Why the last refused command was refused (an unknown product, a limit, an empty cart).',
      required: ['commandId', 'type', 'reason', 'atMs'],
      properties: { commandId: { type: 'string' }, type: { type: 'string' }, reason: { type: 'string' }, atMs: { type: 'integer' } },
    },
  },
} as const;

/** Only a customer fills a cart: the cart is the token's subject's. */
function requireCustomer(principal: Principal): string {
  if (principal.role !== 'customer') throw new KstError('KST_GATEWAY_FORBIDDEN', 'a cart is its customer\'s: admins may read carts, not fill them', { subject: principal.subject });
  return principal.subject;
}

/** The cart, or undefined when the service has none with this id. */
async function findCart(context: GatewayContext, cartId: string): Promise<CartView | undefined> {
  try {
    return await context.queries.getCart(cartId);
  } catch (error) {
    if (isKstError(error, 'KST_QUERY_NOT_FOUND')) return undefined;
    throw error;
  }
}

/** The caller's own cart (404 when none, 403 when someone else's). */
async function ownCart(context: GatewayContext, request: FastifyRequest, cartId: string): Promise<{ customerId: string; cart: CartView }> {
  const customerId = requireCustomer(principalOf(request));
  const cart = await findCart(context, cartId);
  if (cart === undefined) throw new KstError('KST_QUERY_NOT_FOUND', `no cart ${cartId}`, {});
  requireCustomerAccess(principalOf(request), cart.customerId);
  return { customerId, cart };
}

export function registerCartRoutes(app: FastifyInstance, context: GatewayContext): void {
  const publish = async (command: CartCommand): Promise<void> => {
    await context.commands.publish('cart', command.cartId, command);
    context.metrics.commands.inc({ type: command.type });
  };

  app.post<{ Params: IdParams; Body: AddItemBody }>('/carts/:id/items', {
    schema: {
      tags: ['carts'], operationId: 'addCartItem', summary: 'Add units of a product to the caller\'s cart (AddCartItem), priced from the catalog', params: idParams('id'), body: addItemBody, headers: writeHeaders,
      response: { 202: accepted(['cartId']), ...errorResponses(...AUTHENTICATED_ERRORS, ...WRITE_ERRORS) },
    },
  }, async (request, reply) => {
    const cartId = request.params.id;
    const customerId = requireCustomer(principalOf(request));
    // A new cart becomes the caller's; an existing one must be the caller's already.
    const cart = await findCart(context, cartId);
    if (cart !== undefined) requireCustomerAccess(principalOf(request), cart.customerId);
    return acceptWrite(context, request, reply, async (ids) => {
      const commandId = ids.derive('command');
      await publish({ type: 'AddCartItem', commandId, issuedAtMs: context.now(), cartId, customerId, productId: request.body.productId, quantity: request.body.quantity });
      return { location: `/carts/${encodeURIComponent(cartId)}`, body: { cartId, commandId } };
    });
  });

  app.delete<{ Params: ItemParams }>('/carts/:id/items/:productId', {
    schema: {
      tags: ['carts'], operationId: 'removeCartItem', summary: 'Remove a product from the caller\'s cart (RemoveCartItem)', params: itemParams, headers: writeHeaders,
      response: { 202: accepted(['cartId', 'productId']), ...errorResponses(...AUTHENTICATED_ERRORS, ...WRITE_ERRORS, ...READ_ERRORS) },
    },
  }, async (request, reply) => {
    const { id: cartId, productId } = request.params;
    const { customerId, cart } = await ownCart(context, request, cartId);
    return acceptWrite(context, request, reply, async (ids) => {
      // Checked on the first request only: a replay (same Idempotency-Key) answers as the first did.
      if (!cart.items.some((item) => item.productId === productId)) throw new KstError('KST_QUERY_NOT_FOUND', `cart ${cartId} has no ${productId}`, {});
      const commandId = ids.derive('command');
      await publish({ type: 'RemoveCartItem', commandId, issuedAtMs: context.now(), cartId, customerId, productId });
      return { location: `/carts/${encodeURIComponent(cartId)}`, body: { cartId, productId, commandId } };
    });
  });

  app.post<{ Params: IdParams; Body: Record<string, never> }>('/carts/:id/checkout', {
    schema: {
      tags: ['carts'], operationId: 'checkoutCart', summary: 'Turn the caller\'s cart into an order (CheckoutCart); answers the order\'s id', params: idParams('id'), body: checkoutBody, [OPTIONAL_BODY]: true, headers: writeHeaders,
      response: { 202: accepted(['cartId', 'orderId']), ...errorResponses(...AUTHENTICATED_ERRORS, ...WRITE_ERRORS, ...READ_ERRORS) },
    },
    // A checkout may come without a body; the schema then sees an empty one.
    preValidation: async (request) => {
      request.body ??= {};
    },
  }, async (request, reply) => {
    const cartId = request.params.id;
    const { customerId, cart } = await ownCart(context, request, cartId);
    return acceptWrite(context, request, reply, async (ids) => {
      // Checked on the first request only: a replay (same Idempotency-Key) answers the same order.
      if (cart.status !== 'OPEN') throw new KstError('KST_GATEWAY_REQUEST_INVALID', `cart ${cartId} is ${cart.status}; add items to open it again`, {});
      if (cart.items.length === 0) throw new KstError('KST_GATEWAY_REQUEST_INVALID', `cart ${cartId} is empty`, {});
      const commandId = ids.derive('command');
      const orderId = cartOrderId(cartId, commandId);
      await publish({ type: 'CheckoutCart', commandId, issuedAtMs: context.now(), cartId, customerId });
      return { location: `/orders/${encodeURIComponent(orderId)}`, body: { cartId, orderId, commandId } };
    });
  });

  app.get<{ Params: IdParams }>('/carts/:id', {
    schema: { tags: ['carts'], operationId: 'getCart', summary: 'A cart with its catalog-priced items and total', params: idParams('id'), response: { 200: cartView, ...errorResponses(...AUTHENTICATED_ERRORS, ...READ_ERRORS) } },
  }, async (request) => {
    const principal = principalOf(request);
    const cart = await context.queries.getCart(request.params.id);
    requireCustomerAccess(principal, cart.customerId);
    return cart;
  });
}

/**
 * Orders: `POST /orders` (CreateOrder), `POST /orders/:id/cancel` (CancelOrder) and
 * `GET /orders/:id`. A customer orders for itself (its token's subject) and sees and
 * cancels only its own orders; an admin names the customer and reaches every order.
 * Writes answer 202 with the order id and `Location: /orders/<id>`; the order's progress
 * is then read with GET, or followed with `GET /orders/:id/events`. Prices are the
 * catalog's: an item's `unitPriceCents` is optional, and when given it must be the
 * catalog's at reservation or the order is REJECTED (`PRICE_CHANGED`); GET shows the
 * reserved prices and total.
 *
 * @example
 * ```ts
 * registerOrderRoutes(app, context);
 * // POST /orders {"items":[{"productId":"p-1","quantity":2,"unitPriceCents":450},{"productId":"p-2","quantity":1}]}
 * // → 202 {"orderId":"…","commandId":"…"}, Location: /orders/…
 * ```
 */

import type { FastifyInstance } from 'fastify';
import { KstError } from '../../../common/errors.ts';
import type { CancelOrder, CreateOrder } from '../../../topologies/ecommerce/contracts/commands.ts';
import { principalOf, requireCustomerAccess } from '../access.ts';
import { acceptWrite, type GatewayContext } from '../context.ts';
import { OPTIONAL_BODY } from '../openapi.ts';
import { accepted, AUTHENTICATED_ERRORS, errorResponses, READ_ERRORS, response, WRITE_ERRORS } from '../response-schemas.ts';
import { cancelOrderBody, createOrderBody, idParams, writeHeaders, type CancelOrderBody, type CreateOrderBody } from '../schemas.ts';

type IdParams = { id: string };

export function registerOrderRoutes(app: FastifyInstance, context: GatewayContext): void {
  app.post<{ Body: CreateOrderBody }>('/orders', {
    schema: {
      tags: ['orders'], operationId: 'createOrder', summary: 'Place an order (CreateOrder)', body: createOrderBody, headers: writeHeaders,
      response: { 202: accepted(['orderId', 'customerId']), ...errorResponses(...AUTHENTICATED_ERRORS, ...WRITE_ERRORS) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const body = request.body;
    let customerId: string;
    if (principal.role === 'admin') {
      if (body.customerId === undefined) throw new KstError('KST_GATEWAY_REQUEST_INVALID', 'body must have required property \'customerId\' when an admin places an order', {});
      customerId = body.customerId;
    } else {
      customerId = body.customerId ?? principal.subject;
      requireCustomerAccess(principal, customerId);
    }
    return acceptWrite(context, request, reply, async (ids) => {
      const orderId = ids.derive('order');
      const command: CreateOrder = {
        type: 'CreateOrder',
        commandId: ids.derive('command'),
        issuedAtMs: context.now(),
        orderId,
        customerId,
        // The price, when sent, is only what the customer saw: the order charges the catalog's (see contracts/commands.ts).
        items: body.items.map(({ productId, quantity, unitPriceCents }) => ({ productId, quantity, ...(unitPriceCents === undefined ? {} : { unitPriceCents }) })),
        ...(body.deadlineMs === undefined ? {} : { deadlineMs: body.deadlineMs }),
      };
      await context.commands.publish('order', orderId, command);
      context.metrics.commands.inc({ type: command.type });
      return { location: `/orders/${encodeURIComponent(orderId)}`, body: { orderId, customerId, commandId: command.commandId } };
    });
  });

  app.post<{ Params: IdParams; Body: CancelOrderBody }>('/orders/:id/cancel', {
    schema: {
      tags: ['orders'], operationId: 'cancelOrder', summary: 'Cancel an order (CancelOrder)', params: idParams('id'), body: cancelOrderBody, [OPTIONAL_BODY]: true, headers: writeHeaders,
      response: { 202: accepted(['orderId']), ...errorResponses(...AUTHENTICATED_ERRORS, ...WRITE_ERRORS, ...READ_ERRORS) },
    },
    // A cancel may come without a body; the schema then sees an empty one.
    preValidation: async (request) => {
      request.body ??= {};
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const orderId = request.params.id;
    // The order names its customer (and items, which tell inventory what to release).
    const order = await context.queries.getOrder(orderId);
    requireCustomerAccess(principal, order.customerId);
    return acceptWrite(context, request, reply, async (ids) => {
      const command: CancelOrder = {
        type: 'CancelOrder',
        commandId: ids.derive('command'),
        issuedAtMs: context.now(),
        orderId,
        customerId: order.customerId,
        items: order.items,
        ...(request.body.reason === undefined ? {} : { reason: request.body.reason }),
      };
      await context.commands.publish('order', orderId, command);
      context.metrics.commands.inc({ type: command.type });
      return { location: `/orders/${encodeURIComponent(orderId)}`, body: { orderId, commandId: command.commandId } };
    });
  });

  app.get<{ Params: IdParams }>('/orders/:id', {
    schema: { tags: ['orders'], operationId: 'getOrder', summary: 'An order with its items, total and history', params: idParams('id'), response: { 200: response('OrderView', 'The order.'), ...errorResponses(...AUTHENTICATED_ERRORS, ...READ_ERRORS) } },
  }, async (request) => {
    const principal = principalOf(request);
    const order = await context.queries.getOrder(request.params.id);
    requireCustomerAccess(principal, order.customerId);
    return order;
  });
}

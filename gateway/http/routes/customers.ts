/**
 * Customers: `POST /customers` (CreateCustomer), `POST /customers/:id/deposits` (Deposit),
 * `GET /customers/:id` and `GET /customers/:id/orders`. A customer token reaches only its
 * own customer (subject = customerId): it may create itself, deposit to itself and list
 * its orders. An admin reaches every customer and may choose the id of a new one (one is
 * made otherwise).
 *
 * @example
 * ```ts
 * registerCustomerRoutes(app, context);
 * // POST /customers/c-1/deposits {"amountCents":5000} → 202 {"customerId":"c-1","commandId":"…"}
 * ```
 */

import type { FastifyInstance } from 'fastify';
import type { CreateCustomer, Deposit } from '../../../topologies/ecommerce/contracts/commands.ts';
import { principalOf, requireCustomerAccess } from '../access.ts';
import { acceptWrite, type GatewayContext } from '../context.ts';
import { createCustomerBody, depositBody, idParams, writeHeaders, type CreateCustomerBody, type DepositBody } from '../schemas.ts';

type IdParams = { id: string };

const location = (customerId: string): string => `/customers/${encodeURIComponent(customerId)}`;

export function registerCustomerRoutes(app: FastifyInstance, context: GatewayContext): void {
  app.post<{ Body: CreateCustomerBody }>('/customers', { schema: { body: createCustomerBody, headers: writeHeaders } }, async (request, reply) => {
    const principal = principalOf(request);
    const { name, email } = request.body;
    const chosen = principal.role === 'admin' ? request.body.customerId : (request.body.customerId ?? principal.subject);
    if (chosen !== undefined) requireCustomerAccess(principal, chosen);
    return acceptWrite(context, request, reply, async (ids) => {
      const customerId = chosen ?? ids.derive('customer');
      const command: CreateCustomer = { type: 'CreateCustomer', commandId: ids.derive('command'), issuedAtMs: context.now(), customerId, name, email };
      await context.commands.publish('customer', customerId, command);
      context.metrics.commands.inc({ type: command.type });
      return { location: location(customerId), body: { customerId, commandId: command.commandId } };
    });
  });

  app.post<{ Params: IdParams; Body: DepositBody }>('/customers/:id/deposits', { schema: { params: idParams('id'), body: depositBody, headers: writeHeaders } }, async (request, reply) => {
    const customerId = request.params.id;
    requireCustomerAccess(principalOf(request), customerId);
    return acceptWrite(context, request, reply, async (ids) => {
      const command: Deposit = { type: 'Deposit', commandId: ids.derive('command'), issuedAtMs: context.now(), customerId, amountCents: request.body.amountCents };
      await context.commands.publish('customer', customerId, command);
      context.metrics.commands.inc({ type: command.type });
      return { location: location(customerId), body: { customerId, commandId: command.commandId, amountCents: command.amountCents } };
    });
  });

  app.get<{ Params: IdParams }>('/customers/:id', { schema: { params: idParams('id') } }, async (request) => {
    requireCustomerAccess(principalOf(request), request.params.id);
    return context.queries.getCustomer(request.params.id);
  });

  app.get<{ Params: IdParams }>('/customers/:id/orders', { schema: { params: idParams('id') } }, async (request) => {
    requireCustomerAccess(principalOf(request), request.params.id);
    return { customerId: request.params.id, orders: await context.queries.listCustomerOrders(request.params.id) };
  });
}

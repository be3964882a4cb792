/**
 * Customers: `POST /customers` (CreateCustomer), `POST /customers/:id/deposits` (Deposit),
 * `GET /customers/:id` and `GET /customers/:id/orders`. A customer token reaches only its
 * own customer (subject = customerId): it may create itself, read itself and list its
 * orders. Deposits credit a balance, so only an admin makes them (a customer gets 403,
 * even for itself), each at most `maxDepositCents`. An admin reaches every customer and
 * may choose the id of a new one (one is made otherwise).
 *
 * @example
 * ```ts
 * registerCustomerRoutes(app, context, { maxDepositCents: 10_000_000 });
 * // POST /customers/c-1/deposits {"amountCents":5000} (admin) → 202 {"customerId":"c-1","commandId":"…"}
 * ```
 */

import type { FastifyInstance } from 'fastify';
import type { CreateCustomer, Deposit } from '../../../topologies/ecommerce/contracts/commands.ts';
import { KstError } from '../../../common/errors.ts';
import { principalOf, requireAdmin, requireCustomerAccess } from '../access.ts';
import { acceptWrite, type GatewayContext } from '../context.ts';
import { accepted, AUTHENTICATED_ERRORS, errorResponses, READ_ERRORS, response, WRITE_ERRORS } from '../response-schemas.ts';
import { createCustomerBody, depositBody, idParams, writeHeaders, type CreateCustomerBody, type DepositBody } from '../schemas.ts';

type IdParams = { id: string };

const location = (customerId: string): string => `/customers/${encodeURIComponent(customerId)}`;

/** The default of `GATEWAY_MAX_DEPOSIT_CENTS`: 100 000.00. */
export const DEFAULT_MAX_DEPOSIT_CENTS = 10_000_000;

export interface CustomerRouteOptions {
  readonly maxDepositCents: number;
}

export function registerCustomerRoutes(app: FastifyInstance, context: GatewayContext, options: CustomerRouteOptions = { maxDepositCents: DEFAULT_MAX_DEPOSIT_CENTS }): void {
  app.post<{ Body: CreateCustomerBody }>('/customers', {
    schema: {
      tags: ['customers'], operationId: 'createCustomer', summary: 'Create a customer (CreateCustomer)', body: createCustomerBody, headers: writeHeaders,
      response: { 202: accepted(['customerId']), ...errorResponses(...AUTHENTICATED_ERRORS, ...WRITE_ERRORS) },
    },
  }, async (request, reply) => {
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

  app.post<{ Params: IdParams; Body: DepositBody }>('/customers/:id/deposits', {
    schema: {
      tags: ['customers'], operationId: 'deposit', summary: 'Credit a customer\'s balance (Deposit; admins only)', params: idParams('id'), body: depositBody, headers: writeHeaders,
      response: { 202: accepted(['customerId'], ['amountCents']), ...errorResponses(...AUTHENTICATED_ERRORS, ...WRITE_ERRORS) },
    },
  }, async (request, reply) => {
    const customerId = request.params.id;
    requireAdmin(principalOf(request), 'deposit to a balance');
    if (request.body.amountCents > options.maxDepositCents) {
      throw new KstError('KST_GATEWAY_REQUEST_INVALID', `body/amountCents must be at most ${options.maxDepositCents} (the gateway's GATEWAY_MAX_DEPOSIT_CENTS); split a larger deposit`, { amountCents: request.body.amountCents });
    }
    return acceptWrite(context, request, reply, async (ids) => {
      const command: Deposit = { type: 'Deposit', commandId: ids.derive('command'), issuedAtMs: context.now(), customerId, amountCents: request.body.amountCents };
      await context.commands.publish('customer', customerId, command);
      context.metrics.commands.inc({ type: command.type });
      return { location: location(customerId), body: { customerId, commandId: command.commandId, amountCents: command.amountCents } };
    });
  });

  app.get<{ Params: IdParams }>('/customers/:id', {
    schema: { tags: ['customers'], operationId: 'getCustomer', summary: 'A customer with its balance', params: idParams('id'), response: { 200: response('CustomerView', 'The customer.'), ...errorResponses(...AUTHENTICATED_ERRORS, ...READ_ERRORS) } },
  }, async (request) => {
    requireCustomerAccess(principalOf(request), request.params.id);
    return context.queries.getCustomer(request.params.id);
  });

  app.get<{ Params: IdParams }>('/customers/:id/orders', {
    schema: { tags: ['customers'], operationId: 'listCustomerOrders', summary: 'A customer\'s orders', params: idParams('id'), response: { 200: response('CustomerOrders', 'The customer\'s orders, as the order service keeps them.'), ...errorResponses(...AUTHENTICATED_ERRORS, ...READ_ERRORS) } },
  }, async (request) => {
    requireCustomerAccess(principalOf(request), request.params.id);
    return { customerId: request.params.id, orders: await context.queries.listCustomerOrders(request.params.id) };
  });
}

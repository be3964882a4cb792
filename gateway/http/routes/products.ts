/**
 * Products: `PUT /products/:id` creates a product or renames, reprices, restocks, describes
 * and categorizes it (UpsertProduct, admins only: a customer gets 403), `GET /products/:id`
 * shows it with its live stock to any caller. Search (`GET /products`) is `product-search.ts`.
 *
 * @example
 * ```ts
 * registerProductRoutes(app, context);
 * // PUT /products/p-1 {"name":"Tea","priceCents":450,"restockQuantity":100} → 202 {"productId":"p-1","commandId":"…"}
 * ```
 */

import type { FastifyInstance } from 'fastify';
import type { UpsertProduct } from '../../../topologies/ecommerce/contracts/commands.ts';
import { principalOf, requireAdmin } from '../access.ts';
import { acceptWrite, type GatewayContext } from '../context.ts';
import { accepted, AUTHENTICATED_ERRORS, errorResponses, READ_ERRORS, response, WRITE_ERRORS } from '../response-schemas.ts';
import { idParams, upsertProductBody, writeHeaders, type UpsertProductBody } from '../schemas.ts';

type IdParams = { id: string };

export function registerProductRoutes(app: FastifyInstance, context: GatewayContext): void {
  app.put<{ Params: IdParams; Body: UpsertProductBody }>('/products/:id', {
    schema: {
      tags: ['products'], operationId: 'upsertProduct', summary: 'Create, rename, reprice or restock a product (UpsertProduct; admins only)', params: idParams('id'), body: upsertProductBody, headers: writeHeaders,
      response: { 202: accepted(['productId']), ...errorResponses(...AUTHENTICATED_ERRORS, ...WRITE_ERRORS) },
    },
  }, async (request, reply) => {
    requireAdmin(principalOf(request), 'create or restock products');
    const productId = request.params.id;
    const { name, priceCents, restockQuantity, description, category } = request.body;
    return acceptWrite(context, request, reply, async (ids) => {
      const command: UpsertProduct = {
        type: 'UpsertProduct',
        commandId: ids.derive('command'),
        issuedAtMs: context.now(),
        productId,
        ...(name === undefined ? {} : { name }),
        ...(priceCents === undefined ? {} : { priceCents }),
        restockQuantity: restockQuantity ?? 0,
        ...(description === undefined ? {} : { description }),
        ...(category === undefined ? {} : { category }),
      };
      await context.commands.publish('inventory', productId, command);
      context.metrics.commands.inc({ type: command.type });
      return { location: `/products/${encodeURIComponent(productId)}`, body: { productId, commandId: command.commandId } };
    });
  });

  app.get<{ Params: IdParams }>('/products/:id', {
    schema: { tags: ['products'], operationId: 'getProduct', summary: 'A product with its live stock', params: idParams('id'), response: { 200: response('ProductView', 'The product.'), ...errorResponses(...AUTHENTICATED_ERRORS, ...READ_ERRORS) } },
  }, async (request) => {
    principalOf(request);
    return context.queries.getProduct(request.params.id);
  });
}

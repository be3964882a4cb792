/**
 * `CartQueries` of `queries.proto`: a cart by id, from the cart service's `carts` store,
 * routed to the key's owner. A cart belongs to the customer who filled it: a customer
 * reads only its own carts (PERMISSION_DENIED otherwise, checked on the answer wherever it
 * came from); admins and the platform's service identity read any. Registered on every
 * query server; on a service without the store a call answers INVALID_ARGUMENT.
 *
 * @example
 * ```ts
 * server.addService(queryServices().CartQueries.service, cartQueries({ routing, authenticate }));
 * // client: GetCart({ cartId: 'cart-1' }) → { cartId: 'cart-1', status: 'OPEN', items: [...], ... }
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { cartViewOf, type CartState } from '../../../topologies/ecommerce/cart/cart-rules.ts';
import { Stores } from '../../../topologies/ecommerce/contracts/stores.ts';
import { requireCustomerKey } from '../call-auth.ts';
import { cartMessage } from '../messages.ts';
import { queryServices, type CartMessage } from '../proto.ts';
import { answer } from '../query-routing.ts';
import { statusError } from '../status.ts';
import { requireId } from './order-queries.ts';
import type { ViewQueriesOptions } from './stock-queries.ts';

export function cartQueries(options: ViewQueriesOptions): grpc.UntypedServiceImplementation {
  const { routing, authenticate } = options;
  const getCart = queryServices().CartQueries.service['GetCart'] as grpc.MethodDefinition<object, object>;
  return {
    GetCart(call: grpc.ServerUnaryCall<{ cartId: string }, CartMessage>, callback: grpc.sendUnaryData<CartMessage>) {
      answer(callback, async () => {
        const principal = await authenticate(call.metadata);
        const cartId = requireId(call.request.cartId, 'cart_id');
        const cart = await routing.unary(call, getCart, Stores.carts, cartId, async () => {
          const state = await routing.readLocal<CartState>(Stores.carts, cartId);
          if (state === undefined) throw statusError(grpc.status.NOT_FOUND, `no cart ${cartId}`);
          return cartMessage(cartViewOf(state));
        });
        requireCustomerKey(principal, cart.customerId, `cart ${cartId}`);
        return cart;
      });
    },
  };
}

/**
 * `StockQueries` and `CustomerQueries` of `queries.proto`: one view by id each, from the
 * inventory service's `products` store and the customer service's `customers` store.
 * Registered on every query server; on a service without the store a call answers
 * INVALID_ARGUMENT naming the stores it has. Products are for every authenticated caller; a
 * customer reads only its own customer (PERMISSION_DENIED otherwise).
 *
 * @example
 * ```ts
 * server.addService(queryServices().StockQueries.service, stockQueries({ routing, authenticate }));
 * server.addService(queryServices().CustomerQueries.service, customerQueries({ routing, authenticate }));
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { Stores } from '../../../topologies/ecommerce/contracts/stores.ts';
import type { CustomerView, ProductView } from '../../../topologies/ecommerce/contracts/views.ts';
import { requireCustomerKey, type CallAuthenticator } from '../call-auth.ts';
import type { Principal } from '../../auth/jwt.ts';
import { customerMessage, productMessage } from '../messages.ts';
import { queryServices, type CustomerMessage, type ProductMessage } from '../proto.ts';
import { answer, type QueryRouting } from '../query-routing.ts';
import { statusError } from '../status.ts';
import { requireId } from './order-queries.ts';

export interface ViewQueriesOptions {
  readonly routing: QueryRouting;
  readonly authenticate: CallAuthenticator;
}

/** A unary "get one view by id" handler: routed to the owner, NOT_FOUND when absent. */
function getById<V, M>(options: ViewQueriesOptions, method: grpc.MethodDefinition<object, object>, store: string, idField: string, what: string, toMessage: (view: V) => M, authorize: (principal: Principal, id: string) => void) {
  const { routing, authenticate } = options;
  return (call: grpc.ServerUnaryCall<Record<string, string>, M>, callback: grpc.sendUnaryData<M>): void => {
    answer(callback, async () => {
      const principal = await authenticate(call.metadata);
      const camel = idField.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
      const id = requireId(call.request[camel], idField);
      authorize(principal, id);
      return routing.unary(call, method, store, id, async () => {
        const view = await routing.readLocal<V>(store, id);
        if (view === undefined) throw statusError(grpc.status.NOT_FOUND, `no ${what} ${id}`);
        return toMessage(view) as M & object;
      });
    });
  };
}

export function stockQueries(options: ViewQueriesOptions): grpc.UntypedServiceImplementation {
  const method = queryServices().StockQueries.service['GetProduct'] as grpc.MethodDefinition<object, object>;
  return { GetProduct: getById<ProductView, ProductMessage>(options, method, Stores.products, 'product_id', 'product', productMessage, () => undefined) };
}

export function customerQueries(options: ViewQueriesOptions): grpc.UntypedServiceImplementation {
  const method = queryServices().CustomerQueries.service['GetCustomer'] as grpc.MethodDefinition<object, object>;
  return { GetCustomer: getById<CustomerView, CustomerMessage>(options, method, Stores.customers, 'customer_id', 'customer', customerMessage, (principal, id) => requireCustomerKey(principal, id, `customer ${id}`)) };
}

/**
 * The standard gRPC services beside the queries on a query server: health
 * (`grpc.health.v1.Health`, from `grpc-health-check`) and server reflection (v1 and
 * v1alpha, from `@grpc/reflection`), so `grpcurl`, `grpc_health_probe`, load balancers and
 * the platform launcher can ask a service process whether it serves and what it offers.
 *
 * Health answers for the whole server (service `""`) and for each query service by its
 * full name; all of them are SERVING while the streams client is RUNNING and NOT_SERVING
 * otherwise (starting, rebalancing, restoring, shutting down). Reflection lists the
 * query services, `InstanceOps` and the health service.
 *
 * @example
 * ```ts
 * const health = addStandardServices(server);
 * health.setServing(streams.state === 'RUNNING');
 * // grpcurl -plaintext 127.0.0.1:50051 grpc.health.v1.Health/Check
 * ```
 */

import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as HEALTH_PROTO } from 'grpc-health-check';
import { OPS_PROTO } from './ops-proto.ts';
import { QUERIES_PROTO } from './proto.ts';

/** Full names of the query services, as health and reflection name them. */
export const QUERY_SERVICE_NAMES = ['OrderQueries', 'StockQueries', 'CustomerQueries', 'CartQueries', 'StoreQueries', 'SalesQueries'].map((name) => `kstreams.ecommerce.v1.${name}`);

export const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

export interface ServerHealth {
  /** SERVING or NOT_SERVING, for the server and every query service. */
  setServing(serving: boolean): void;
  readonly serving: boolean;
}

let reflected: protoLoader.PackageDefinition | undefined;

/** The definitions reflection describes (the query services, instance ops and health), parsed once per process. */
export function reflectedDefinitions(): protoLoader.PackageDefinition {
  reflected ??= protoLoader.loadSync([QUERIES_PROTO, OPS_PROTO, HEALTH_PROTO], { keepCase: true });
  return reflected;
}

/** Registers health (NOT_SERVING until told otherwise) and reflection on `server`. */
export function addStandardServices(server: grpc.Server): ServerHealth {
  const names = ['', ...QUERY_SERVICE_NAMES];
  const health = new HealthImplementation(Object.fromEntries(names.map((name) => [name, 'NOT_SERVING'])));
  health.addToServer(server);
  const definition = reflectedDefinitions();
  // @grpc/reflection types its argument with its own copy of @grpc/proto-loader; the shape is the same.
  new ReflectionService(definition as ConstructorParameters<typeof ReflectionService>[0]).addToServer(server);
  let serving = false;
  return {
    setServing(next: boolean): void {
      if (next === serving) return;
      serving = next;
      for (const name of names) health.setStatus(name, next ? 'SERVING' : 'NOT_SERVING');
    },
    get serving() {
      return serving;
    },
  };
}

/**
 * Where a query is answered: here, when this instance's active task holds the key, or at
 * the owner the group's host table names (`KafkaStreams.queryMetadataForKey`), to which the
 * call is forwarded with the caller's metadata plus {@link FORWARDED_HEADER}. A forwarded
 * call is always answered locally: if the key moved meanwhile the local read fails with
 * the retriable store error (UNAVAILABLE), so two instances with different views of a
 * rebalance never bounce a call between them.
 *
 * Endpoints are `application.server` values, which for a query server are its gRPC
 * host:port, so the host table names gRPC endpoints directly. A call is forwarded only to
 * an endpoint that a member of this application advertises, never to an address taken
 * from the request, and carries only the caller's token (see `forwardedMetadata`).
 *
 * @example
 * ```ts
 * const routing = new QueryRouting({ self: '127.0.0.1:50051', peers });
 * routing.attach(streams);
 * const order = await routing.unary(call, OrderQueries.service['GetOrder']!, 'orders', orderId, () => readOrder(orderId));
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { QueryableStoreTypes, type KafkaStreams, type KeySerializer } from '../../processors/client/index.ts';
import { Serdes } from '../../schemas/serdes/serdes.ts';
import type { Method, PeerClients } from './peer-clients.ts';
import { FORWARDED_HEADER } from './proto.ts';
import { statusError, toServiceError } from './status.ts';

export type Route = { readonly local: true } | { readonly local: false; readonly endpoint: string };

export interface QueryRoutingOptions {
  /** This instance's `application.server` (its gRPC host:port), exactly as configured. */
  readonly self: string;
  readonly peers: PeerClients;
  /** How each store's keys are serialized for partitioning; string keys (UTF-8) when not named. */
  readonly keySerializers?: Readonly<Record<string, KeySerializer<unknown>>>;
}

const stringKeys = Serdes.String() as KeySerializer<unknown>;

export class QueryRouting {
  readonly self: string;
  readonly peers: PeerClients;
  readonly #keySerializers: Readonly<Record<string, KeySerializer<unknown>>>;
  #streams: KafkaStreams | undefined;

  constructor(options: QueryRoutingOptions) {
    this.self = options.self;
    this.peers = options.peers;
    this.#keySerializers = options.keySerializers ?? {};
  }

  attach(streams: KafkaStreams): void {
    this.#streams = streams;
  }

  /** The streams client; UNAVAILABLE until one is attached (the server may listen before it starts). */
  streams(): KafkaStreams {
    if (this.#streams === undefined) throw statusError(grpc.status.UNAVAILABLE, 'the streams application of this query server has not started yet');
    return this.#streams;
  }

  keySerializer(store: string): KeySerializer<unknown> {
    return this.#keySerializers[store] ?? stringKeys;
  }

  /** Whether `key` of `store` is answered here or at another instance. */
  route(store: string, key: unknown, metadata: grpc.Metadata): Route {
    if (isForwarded(metadata)) return { local: true };
    const meta = this.streams().queryMetadataForKey(store, key, this.keySerializer(store));
    const endpoint = `${meta.activeHost.host}:${meta.activeHost.port}`;
    return endpoint === this.self || meta.partition === -1 ? { local: true } : { local: false, endpoint: this.member(endpoint) };
  }

  /** `endpoint`, when a member of this application advertises it; UNAVAILABLE otherwise (the group moved). */
  member(endpoint: string): string {
    if (this.streams().metadataForAllStreamsClients().some((m) => m.endpoint === endpoint)) return endpoint;
    throw statusError(grpc.status.UNAVAILABLE, `${endpoint} is not a member of this application (any more)`);
  }

  /** This instance's copy of `key`, or undefined; throws the retriable store error when the copy is not here now. */
  async readLocal<V>(store: string, key: unknown): Promise<V | undefined> {
    const view = this.streams().store({ storeName: store, queryableStoreType: QueryableStoreTypes.keyValueStore<unknown, V>() });
    return (await view.get(key)) ?? undefined;
  }

  /** Answers here or forwards the same call to the key's owner; every failure comes out as a gRPC status. */
  async unary<Req extends object, Res extends object>(call: { request: Req; metadata: grpc.Metadata }, method: Method, store: string, key: unknown, local: () => Promise<Res>): Promise<Res> {
    try {
      const route = this.route(store, key, call.metadata);
      if (route.local) return await local();
      return await this.peers.unary<Req, Res>(route.endpoint, method, call.request, forwardedMetadata(call.metadata));
    } catch (error) {
      throw toServiceError(error);
    }
  }
}

export function isForwarded(metadata: grpc.Metadata): boolean {
  return metadata.get(FORWARDED_HEADER).length > 0;
}

/** The caller's token and the forwarded mark, nothing else: a peer sees the caller's identity, never more. */
export function forwardedMetadata(metadata: grpc.Metadata): grpc.Metadata {
  const out = new grpc.Metadata();
  const authorization = metadata.get('authorization')[0];
  if (authorization !== undefined) out.set('authorization', authorization);
  out.set(FORWARDED_HEADER, '1');
  return out;
}

/** Runs a unary handler body and answers its result or its status. */
export function answer<Res>(callback: grpc.sendUnaryData<Res>, run: () => Promise<Res>): void {
  run().then(
    (response) => callback(null, response),
    (error: unknown) => callback(toServiceError(error)),
  );
}

/**
 * One gRPC channel per peer endpoint, kept for the life of the owner (a channel reconnects
 * by itself, and opening one per call would cost a TCP and HTTP/2 handshake each time).
 * Calls go through the generic `grpc.Client` with the method definitions proto-loader
 * built, so any method of any query service can be forwarded without a typed stub.
 *
 * A peer that cannot be reached, or does not answer before the deadline, fails the call
 * with UNAVAILABLE: for the caller that is the same situation as a rebalance.
 *
 * @example
 * ```ts
 * const peers = new PeerClients({ deadlineMs: 5_000 });
 * const method = queryServices().OrderQueries.service['GetOrder']!;
 * const order = await peers.unary('127.0.0.1:50052', method, { orderId: 'o-1' }, new grpc.Metadata());
 * peers.close();
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { isRetriableStatus, statusError, type StatusError } from './status.ts';

export type Method = grpc.MethodDefinition<object, object>;

export interface PeerClientsOptions {
  /** Deadline of one unary call. */
  readonly deadlineMs: number;
  readonly credentials?: grpc.ChannelCredentials;
}

export class PeerClients {
  readonly #clients = new Map<string, grpc.Client>();
  readonly #options: PeerClientsOptions;

  constructor(options: PeerClientsOptions) {
    this.#options = options;
  }

  client(endpoint: string): grpc.Client {
    let client = this.#clients.get(endpoint);
    if (client === undefined) {
      client = new grpc.Client(endpoint, this.#options.credentials ?? grpc.credentials.createInsecure(), {
        // Fail fast when a peer is gone instead of waiting for the whole deadline.
        'grpc.initial_reconnect_backoff_ms': 200,
        'grpc.max_reconnect_backoff_ms': 2_000,
      });
      this.#clients.set(endpoint, client);
    }
    return client;
  }

  unary<Req extends object, Res extends object>(endpoint: string, method: Method, request: Req, metadata: grpc.Metadata, deadlineMs = this.#options.deadlineMs): Promise<Res> {
    return new Promise((resolve, reject) => {
      this.client(endpoint).makeUnaryRequest<Req, Res>(
        method.path,
        method.requestSerialize as (value: Req) => Buffer,
        method.responseDeserialize as (bytes: Buffer) => Res,
        request,
        metadata,
        { deadline: Date.now() + deadlineMs },
        (error, response) => {
          if (error !== null) reject(peerError(endpoint, error));
          else resolve(response as Res);
        },
      );
    });
  }

  serverStream<Req extends object, Res extends object>(endpoint: string, method: Method, request: Req, metadata: grpc.Metadata): grpc.ClientReadableStream<Res> {
    return this.client(endpoint).makeServerStreamRequest<Req, Res>(
      method.path,
      method.requestSerialize as (value: Req) => Buffer,
      method.responseDeserialize as (bytes: Buffer) => Res,
      request,
      metadata,
    );
  }

  close(): void {
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
  }
}

/** A peer's own answer passes through; a timeout is the peer being away, so UNAVAILABLE. */
export function peerError(endpoint: string, error: grpc.ServiceError): StatusError {
  const code = isRetriableStatus(error.code) ? grpc.status.UNAVAILABLE : error.code;
  const details = error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED ? `${endpoint}: ${error.details}` : error.details;
  return statusError(code, details);
}

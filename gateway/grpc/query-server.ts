/**
 * The gRPC query server that runs beside a streams application, in its process. It binds
 * first (so a test or a service can ask for port 0 and learn the real one), then is given
 * the `KafkaStreams` instance whose `application.server` is that very host:port, so the
 * group's host table names each instance's gRPC endpoint. Until then calls answer
 * UNAVAILABLE.
 *
 * Every instance serves all four query services; a call for a key another instance owns is
 * forwarded there (see `query-routing.ts`).
 *
 * @example
 * ```ts
 * const config = queryServerConfig.fromEnv(process.env, 'QUERY');
 * const server = await QueryServer.listen({ host: config['grpc.host'], port: config['grpc.port'], token: config['auth.token'] });
 * const streams = new KafkaStreams(topology, { ...streamsConfig, 'application.server': server.endpoint });
 * server.serve(streams);
 * await streams.start();
 * // ...
 * await server.close();
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { defineConfig, integer, string, type ConfigOf } from '../../common/config.ts';
import type { KafkaStreams, KeySerializer } from '../../processors/client/index.ts';
import { callAuthenticator } from './call-auth.ts';
import { addStandardServices, type ServerHealth } from './health.ts';
import { PeerClients } from './peer-clients.ts';
import { queryServices } from './proto.ts';
import { QueryRouting } from './query-routing.ts';
import { orderQueries } from './services/order-queries.ts';
import { customerQueries, stockQueries } from './services/stock-queries.ts';
import { storeQueries } from './services/store-queries.ts';

/** Settings of a query server, for services that read them from the environment (`QUERY_GRPC_PORT`, ...). */
export const queryServerConfig = defineConfig({
  'grpc.host': string({ default: '127.0.0.1', doc: 'Interface the query server binds to; also the host of application.server.' }),
  'grpc.advertised.host': string({ default: '', doc: 'Host other instances reach this one by, in its application.server (a container or DNS name when grpc.host is 0.0.0.0); empty: grpc.host.' }),
  'grpc.port': integer({ default: 50051, min: 0, max: 65535, doc: 'Port of the query server; 0 picks a free one.' }),
  'auth.token': string({ default: '', doc: 'Shared bearer token callers must send; empty accepts every call (unless auth.jwt.secret is set).' }),
  'auth.jwt.secret': string({ default: '', doc: 'Also accept the platform\'s HS256 JWTs signed with this secret.' }),
  'forward.deadline.ms': integer({ default: 5_000, min: 100, doc: 'Deadline of a call forwarded to the owner of a key.' }),
  'watch.poll.ms': integer({ default: 100, min: 10, doc: 'How often a watched order is read from its store.' }),
  'watch.unavailable.patience.ms': integer({ default: 30_000, min: 0, doc: 'How long a watch keeps looking for its order\'s owner (rebalance) before ending with UNAVAILABLE.' }),
});
export type QueryServerConfig = ConfigOf<typeof queryServerConfig.fields>;

export interface QueryServerOptions {
  readonly host?: string;
  /** Host other instances reach this one by (its `application.server`); default `host`. */
  readonly advertisedHost?: string;
  /** 0 (default) picks a free port; `endpoint` tells which. */
  readonly port?: number;
  readonly token?: string;
  readonly jwtSecret?: string;
  readonly forwardDeadlineMs?: number;
  readonly watchPollMs?: number;
  readonly watchUnavailablePatienceMs?: number;
  /** Key serializers of stores whose keys are not strings. */
  readonly keySerializers?: Readonly<Record<string, KeySerializer<unknown>>>;
}

export class QueryServer {
  /** host:port this server answers on: give it to the streams client as `application.server`. */
  readonly endpoint: string;
  readonly port: number;
  /** The standard health service (NOT_SERVING until told) and reflection, beside the queries: see `health.ts`. */
  readonly health: ServerHealth;
  readonly #server: grpc.Server;
  readonly #routing: QueryRouting;
  readonly #peers: PeerClients;

  private constructor(server: grpc.Server, endpoint: string, port: number, routing: QueryRouting, peers: PeerClients, health: ServerHealth) {
    this.#server = server;
    this.health = health;
    this.endpoint = endpoint;
    this.port = port;
    this.#routing = routing;
    this.#peers = peers;
  }

  static async listen(options: QueryServerOptions = {}): Promise<QueryServer> {
    const host = options.host ?? '127.0.0.1';
    const server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error)));
    });
    const endpoint = `${options.advertisedHost ?? host}:${port}`;
    const peers = new PeerClients({ deadlineMs: options.forwardDeadlineMs ?? 5_000 });
    const routing = new QueryRouting({ self: endpoint, peers, ...(options.keySerializers === undefined ? {} : { keySerializers: options.keySerializers }) });
    const authenticate = callAuthenticator({ ...(options.token === undefined ? {} : { token: options.token }), ...(options.jwtSecret === undefined ? {} : { jwtSecret: options.jwtSecret }) });
    const services = queryServices();
    const watch = { pollMs: options.watchPollMs ?? 100, unavailablePatienceMs: options.watchUnavailablePatienceMs ?? 30_000 };
    server.addService(services.OrderQueries.service, orderQueries({ routing, authenticate, watch }));
    server.addService(services.StockQueries.service, stockQueries({ routing, authenticate }));
    server.addService(services.CustomerQueries.service, customerQueries({ routing, authenticate }));
    server.addService(services.StoreQueries.service, storeQueries({ routing, authenticate }));
    const health = addStandardServices(server);
    return new QueryServer(server, endpoint, port, routing, peers, health);
  }

  /** A server configured from {@link queryServerConfig}. */
  static fromConfig(config: QueryServerConfig, keySerializers?: QueryServerOptions['keySerializers']): Promise<QueryServer> {
    return QueryServer.listen({
      host: config['grpc.host'],
      ...(config['grpc.advertised.host'] === '' ? {} : { advertisedHost: config['grpc.advertised.host'] }),
      port: config['grpc.port'],
      token: config['auth.token'],
      jwtSecret: config['auth.jwt.secret'],
      forwardDeadlineMs: config['forward.deadline.ms'],
      watchPollMs: config['watch.poll.ms'],
      watchUnavailablePatienceMs: config['watch.unavailable.patience.ms'],
      ...(keySerializers === undefined ? {} : { keySerializers }),
    });
  }

  /** Starts answering from `streams`, whose `application.server` must be {@link endpoint}. */
  serve(streams: KafkaStreams): void {
    this.#routing.attach(streams);
  }

  /** Stops taking calls; running ones (watches) are given `graceMs` to finish, then cut. */
  async close(graceMs = 1_000): Promise<void> {
    this.#peers.close();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, graceMs);
      this.#server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

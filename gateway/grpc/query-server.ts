/**
 * The gRPC query server that runs beside a streams application, in its process. It binds
 * first (so a test or a service can ask for port 0 and learn the real one), then is given
 * the `KafkaStreams` instance whose `application.server` is that very host:port, so the
 * group's host table names each instance's gRPC endpoint. Until then calls answer
 * UNAVAILABLE.
 *
 * Every instance serves all the query services; a call for a key another instance owns is
 * forwarded there (see `query-routing.ts`). Beside them, `InstanceOps` tells an operator
 * about this instance (tasks, lags, topology; `services/instance-ops.ts`).
 *
 * Calls are authenticated with the gateway's key material (`QUERY_AUTH_JWT_SECRET`,
 * `QUERY_AUTH_JWKS_URL` or `QUERY_AUTH_JWKS_FILE`) and authorized by the gateway's rules
 * (`call-auth.ts`). A server without key material accepts every call, so it may only
 * listen on loopback; elsewhere it refuses to start naming `QUERY_AUTH_JWT_SECRET`.
 *
 * @example
 * ```ts
 * const config = queryServerConfig.fromEnv(process.env, 'QUERY');
 * const server = await QueryServer.fromConfig(config); // or QueryServer.listen({ host, port, verify })
 * const streams = new KafkaStreams(topology, { ...streamsConfig, 'application.server': server.endpoint });
 * server.serve(streams);
 * await streams.start();
 * // ...
 * await server.close();
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import type { KafkaStreams, KeySerializer } from '../../processors/client/index.ts';
import { KstError } from '../../common/errors.ts';
import type { TokenVerifier } from '../auth/jwt.ts';
import { isLoopbackHost, verifierFromSettings } from '../auth/settings.ts';
import { StreamSlots } from '../limits/stream-slots.ts';
import { callAuthenticator } from './call-auth.ts';
import { addStandardServices, reflectedDefinitions, type ServerHealth } from './health.ts';
import { PeerClients } from './peer-clients.ts';
import { opsServices } from './ops-proto.ts';
import { queryServices } from './proto.ts';
import { queryServerConfig, type QueryServerConfig } from './query-server-config.ts';
import { QueryRouting } from './query-routing.ts';
import { orderQueries } from './services/order-queries.ts';
import { instanceOps, type InstanceAbout } from './services/instance-ops.ts';
import { salesQueries } from './services/sales-queries.ts';
import { cartQueries } from './services/cart-queries.ts';
import { customerQueries, stockQueries } from './services/stock-queries.ts';
import { storeQueries } from './services/store-queries.ts';

export { queryServerConfig, type QueryServerConfig } from './query-server-config.ts';

export interface QueryServerOptions {
  readonly host?: string;
  /** Host other instances reach this one by (its `application.server`); default `host`. */
  readonly advertisedHost?: string;
  /** 0 (default) picks a free port; `endpoint` tells which. */
  readonly port?: number;
  /** Verifies callers' tokens; without it every call is accepted, and `host` must be loopback. */
  readonly verify?: TokenVerifier;
  readonly watchMaxPerCaller?: number;
  readonly watchMaxTotal?: number;
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
  readonly #about: { current: InstanceAbout | undefined };

  private constructor(server: grpc.Server, endpoint: string, port: number, routing: QueryRouting, peers: PeerClients, health: ServerHealth, about: { current: InstanceAbout | undefined }) {
    this.#server = server;
    this.health = health;
    this.endpoint = endpoint;
    this.port = port;
    this.#routing = routing;
    this.#peers = peers;
    this.#about = about;
  }

  /** Parses the proto files now rather than at the first `listen` (a warm spare does it while it waits). */
  static preload(): void {
    queryServices();
    reflectedDefinitions();
  }

  static async listen(options: QueryServerOptions = {}): Promise<QueryServer> {
    const host = options.host ?? '127.0.0.1';
    if (options.verify === undefined && !isLoopbackHost(host)) {
      throw new KstError('KST_CONFIG_INVALID', `QUERY_AUTH_JWT_SECRET (or QUERY_AUTH_JWKS_URL, QUERY_AUTH_JWKS_FILE) must be set: a query server without authentication accepts every call, so it listens on loopback only, not on ${JSON.stringify(host)}`, { key: 'QUERY_AUTH_JWT_SECRET' });
    }
    const server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error)));
    });
    const endpoint = `${options.advertisedHost ?? host}:${port}`;
    const peers = new PeerClients({ deadlineMs: options.forwardDeadlineMs ?? 5_000 });
    const routing = new QueryRouting({ self: endpoint, peers, ...(options.keySerializers === undefined ? {} : { keySerializers: options.keySerializers }) });
    const authenticate = callAuthenticator(options.verify === undefined ? {} : { verify: options.verify });
    const watchSlots = new StreamSlots({ perCaller: options.watchMaxPerCaller ?? 10, total: options.watchMaxTotal ?? 2_000, unlimited: (caller) => caller.startsWith('service:') });
    const services = queryServices();
    const watch = { pollMs: options.watchPollMs ?? 100, unavailablePatienceMs: options.watchUnavailablePatienceMs ?? 30_000 };
    server.addService(services.OrderQueries.service, orderQueries({ routing, authenticate, watch, watchSlots }));
    server.addService(services.StockQueries.service, stockQueries({ routing, authenticate }));
    server.addService(services.CustomerQueries.service, customerQueries({ routing, authenticate }));
    server.addService(services.CartQueries.service, cartQueries({ routing, authenticate }));
    server.addService(services.StoreQueries.service, storeQueries({ routing, authenticate }));
    server.addService(services.SalesQueries.service, salesQueries({ routing, authenticate }));
    const about: { current: InstanceAbout | undefined } = { current: undefined };
    server.addService(opsServices().InstanceOps.service, instanceOps({ routing, authenticate, about: () => about.current }));
    const health = addStandardServices(server);
    return new QueryServer(server, endpoint, port, routing, peers, health, about);
  }

  /** A server configured from {@link queryServerConfig}. */
  static async fromConfig(config: QueryServerConfig, keySerializers?: QueryServerOptions['keySerializers']): Promise<QueryServer> {
    const env = (key: keyof QueryServerConfig & string): string => queryServerConfig.envName(key, 'QUERY');
    const verify = verifierFromSettings({
      secret: config['auth.jwt.secret'],
      jwksUrl: config['auth.jwks.url'],
      jwksFile: config['auth.jwks.file'],
      issuer: config['auth.jwt.issuer'],
      audience: config['auth.jwt.audience'],
      maxLifetimeS: config['auth.jwt.max.lifetime.s'],
      clockSkewMs: config['auth.jwt.clock.skew.ms'],
    }, { secret: env('auth.jwt.secret'), jwksUrl: env('auth.jwks.url'), jwksFile: env('auth.jwks.file'), host: env('grpc.host') }, config['grpc.host'], ['customer', 'admin', 'service']);
    return QueryServer.listen({
      host: config['grpc.host'],
      ...(config['grpc.advertised.host'] === '' ? {} : { advertisedHost: config['grpc.advertised.host'] }),
      port: config['grpc.port'],
      ...(verify === undefined ? {} : { verify }),
      watchMaxPerCaller: config['watch.max.per.caller'],
      watchMaxTotal: config['watch.max.total'],
      forwardDeadlineMs: config['forward.deadline.ms'],
      watchPollMs: config['watch.poll.ms'],
      watchUnavailablePatienceMs: config['watch.unavailable.patience.ms'],
      ...(keySerializers === undefined ? {} : { keySerializers }),
    });
  }

  /**
   * Starts answering from `streams`, whose `application.server` must be {@link endpoint};
   * `about` (its application id and topology) is what `InstanceOps` tells the ops page.
   */
  serve(streams: KafkaStreams, about?: InstanceAbout): void {
    this.#about.current = about;
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

/**
 * The gateway: the HTTP API that turns requests into commands on Kafka and answers reads
 * from the services' stores, and the gRPC query server each service runs beside its
 * streams client.
 *
 * @example
 * ```ts
 * import { QueryServer, queryServerConfig } from '../../gateway/index.ts';
 * const server = await QueryServer.fromConfig(queryServerConfig.fromEnv(process.env, 'QUERY'));
 * const streams = new KafkaStreams(topology, { ...config, 'application.server': server.endpoint });
 * server.serve(streams);
 * ```
 */

export { gatewayConfig, type GatewayConfig } from './config.ts';
export { startGateway, type Gateway, type GatewayParts } from './gateway.ts';
export { createTokenVerifier, signToken, Roles, type Principal, type Role, type TokenClaims, type TokenVerifier } from './auth/jwt.ts';
export { DEV_JWT_SECRET, isLoopbackHost } from './auth/settings.ts';
export { CommandPublisher, type CommandKind, type CommandSink } from './commands/command-publisher.ts';
export { QueryServer, queryServerConfig, type QueryServerConfig, type QueryServerOptions } from './grpc/query-server.ts';
export { QueryClient, type OrderEvent, type QueryClientOptions } from './queries/query-client.ts';
export { QUERIES_PROTO, queryServices } from './grpc/proto.ts';

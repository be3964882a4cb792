/**
 * The settings of a query server (`QUERY_GRPC_PORT`, `QUERY_AUTH_JWT_SECRET`, …), apart
 * from the server itself, so that a service process can validate them and know its
 * endpoint before it loads gRPC (see `service-main.ts`, which starts the service while
 * the query server loads and binds).
 *
 * @example
 * ```ts
 * const config = queryServerConfig.fromEnv(process.env, 'QUERY');
 * configuredEndpoint(config); // '127.0.0.1:50051', or undefined with port 0 (known once bound)
 * ```
 */

import { defineConfig, integer, string, type ConfigOf } from '../../common/config.ts';
import { MIN_SECRET_BYTES, secretField } from '../auth/settings.ts';

/** Settings of a query server, for services that read them from the environment (`QUERY_GRPC_PORT`, ...). */
export const queryServerConfig = defineConfig({
  'grpc.host': string({ default: '127.0.0.1', doc: 'Interface the query server binds to; also the host of application.server.' }),
  'grpc.advertised.host': string({ default: '', doc: 'Host other instances reach this one by, in its application.server (a container or DNS name when grpc.host is 0.0.0.0); empty: grpc.host.' }),
  'grpc.port': integer({ default: 50051, min: 0, max: 65535, doc: 'Port of the query server; 0 picks a free one.' }),
  'auth.jwt.secret': secretField(`HS256 secret callers' tokens are verified with (the gateway's GATEWAY_JWT_SECRET); at least ${MIN_SECRET_BYTES} bytes. With no key material at all, every call is accepted, on a loopback grpc.host only.`),
  'auth.jwks.url': string({ default: '', doc: 'JWKS URL of the identity provider (the gateway\'s GATEWAY_JWKS_URL).' }),
  'auth.jwks.file': string({ default: '', doc: 'A JWKS file of public keys (the gateway\'s GATEWAY_JWKS_FILE).' }),
  'auth.jwt.issuer': string({ default: '', doc: 'When set, tokens must carry this iss.' }),
  'auth.jwt.audience': string({ default: '', doc: 'When set, tokens must carry this aud.' }),
  'auth.jwt.max.lifetime.s': integer({ default: 3_600, min: 60, max: 2_592_000, doc: 'Longest token lifetime accepted (exp − iat); tokens without exp are refused.' }),
  'auth.jwt.clock.skew.ms': integer({ default: 30_000, min: 0, doc: 'Clock difference tolerated on exp and nbf.' }),
  'watch.max.per.caller': integer({ default: 10, min: 1, doc: 'WatchOrder streams one caller may have open here (the service identity is exempt: it carries every gateway client\'s stream); more answer RESOURCE_EXHAUSTED.' }),
  'watch.max.total': integer({ default: 2_000, min: 1, doc: 'WatchOrder streams open here at once across all callers; more answer RESOURCE_EXHAUSTED.' }),
  'forward.deadline.ms': integer({ default: 5_000, min: 100, doc: 'Deadline of a call forwarded to the owner of a key.' }),
  'watch.poll.ms': integer({ default: 100, min: 10, doc: 'How often a watched order is read from its store.' }),
  'watch.unavailable.patience.ms': integer({ default: 30_000, min: 0, doc: 'How long a watch keeps looking for its order\'s owner (rebalance) before ending with UNAVAILABLE.' }),
});
export type QueryServerConfig = ConfigOf<typeof queryServerConfig.fields>;

/** The endpoint (application.server) a server of `config` answers on; undefined when its port is 0, chosen at bind time. */
export function configuredEndpoint(config: QueryServerConfig): string | undefined {
  if (config['grpc.port'] === 0) return undefined;
  return `${config['grpc.advertised.host'] === '' ? config['grpc.host'] : config['grpc.advertised.host']}:${config['grpc.port']}`;
}

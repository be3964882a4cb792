/**
 * Connection security settings, named as the Java client names them: TLS (`ssl.*`) and SASL
 * (`sasl.*`) for clusters that need them (managed Kafka services, secured self-hosted ones).
 * Part of every client's settings (`kafkaClientConfig`); `toSecurityOptions` translates them
 * into the library's `tls` / `sasl` options.
 *
 * Credentials come as `sasl.username` / `sasl.password`, or as Kafka's
 * `sasl.jaas.config` (`org.apache.kafka.common.security.scram.ScramLoginModule required
 * username="alice" password="secret";`). OAUTHBEARER takes a static `sasl.oauthbearer.token`
 * or a token provider module (`sasl.oauthbearer.token.provider`: `./tokens.js#getToken`,
 * an exported function returning the token or a promise of it, called per connection).
 *
 * @example
 * ```ts
 * kafkaClientConfig.parse({
 *   'bootstrap.servers': 'broker.example.com:9094',
 *   'security.protocol': 'SASL_SSL',
 *   'sasl.mechanism': 'SCRAM-SHA-512',
 *   'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="…";',
 *   'ssl.ca.location': '/etc/kafka/ca.pem',
 * });
 * ```
 */

import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConnectionOptions } from 'node:tls';
import { oneOf, string } from '../../common/config.ts';
import { KstError } from '../../common/errors.ts';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** The security fields, spread into `kafkaClientConfig`; every one optional ('' = not set). */
export const securityFields = {
  'security.protocol': oneOf(SECURITY_PROTOCOLS, { default: 'PLAINTEXT', doc: 'PLAINTEXT, SSL (TLS), SASL_PLAINTEXT or SASL_SSL (SASL over TLS), as the brokers\' listener expects.' }),
  'sasl.mechanism': oneOf(SASL_MECHANISMS, { default: 'PLAIN', doc: 'SASL mechanism with SASL_* protocols: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER.' }),
  'sasl.jaas.config': string({ default: '', doc: 'Kafka\'s JAAS line carrying username="…" password="…" (PLAIN and SCRAM login modules); an alternative to sasl.username/sasl.password.' }),
  'sasl.username': string({ default: '', doc: 'SASL user (PLAIN, SCRAM).' }),
  'sasl.password': string({ default: '', doc: 'SASL password (PLAIN, SCRAM).' }),
  'sasl.oauthbearer.token': string({ default: '', doc: 'A static OAUTHBEARER token (JWT).' }),
  'sasl.oauthbearer.token.provider': string({ default: '', doc: 'OAUTHBEARER token provider: a module path or specifier and export name, `./tokens.js#getToken`; the function returns the token (or a promise of it) and is called per connection.' }),
  'ssl.ca.location': string({ default: '', doc: 'PEM file of the CA certificates that sign the brokers\' certificates; empty: the system\'s CAs.' }),
  'ssl.certificate.location': string({ default: '', doc: 'PEM file of the client certificate, for mutual TLS.' }),
  'ssl.key.location': string({ default: '', doc: 'PEM file of the client certificate\'s private key, for mutual TLS.' }),
  'ssl.key.password': string({ default: '', doc: 'Password of an encrypted ssl.key.location.' }),
  'ssl.endpoint.identification.algorithm': oneOf(['https', 'none'] as const, { default: 'https', doc: 'https checks that the broker\'s certificate names the host connected to; none skips that check (never in production).' }),
} as const;

/** The keys of `securityFields`, to copy a client's security settings into another client's. */
export const SECURITY_KEYS = Object.keys(securityFields) as Array<keyof typeof securityFields>;

export type SecuritySettings = { readonly [K in keyof typeof securityFields]: ReturnType<(typeof securityFields)[K]['convert']> };

/** Copies the security settings out of any parsed config that carries them (streams, services, Connect). */
export function securitySettingsOf(config: Readonly<Record<string, unknown>>): Partial<SecuritySettings> {
  return unprefixedSecuritySettings(config, '');
}

/**
 * The security fields under a prefix, for configs that hold settings of several clients
 * (the gateway's `kafka.security.protocol`, read from `GATEWAY_KAFKA_SECURITY_PROTOCOL`).
 */
export function prefixedSecurityFields<P extends string>(prefix: P): { readonly [K in keyof typeof securityFields as `${P}${K}`]: (typeof securityFields)[K] } {
  return Object.fromEntries(SECURITY_KEYS.map((key) => [`${prefix}${key}`, securityFields[key]])) as never;
}

/** The security settings of a config that holds them under a prefix, without it. */
export function unprefixedSecuritySettings(config: Readonly<Record<string, unknown>>, prefix: string): Partial<SecuritySettings> {
  const out: Record<string, unknown> = {};
  for (const key of SECURITY_KEYS) if (config[`${prefix}${key}`] !== undefined) out[key] = config[`${prefix}${key}`];
  return out as Partial<SecuritySettings>;
}

function invalid(key: string, message: string): never {
  throw new KstError('KST_CONFIG_INVALID', `config "${key}" ${message}`, { key });
}

/** username="…" and password="…" out of a JAAS line (values may contain escaped quotes). */
export function parseJaasCredentials(jaas: string): { username: string; password: string } {
  const option = (name: string): string | undefined => {
    const match = new RegExp(`\\b${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas);
    return match?.[1]?.replace(/\\(.)/g, '$1');
  };
  const username = option('username');
  const password = option('password');
  if (username === undefined || password === undefined) invalid('sasl.jaas.config', 'must carry username="…" and password="…"');
  return { username, password };
}

function readPem(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    return invalid(key, `names a file that cannot be read: ${file} (${(error as Error).message})`);
  }
}

type TokenProvider = () => string | Promise<string>;

function tokenProvider(spec: string): () => Promise<string> {
  const hash = spec.lastIndexOf('#');
  const modulePart = hash === -1 ? spec : spec.slice(0, hash);
  const exportName = hash === -1 ? 'default' : spec.slice(hash + 1);
  const specifier = modulePart.startsWith('.') || isAbsolute(modulePart) ? pathToFileURL(resolve(modulePart)).href : modulePart;
  let loaded: Promise<TokenProvider> | undefined;
  return async () => {
    loaded ??= import(specifier).then((module: Record<string, unknown>) => {
      const provider = module[exportName];
      if (typeof provider !== 'function') invalid('sasl.oauthbearer.token.provider', `names ${exportName} of ${modulePart}, which is not a function`);
      return provider as TokenProvider;
    });
    const token = await (await loaded)();
    if (typeof token !== 'string' || token === '') throw new KstError('KST_KAFKA_AUTHENTICATION', 'the OAUTHBEARER token provider (sasl.oauthbearer.token.provider) returned no token', {});
    return token;
  };
}

export interface LibrarySecurityOptions {
  tls?: ConnectionOptions;
  sasl?: {
    mechanism: SaslMechanism;
    username?: string;
    password?: string;
    token?: string | (() => Promise<string>);
  };
}

/**
 * The library's `tls` and `sasl` options for these settings; checks that what the protocol
 * needs is there (credentials for SASL, readable PEM files), naming the key when not.
 */
export function toSecurityOptions(config: SecuritySettings): LibrarySecurityOptions {
  const protocol = config['security.protocol'];
  const out: LibrarySecurityOptions = {};
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const tls: ConnectionOptions = {};
    if (config['ssl.ca.location'] !== '') tls.ca = readPem('ssl.ca.location', config['ssl.ca.location']);
    const certificate = config['ssl.certificate.location'];
    const key = config['ssl.key.location'];
    if ((certificate === '') !== (key === '')) invalid(certificate === '' ? 'ssl.certificate.location' : 'ssl.key.location', 'must be set together with its pair (client certificate and key, for mutual TLS)');
    if (certificate !== '') {
      tls.cert = readPem('ssl.certificate.location', certificate);
      tls.key = readPem('ssl.key.location', key);
      if (config['ssl.key.password'] !== '') tls.passphrase = config['ssl.key.password'];
    }
    if (config['ssl.endpoint.identification.algorithm'] === 'none') tls.checkServerIdentity = () => undefined;
    out.tls = tls;
  }
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const mechanism = config['sasl.mechanism'];
    if (mechanism === 'OAUTHBEARER') {
      const staticToken = config['sasl.oauthbearer.token'];
      const provider = config['sasl.oauthbearer.token.provider'];
      if (staticToken === '' && provider === '') invalid('sasl.oauthbearer.token', 'or sasl.oauthbearer.token.provider is required with sasl.mechanism OAUTHBEARER');
      out.sasl = { mechanism, token: provider !== '' ? tokenProvider(provider) : staticToken };
    } else {
      const jaas = config['sasl.jaas.config'];
      const fromJaas = jaas === '' ? undefined : parseJaasCredentials(jaas);
      const username = fromJaas?.username ?? config['sasl.username'];
      const password = fromJaas?.password ?? config['sasl.password'];
      if (username === '') invalid('sasl.username', `(or sasl.jaas.config) is required with security.protocol ${protocol} and sasl.mechanism ${mechanism}`);
      if (password === '') invalid('sasl.password', `(or sasl.jaas.config) is required with security.protocol ${protocol} and sasl.mechanism ${mechanism}`);
      out.sasl = { mechanism, username, password };
    }
  }
  return out;
}

/** The setting to name when the brokers refuse our credentials. */
export function credentialsKey(config: SecuritySettings): string {
  if (config['sasl.mechanism'] === 'OAUTHBEARER') return config['sasl.oauthbearer.token.provider'] !== '' ? 'sasl.oauthbearer.token.provider' : 'sasl.oauthbearer.token';
  return config['sasl.jaas.config'] !== '' ? 'sasl.jaas.config' : 'sasl.password';
}

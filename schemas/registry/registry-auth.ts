/**
 * How the registry client authenticates and whom it trusts, named as Confluent's clients
 * name it: `basic.auth.user.info` (`user:password`, with `basic.auth.credentials.source`
 * USER_INFO), `bearer.auth.token`, and a CA for a registry behind TLS signed by a private CA
 * (`schema.registry.ssl.ca.location`, a PEM file). Applications hold these under their own
 * prefix (`schema.registry.*` in the services, `registry.*` in the gateway,
 * `value.converter.*` in Connect) and hand the client a `RegistryAuth`.
 *
 * @example
 * ```ts
 * const registry = new RegistryClient({ url, auth: { userInfo: 'svc:secret', caFile: '/etc/ca.pem' } });
 * ```
 */

import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { string } from '../../common/config.ts';
import { KstError } from '../../common/errors.ts';

export interface RegistryAuth {
  /** `user:password` for HTTP basic authentication. */
  readonly userInfo?: string;
  /** A bearer token (OAuth access token) sent as `Authorization: Bearer …`. */
  readonly bearerToken?: string;
  /** PEM file of the CA that signs the registry's certificate, when not a public one. */
  readonly caFile?: string;
}

/** The connection of one registry client: request headers and, for a private CA, the TLS agents. */
export interface RegistryConnection {
  readonly headers: Readonly<Record<string, string>>;
  /** The private CA's certificates, for the `fetch` calls (`ccompat-http.ts` builds their undici agent on first use). */
  readonly ca?: Buffer;
  /** For `@kafkajs/confluent-schema-registry`'s HTTP client (node:https). */
  readonly httpsAgent?: HttpsAgent;
  /** Basic credentials as the registry library takes them. */
  readonly basic?: { readonly username: string; readonly password: string };
}

/** The registry auth fields of an application's config, under `prefix` (e.g. `schema.registry.`). */
export function registryAuthFields<P extends string>(prefix: P) {
  return {
    [`${prefix}basic.auth.user.info`]: string({ default: '', pattern: /^[^:]+:.*$/, doc: 'user:password for the schema registry\'s HTTP basic authentication; empty: none.' }),
    [`${prefix}bearer.auth.token`]: string({ default: '', doc: 'Bearer token for the schema registry (OAuth access token); empty: none.' }),
    [`${prefix}ssl.ca.location`]: string({ default: '', doc: 'PEM file of the CA that signs the schema registry\'s certificate; empty: the system\'s CAs.' }),
  } as { readonly [K in `${P}${'basic.auth.user.info' | 'bearer.auth.token' | 'ssl.ca.location'}`]: ReturnType<typeof string> };
}

/** The `RegistryAuth` an application's config holds under `prefix`. */
export function registryAuthOf(config: Readonly<Record<string, unknown>>, prefix: string): RegistryAuth {
  const read = (key: string): string | undefined => {
    const value = config[`${prefix}${key}`];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const userInfo = read('basic.auth.user.info');
  const bearerToken = read('bearer.auth.token');
  const caFile = read('ssl.ca.location');
  return { ...(userInfo === undefined ? {} : { userInfo }), ...(bearerToken === undefined ? {} : { bearerToken }), ...(caFile === undefined ? {} : { caFile }) };
}

/** Checks the settings and builds the connection; a bad setting fails here, naming it. */
export function registryConnection(auth: RegistryAuth = {}): RegistryConnection {
  if (auth.userInfo !== undefined && auth.bearerToken !== undefined) {
    throw new KstError('KST_CONFIG_INVALID', 'config "basic.auth.user.info" and "bearer.auth.token" of the schema registry exclude each other: set one', { key: 'basic.auth.user.info' });
  }
  const headers: Record<string, string> = {};
  let basic: RegistryConnection['basic'];
  if (auth.userInfo !== undefined) {
    const colon = auth.userInfo.indexOf(':');
    if (colon <= 0) throw new KstError('KST_CONFIG_INVALID', 'config "basic.auth.user.info" of the schema registry must be user:password', { key: 'basic.auth.user.info' });
    basic = { username: auth.userInfo.slice(0, colon), password: auth.userInfo.slice(colon + 1) };
    headers['authorization'] = `Basic ${Buffer.from(auth.userInfo, 'utf8').toString('base64')}`;
  }
  if (auth.bearerToken !== undefined) headers['authorization'] = `Bearer ${auth.bearerToken}`;
  if (auth.caFile === undefined) return { headers, ...(basic === undefined ? {} : { basic }) };
  let ca: Buffer;
  try {
    ca = readFileSync(auth.caFile);
  } catch (error) {
    throw new KstError('KST_CONFIG_INVALID', `config "ssl.ca.location" of the schema registry names a file that cannot be read: ${auth.caFile} (${(error as Error).message})`, { key: 'ssl.ca.location' });
  }
  return {
    headers,
    ca,
    httpsAgent: new HttpsAgent({ ca, keepAlive: true }),
    ...(basic === undefined ? {} : { basic }),
  };
}

/**
 * Token settings shared by the gateway (`GATEWAY_JWT_SECRET`, `GATEWAY_JWKS_URL`, ...) and
 * the query servers (`QUERY_AUTH_JWT_SECRET`, `QUERY_AUTH_JWKS_URL`, ...): the config
 * fields, and the check at start that turns them into a verifier or refuses to start
 * naming the variable at fault:
 *
 * - an HS256 secret has at least {@link MIN_SECRET_BYTES} bytes, except the public
 *   development secret {@link DEV_JWT_SECRET}, which is accepted only while the server
 *   listens on loopback (127.0.0.0/8, ::1, localhost): anyone can sign tokens with it;
 * - a JWKS URL is http(s); a JWKS file is readable JSON with a `keys` array of public keys.
 *
 * @example
 * ```ts
 * const verify = verifierFromSettings(settings, { secret: 'GATEWAY_JWT_SECRET', jwksUrl: 'GATEWAY_JWKS_URL', jwksFile: 'GATEWAY_JWKS_FILE', host: 'GATEWAY_HTTP_HOST' }, config['http.host'], ['customer', 'admin']);
 * ```
 */

import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { string, type Field } from '../../common/config.ts';
import { KstError } from '../../common/errors.ts';
import { createTokenVerifier, type Role, type TokenVerifier } from './jwt.ts';

/**
 * The public development secret: `npm start` and the demo use it when no secret is set.
 * Anyone can sign an admin token with it, so a server accepts it on loopback only.
 */
export const DEV_JWT_SECRET = 'kstreams-dev-secret-change-me';
export const MIN_SECRET_BYTES = 32;

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped 127.x) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return LOOPBACK.check(bare, 'ipv4');
  if (isIP(bare) === 6) return LOOPBACK.check(bare, 'ipv6') || (bare.startsWith('::ffff:') && isIP(bare.slice(7)) === 4 && LOOPBACK.check(bare.slice(7), 'ipv4'));
  return false;
}

/** A secret field: empty (not used), the development secret, or at least 32 bytes. */
export function secretField(doc: string): Field<string> {
  const base = string({ default: '', doc });
  return Object.freeze({
    ...base,
    convert: (raw: unknown, key: string): string => {
      const value = base.convert(raw, key);
      if (value !== '' && value !== DEV_JWT_SECRET && Buffer.byteLength(value) < MIN_SECRET_BYTES) {
        throw new KstError('KST_CONFIG_INVALID', `config "${key}" must be at least ${MIN_SECRET_BYTES} bytes (got ${Buffer.byteLength(value)})`, { key });
      }
      return value;
    },
  });
}

export interface TokenSettings {
  readonly secret: string;
  readonly jwksUrl: string;
  readonly jwksFile: string;
  readonly issuer: string;
  readonly audience: string;
  readonly maxLifetimeS: number;
  readonly clockSkewMs: number;
}

/** The environment variables of the settings, for messages. */
export interface SettingNames {
  readonly secret: string;
  readonly jwksUrl: string;
  readonly jwksFile: string;
  readonly host: string;
}

function invalid(variable: string, message: string): never {
  throw new KstError('KST_CONFIG_INVALID', `${variable} ${message}`, { key: variable });
}

/** Refuses the development secret on anything but loopback. */
export function checkDevSecret(secret: string, host: string, names: Pick<SettingNames, 'secret' | 'host' | 'jwksUrl'>): void {
  if (secret !== DEV_JWT_SECRET || isLoopbackHost(host)) return;
  invalid(names.secret, `is the public development secret, which anyone can sign tokens with; it is accepted only while ${names.host} is a loopback address (127.0.0.1, ::1, localhost), not ${JSON.stringify(host)}. Set ${names.secret} to a secret of at least ${MIN_SECRET_BYTES} bytes, or use an identity provider's keys (${names.jwksUrl}).`);
}

function readJwks(file: string, variable: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    invalid(variable, `names ${file}, which is not a readable JSON file: ${error instanceof Error ? error.message : String(error)}`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) invalid(variable, `names ${file}, which is not a JWKS (an object with a non-empty "keys" array)`);
  for (const key of keys as Array<Record<string, unknown>>) {
    if (key === null || typeof key !== 'object' || typeof key['kty'] !== 'string') invalid(variable, `names ${file}, whose keys must be JWKs with a "kty"`);
    if (key['kty'] === 'oct' || key['d'] !== undefined) invalid(variable, `names ${file}, which holds a secret or private key; a JWKS file holds public keys only`);
  }
  return parsed as JSONWebKeySet;
}

/**
 * The verifier the settings describe, or undefined when they name no key at all (the
 * caller decides whether that is allowed). Throws `KST_CONFIG_INVALID` naming the variable.
 */
export function verifierFromSettings(settings: TokenSettings, names: SettingNames, host: string, roles: readonly Role[]): TokenVerifier | undefined {
  checkDevSecret(settings.secret, host, names);
  if (settings.jwksUrl !== '' && settings.jwksFile !== '') invalid(names.jwksFile, `and ${names.jwksUrl} are both set; set one of them`);
  if (settings.jwksUrl !== '') {
    let url: URL | undefined;
    try {
      url = new URL(settings.jwksUrl);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) invalid(names.jwksUrl, `must be an http(s) URL (got ${JSON.stringify(settings.jwksUrl)})`);
  }
  const jwks = settings.jwksFile === '' ? undefined : readJwks(settings.jwksFile, names.jwksFile);
  if (settings.secret === '' && settings.jwksUrl === '' && jwks === undefined) return undefined;
  return createTokenVerifier({
    ...(settings.secret === '' ? {} : { secret: settings.secret }),
    ...(settings.jwksUrl === '' ? {} : { jwksUrl: settings.jwksUrl }),
    ...(jwks === undefined ? {} : { jwks }),
    ...(settings.issuer === '' ? {} : { issuer: settings.issuer }),
    ...(settings.audience === '' ? {} : { audience: settings.audience }),
    maxLifetimeS: settings.maxLifetimeS,
    clockSkewMs: settings.clockSkewMs,
    roles,
  });
}

/**
 * The token key material `npm start` gives the gateway and every query server, so both
 * verify the same tokens and no query server answers an anonymous call:
 *
 * - the gateway's `GATEWAY_JWT_SECRET`, `GATEWAY_JWKS_URL`, `GATEWAY_JWKS_FILE`,
 *   `GATEWAY_JWT_ISSUER`, `GATEWAY_JWT_AUDIENCE`, `GATEWAY_JWT_MAX_LIFETIME_S` as set, each
 *   also as the query servers' `QUERY_AUTH_*` twin (unless that is set itself);
 * - none of the key variables set: the public development secret, with a loud warning
 *   (the gateway accepts it on loopback only);
 * - sign-in's signing key (`signInKeyEnv`): `GATEWAY_AUTH_PRIVATE_KEY_FILE` as set, or an
 *   Ed25519 key generated once into `<stack home>/gateway/signing-key.pem` (kept across
 *   restarts, so tokens stay valid).
 *
 * @example
 * ```ts
 * const auth = platformAuth(process.env);
 * for (const line of auth.warnings) console.warn(line);
 * await Platform.start(launcher, settings, { env: auth.query });
 * ```
 */

import { join } from 'node:path';
import { DEV_JWT_SECRET } from '../../gateway/auth/settings.ts';
import { generateSigningKeyFile } from '../../gateway/auth/signing-key.ts';

export interface PlatformAuth {
  /** Variables for the gateway process. */
  readonly gateway: Readonly<Record<string, string>>;
  /** Variables for every service process (its query server). */
  readonly query: Readonly<Record<string, string>>;
  readonly usesDevSecret: boolean;
  /** Lines to print before starting. */
  readonly warnings: readonly string[];
}

/** Gateway variable → query server variable. */
const TWINS: ReadonlyArray<readonly [string, string]> = [
  ['GATEWAY_JWT_SECRET', 'QUERY_AUTH_JWT_SECRET'],
  ['GATEWAY_JWKS_URL', 'QUERY_AUTH_JWKS_URL'],
  ['GATEWAY_JWKS_FILE', 'QUERY_AUTH_JWKS_FILE'],
  ['GATEWAY_JWT_ISSUER', 'QUERY_AUTH_JWT_ISSUER'],
  ['GATEWAY_JWT_AUDIENCE', 'QUERY_AUTH_JWT_AUDIENCE'],
  ['GATEWAY_JWT_MAX_LIFETIME_S', 'QUERY_AUTH_JWT_MAX_LIFETIME_S'],
  ['GATEWAY_JWT_CLOCK_SKEW_MS', 'QUERY_AUTH_JWT_CLOCK_SKEW_MS'],
];

const KEYS = ['GATEWAY_JWT_SECRET', 'GATEWAY_JWKS_URL', 'GATEWAY_JWKS_FILE'];

const set = (value: string | undefined): value is string => value !== undefined && value !== '';

function banner(lines: readonly string[]): string[] {
  const width = Math.max(...lines.map((line) => line.length));
  const rule = '!'.repeat(width + 6);
  return [rule, ...lines.map((line) => `!! ${line.padEnd(width)} !!`), rule];
}

export function platformAuth(env: Readonly<Record<string, string | undefined>>): PlatformAuth {
  const usesDevSecret = !KEYS.some((key) => set(env[key])) || env['GATEWAY_JWT_SECRET'] === DEV_JWT_SECRET;
  const gateway: Record<string, string> = {};
  for (const [name] of TWINS) {
    const value = env[name];
    if (set(value)) gateway[name] = value;
  }
  if (!KEYS.some((key) => set(env[key]))) gateway['GATEWAY_JWT_SECRET'] = DEV_JWT_SECRET;
  const query: Record<string, string> = {};
  for (const [from, to] of TWINS) {
    const value = env[to] ?? gateway[from];
    if (value !== undefined && value !== '') query[to] = value;
  }
  const warnings: string[] = [];
  if (usesDevSecret) {
    warnings.push(...banner([
      'WARNING: the gateway and the query servers use the PUBLIC development JWT secret',
      `"${DEV_JWT_SECRET}". Anyone who reads this can sign admin tokens.`,
      'It is accepted only while they listen on loopback (127.0.0.1, ::1, localhost).',
      'Set GATEWAY_JWT_SECRET (at least 32 bytes) or GATEWAY_JWKS_URL for anything else.',
    ]));
  }
  if (!set(gateway['GATEWAY_JWT_SECRET']) && !set(env['GATEWAY_QUERY_TOKEN'])) {
    warnings.push('warning: without GATEWAY_JWT_SECRET the gateway cannot sign its own service tokens for the query servers; set GATEWAY_QUERY_TOKEN to a token with role "service" from your identity provider.');
  }
  return { gateway, query, usesDevSecret, warnings };
}

/** The sign-in key the gateway gets: the one set, or a development key made once under the stack's home. */
export function signInKeyEnv(env: Readonly<Record<string, string | undefined>>, stackHome: string, print: (line: string) => void = console.log): Record<string, string> {
  const set = env['GATEWAY_AUTH_PRIVATE_KEY_FILE'];
  if (set !== undefined && set !== '') return { GATEWAY_AUTH_PRIVATE_KEY_FILE: set };
  const file = join(stackHome, 'gateway', 'signing-key.pem');
  if (generateSigningKeyFile(file)) print(`platform: generated the gateway's development sign-in key ${file} (set GATEWAY_AUTH_PRIVATE_KEY_FILE to use your own)`);
  return { GATEWAY_AUTH_PRIVATE_KEY_FILE: file };
}

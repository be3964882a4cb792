/**
 * Bearer tokens for the gateway's tests, minted in one place so that tests do not depend
 * on how `gateway/auth/` signs and checks them: `bearer()` gives the `Authorization`
 * value of a valid token, `verifier()` what `buildHttpApi` checks tokens with, and
 * `forgedTokens()` tokens that must be refused (expired, wrong key, `alg: none`, a payload
 * edited after signing).
 *
 * @example
 * ```ts
 * const alice = await bearer('alice', 'customer', secret);
 * const app = buildHttpApi(context, { verify: verifier(secret), limiter, bodyLimit: 65_536 });
 * ```
 */

import { createTokenVerifier, signToken, type Role } from '../../../gateway/auth/jwt.ts';
import type { HttpApiOptions } from '../../../gateway/http/server.ts';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The token alone, valid for `lifetimeS` (negative: already expired). */
export async function token(subject: string, role: Role, secret: string, lifetimeS = 600): Promise<string> {
  // Expired tokens keep a lifetime within the cap: issued further back instead.
  const issuedAtS = lifetimeS > 0 ? nowSeconds() : nowSeconds() + lifetimeS - 600;
  return signToken({ sub: subject, role, issuedAtS, lifetimeS: lifetimeS > 0 ? lifetimeS : 600 }, secret);
}

/** `Bearer <token>` for `subject` in `role`. */
export async function bearer(subject: string, role: Role, secret: string): Promise<string> {
  return `Bearer ${await token(subject, role, secret)}`;
}

/** The token check the HTTP API is built with in tests. */
export function verifier(secret: string): HttpApiOptions['verify'] {
  return createTokenVerifier({ secret, maxLifetimeS: 3600 });
}

/** `Authorization` values of tokens the gateway must refuse, each named by what is wrong. */
export async function forgedTokens(secret: string): Promise<Record<string, string>> {
  const customer = await token('alice', 'customer', secret);
  const [header = '', , signature = ''] = customer.split('.');
  const asAdmin = b64({ sub: 'alice', role: 'admin', exp: nowSeconds() + 600 });
  return {
    expired: `Bearer ${await token('alice', 'customer', secret, -3600)}`,
    'another key': `Bearer ${await token('ops', 'admin', `${secret}-but-another-one`)}`,
    'alg none': `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${asAdmin}.`,
    'alg none, signed': `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${asAdmin}.${signature}`,
    'payload edited to admin': `Bearer ${header}.${asAdmin}.${signature}`,
    'unknown role': `Bearer ${await signToken({ sub: 'alice', role: 'root' as Role }, secret)}`,
  };
}

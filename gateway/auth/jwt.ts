/**
 * HS256 JSON Web Tokens (RFC 7519), verified with `node:crypto` only. The gateway needs one
 * algorithm and a handful of claims, which is less code than a dependency's configuration;
 * what matters is done strictly:
 *
 * - the header must say `alg: HS256`: `none` and every other algorithm are refused, so a
 *   token cannot choose how it is checked;
 * - the signature is compared in constant time;
 * - `exp` is required, `nbf` honoured, both with a small clock skew; `iss`/`aud` checked
 *   when configured;
 * - `sub` must be a non-empty string and `role` one of {@link Roles}.
 *
 * @example
 * ```ts
 * const token = signJwt({ sub: 'c-1', role: 'customer', exp: nowSeconds + 3600 }, secret);
 * const principal = verifyJwt(token, { secret }); // { subject: 'c-1', role: 'customer' }
 * ```
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { KstError } from '../../common/errors.ts';

export const Roles = ['customer', 'admin'] as const;
export type Role = (typeof Roles)[number];

/** Who is calling: for a customer, `subject` is its customerId. */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
}

export interface JwtClaims {
  readonly sub: string;
  readonly role: Role;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly iss?: string;
  readonly aud?: string | readonly string[];
}

export interface VerifyOptions {
  readonly secret: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Tolerated clock difference, ms. Default 30 000. */
  readonly clockSkewMs?: number;
  /** Now, ms since the epoch (tests). */
  readonly nowMs?: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function fail(reason: string): never {
  throw new KstError('KST_GATEWAY_AUTH_FAILED', `invalid bearer token: ${reason}`, { reason });
}

const sign = (input: string, secret: string): Buffer => createHmac('sha256', secret).update(input).digest();

/** Signs claims with HS256; for tests, the demo and tools that mint tokens. */
export function signJwt(claims: JwtClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${HEADER}.${payload}.${sign(`${HEADER}.${payload}`, secret).toString('base64url')}`;
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    fail(`the ${what} is not base64url JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`the ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** Checks signature and claims; throws `KST_GATEWAY_AUTH_FAILED` naming what is wrong. */
export function verifyJwt(token: string, options: VerifyOptions): Principal {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => part.length > 0 && BASE64URL.test(part))) fail('not three base64url parts');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart, 'header');
  if (header['alg'] !== 'HS256') fail(`algorithm ${JSON.stringify(header['alg'])} is not accepted (HS256 only)`);
  const expected = sign(`${headerPart}.${payloadPart}`, options.secret);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) fail('bad signature');

  const claims = decodeJson(payloadPart, 'payload');
  const now = options.nowMs ?? Date.now();
  const skew = options.clockSkewMs ?? 30_000;
  const exp = claims['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) fail('no exp claim');
  if (exp * 1000 + skew <= now) fail('expired');
  const nbf = claims['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf * 1000 - skew > now)) fail('not valid yet (nbf)');
  if (options.issuer !== undefined && claims['iss'] !== options.issuer) fail('wrong issuer');
  if (options.audience !== undefined) {
    const aud = claims['aud'];
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(options.audience)) fail('wrong audience');
  }
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub === '') fail('no sub claim');
  const role = claims['role'];
  if (typeof role !== 'string' || !(Roles as readonly string[]).includes(role)) fail(`role must be one of ${Roles.join(', ')}`);
  return { subject: sub, role: role as Role };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

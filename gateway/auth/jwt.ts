/**
 * Bearer JSON Web Tokens, verified with `jose`. Tokens come from any OpenID Connect
 * provider (asymmetric: RS*, PS*, ES*, EdDSA, checked against the provider's JWKS, by URL
 * or from a file) or from the platform itself (HS256 with a shared secret of at least 32
 * bytes, see `settings.ts`). What is checked:
 *
 * - the algorithm must be one the configured key material can verify: `none`, and HS256
 *   without a secret, never pass, so a token cannot choose how it is checked;
 * - `exp` is required and `nbf` honoured (with a small clock skew); the lifetime,
 *   `exp − iat` (or `exp − now` without `iat`), must not exceed `maxLifetimeS`, so a
 *   stolen long-lived token is useless;
 * - `iss`/`aud` when configured;
 * - `sub` must be a non-empty string and `role` one of the accepted {@link Roles}.
 *
 * A JWKS that cannot be fetched is `KST_GATEWAY_AUTH_UNAVAILABLE` (retriable), every
 * other failure `KST_GATEWAY_AUTH_FAILED` naming what is wrong.
 *
 * @example
 * ```ts
 * const verify = createTokenVerifier({ jwksUrl: 'https://idp.example/.well-known/jwks.json', issuer: 'https://idp.example/', maxLifetimeS: 3600 });
 * const principal = await verify(token); // { subject: 'c-1', role: 'customer' }
 * const mine = await signToken({ sub: 'c-1', role: 'customer' }, secret);
 * ```
 */

import type { KeyObject } from 'node:crypto';
import { SignJWT, createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type CryptoKey, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import { KstError } from '../../common/errors.ts';
import { ID_PATTERN } from '../http/schemas.ts';

const CUSTOMER_ID = new RegExp(ID_PATTERN);

/** `customer`: its own data; `admin`: everything; `service`: the platform's own callers (the gateway) at the query servers. */
export const Roles = ['customer', 'admin', 'service'] as const;
export type Role = (typeof Roles)[number];

/** Who is calling: for a customer, `subject` is its customerId. */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
  /** The sign-in session of a token the gateway issued (`sid`); sign-out revokes it. */
  readonly sessionId?: string;
  /** The token's `jti`, when it has one. */
  readonly tokenId?: string;
  /** The token's `exp`, seconds since the epoch. */
  readonly expiresAtS?: number;
}

/** Asymmetric algorithms accepted from a JWKS. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

export interface KeyMaterial {
  /** HS256 secret. */
  readonly secret?: string;
  /** JWKS URL of an OpenID Connect provider (its `jwks_uri`). */
  readonly jwksUrl?: string;
  /** A JWKS, e.g. read from a file. */
  readonly jwks?: JSONWebKeySet;
}

export interface VerifierOptions extends KeyMaterial {
  readonly issuer?: string;
  readonly audience?: string;
  /** Longest accepted lifetime, seconds. */
  readonly maxLifetimeS: number;
  /** Tolerated clock difference, ms. Default 30 000. */
  readonly clockSkewMs?: number;
  /** Roles accepted; default all of {@link Roles}. */
  readonly roles?: readonly Role[];
  /** Now, ms since the epoch (tests). */
  readonly now?: () => number;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

function fail(reason: string): never {
  throw new KstError('KST_GATEWAY_AUTH_FAILED', `invalid bearer token: ${reason}`, { reason });
}

/** jose's failure as the reason a caller can act on. */
function reasonOf(error: unknown, hasJwksUrl: boolean): never {
  if (error instanceof KstError) throw error;
  if (error instanceof errors.JWTExpired) fail('expired');
  if (error instanceof errors.JWTClaimValidationFailed) fail(error.claim === 'nbf' ? 'not valid yet (nbf)' : `claim ${error.claim}: ${error.reason === 'missing' ? 'missing' : error.message}`);
  if (error instanceof errors.JWSSignatureVerificationFailed) fail('bad signature');
  if (error instanceof errors.JOSEAlgNotAllowed) fail('its algorithm is not accepted by the configured keys');
  if (error instanceof errors.JWKSNoMatchingKey) fail('no key of the key set matches it');
  if (error instanceof errors.JWKSMultipleMatchingKeys) fail('several keys of the key set match it');
  if (error instanceof errors.JWKSTimeout || (hasJwksUrl && !(error instanceof errors.JOSEError))) {
    throw new KstError('KST_GATEWAY_AUTH_UNAVAILABLE', `the key set could not be fetched: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
  }
  if (error instanceof errors.JOSEError) fail(error.message);
  throw error;
}

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const secret = options.secret === undefined || options.secret === '' ? undefined : new TextEncoder().encode(options.secret);
  const jwksUrl = options.jwksUrl === undefined || options.jwksUrl === '' ? undefined : options.jwksUrl;
  const keySet = jwksUrl !== undefined ? createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 })
    : options.jwks !== undefined ? createLocalJWKSet(options.jwks) : undefined;
  if (secret === undefined && keySet === undefined) throw new KstError('KST_CONFIG_INVALID', 'a token verifier needs a secret, a JWKS URL or a JWKS', { key: 'jwt.secret' });
  const algorithms = [...(secret === undefined ? [] : ['HS256']), ...(keySet === undefined ? [] : ASYMMETRIC_ALGORITHMS)];
  // Algorithms are checked before this runs, so HS256 only reaches here with a secret and the rest with a key set.
  const getKey = (header: JWSHeaderParameters, token: FlattenedJWSInput): Uint8Array | Promise<CryptoKey> => (header.alg === 'HS256' ? secret as Uint8Array : (keySet as NonNullable<typeof keySet>)(header, token));
  const roles: readonly string[] = options.roles ?? Roles;
  const skewS = (options.clockSkewMs ?? 30_000) / 1000;
  const now = options.now ?? Date.now;

  return async (token) => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms,
        clockTolerance: skewS,
        currentDate: new Date(now()),
        requiredClaims: ['exp'],
        ...(options.issuer === undefined || options.issuer === '' ? {} : { issuer: options.issuer }),
        ...(options.audience === undefined || options.audience === '' ? {} : { audience: options.audience }),
      }));
    } catch (error) {
      reasonOf(error, jwksUrl !== undefined);
    }
    const exp = payload.exp as number;
    const issuedAt = typeof payload.iat === 'number' ? payload.iat : now() / 1000;
    if (exp - issuedAt > options.maxLifetimeS + skewS) fail(`its lifetime of ${Math.round(exp - issuedAt)} s exceeds the maximum of ${options.maxLifetimeS} s`);
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub === '') fail('no sub claim');
    const role = payload['role'];
    if (typeof role !== 'string' || !roles.includes(role)) fail(`role must be one of ${roles.join(', ')}`);
    // A customer's sub is its customer id in every command it sends: it must be one the API accepts.
    if (role === 'customer' && !CUSTOMER_ID.test(sub)) fail('a customer\'s sub must be a customer id (letters, digits, ._:-, at most 128)');
    return { subject: sub, role: role as Role };
  };
}

export interface TokenClaims {
  readonly sub: string;
  readonly role: Role;
  /** Seconds from `iat` to `exp`; default 600. `null`: no exp at all (tests of the refusal). */
  readonly lifetimeS?: number | null;
  /** `iat`, seconds since the epoch; default now. `null`: no iat. */
  readonly issuedAtS?: number | null;
  readonly iss?: string;
  readonly aud?: string | string[];
  readonly nbf?: number;
}

/** An asymmetric signing key (tests, tools); a string is an HS256 secret. */
export interface PrivateSigningKey {
  readonly privateKey: CryptoKey | KeyObject;
  readonly alg: string;
  readonly kid?: string;
}

/** Signs claims: HS256 with a secret, or with a private key; for tests, the demo, the launcher and tools. */
export async function signToken(claims: TokenClaims, key: string | PrivateSigningKey): Promise<string> {
  const issuedAtS = claims.issuedAtS === undefined ? Math.floor(Date.now() / 1000) : claims.issuedAtS;
  const lifetimeS = claims.lifetimeS === undefined ? 600 : claims.lifetimeS;
  const header = typeof key === 'string' ? { alg: 'HS256', typ: 'JWT' } : { alg: key.alg, typ: 'JWT', ...(key.kid === undefined ? {} : { kid: key.kid }) };
  const jwt = new SignJWT({ role: claims.role }).setProtectedHeader(header).setSubject(claims.sub);
  if (issuedAtS !== null) jwt.setIssuedAt(issuedAtS);
  if (lifetimeS !== null) jwt.setExpirationTime((issuedAtS ?? Math.floor(Date.now() / 1000)) + lifetimeS);
  if (claims.iss !== undefined) jwt.setIssuer(claims.iss);
  if (claims.aud !== undefined) jwt.setAudience(claims.aud);
  if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
  return jwt.sign(typeof key === 'string' ? new TextEncoder().encode(key) : key.privateKey);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

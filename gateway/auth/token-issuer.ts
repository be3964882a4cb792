/**
 * The tokens the gateway issues on sign-in, signed with its own private key
 * (`signing-key.ts`): a short-lived access token (header `typ: at+jwt`; claims `sub` the
 * customer id, `role: customer`, `sid` the session, `jti`, `iss`, `iat`, `exp`) and a
 * refresh token of the same session (`typ: refresh+jwt`, `token_use: refresh`, no role, so
 * no access check ever takes it for an access token). Both are checked with the public key:
 * the algorithm and `kid` must be the gateway's, `iss` its issuer, and neither the token
 * (`jti:<jti>`) nor its session (`sid:<sid>`) may be revoked — revocations are what the
 * gateway reads from the revocation topic (`auth-state.ts`), so sign-out on one instance
 * is refused on all.
 *
 * `withIssuedTokens` puts it in front of the configured verifier: a token carrying the
 * gateway's `kid` is the gateway's own, every other one goes to the identity provider's
 * keys or the HS256 secret as before.
 *
 * @example
 * ```ts
 * const issuer = new TokenIssuer({ key, issuer: 'kstreams-gateway', accessLifetimeS: 300, refreshLifetimeS: 604_800, isRevoked: (ids) => state.isRevoked(ids) });
 * const { accessToken, refreshToken } = await issuer.issue('c-1b2…', randomUUID());
 * const principal = await issuer.verifyAccess(accessToken); // { subject: 'c-1b2…', role: 'customer', sessionId: '…', tokenId: '…' }
 * ```
 */

import { randomUUID } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { KstError } from '../../common/errors.ts';
import type { Principal, TokenVerifier } from './jwt.ts';
import type { SigningKey } from './signing-key.ts';

export interface TokenIssuerOptions {
  readonly key: SigningKey;
  /** `iss` of every issued token. */
  readonly issuer: string;
  /** `aud` of access tokens when set. */
  readonly audience?: string;
  readonly accessLifetimeS: number;
  readonly refreshLifetimeS: number;
  /** True when any of the ids (`jti:<id>`, `sid:<id>`) is revoked. */
  readonly isRevoked: (ids: readonly string[]) => Promise<boolean>;
  /** Tolerated clock difference, ms. Default 30 000. */
  readonly clockSkewMs?: number;
  /** ms since the epoch (tests). */
  readonly now?: () => number;
}

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly sessionId: string;
  /** Seconds the access token lives. */
  readonly expiresIn: number;
}

/** A verified refresh token. */
export interface RefreshGrant {
  readonly subject: string;
  readonly sessionId: string;
  /** When the refresh token expires, seconds since the epoch. */
  readonly expiresAtS: number;
}

const ACCESS_TYP = 'at+jwt';
const REFRESH_TYP = 'refresh+jwt';

function fail(reason: string): never {
  throw new KstError('KST_GATEWAY_AUTH_FAILED', `invalid bearer token: ${reason}`, { reason });
}

/** The revocation keys of a session and of one token. */
export const revocationKeys = (sessionId: string, tokenId?: string): string[] => [`sid:${sessionId}`, ...(tokenId === undefined ? [] : [`jti:${tokenId}`])];

export class TokenIssuer {
  readonly #options: TokenIssuerOptions;
  readonly #now: () => number;

  constructor(options: TokenIssuerOptions) {
    if (!(options.accessLifetimeS > 0) || !(options.refreshLifetimeS >= options.accessLifetimeS)) throw new RangeError('token lifetimes: access > 0 and refresh >= access');
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get kid(): string {
    return this.#options.key.kid;
  }

  get accessLifetimeS(): number {
    return this.#options.accessLifetimeS;
  }

  get refreshLifetimeS(): number {
    return this.#options.refreshLifetimeS;
  }

  async #sign(typ: string, claims: JWTPayload, subject: string, lifetimeS: number): Promise<string> {
    const nowS = Math.floor(this.#now() / 1000);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: this.#options.key.alg, kid: this.#options.key.kid, typ })
      .setSubject(subject).setIssuer(this.#options.issuer).setJti(randomUUID())
      .setIssuedAt(nowS).setExpirationTime(nowS + lifetimeS);
    return jwt.sign(this.#options.key.privateKey);
  }

  /** An access token of `sessionId` for customer `subject`. */
  accessToken(subject: string, sessionId: string): Promise<string> {
    const audience = this.#options.audience;
    return this.#sign(ACCESS_TYP, { role: 'customer', sid: sessionId, ...(audience === undefined || audience === '' ? {} : { aud: audience }) }, subject, this.#options.accessLifetimeS);
  }

  /** A new session: its access and refresh tokens. */
  async issue(subject: string, sessionId: string = randomUUID()): Promise<IssuedTokens> {
    const [accessToken, refreshToken] = await Promise.all([
      this.accessToken(subject, sessionId),
      this.#sign(REFRESH_TYP, { token_use: 'refresh', sid: sessionId }, subject, this.#options.refreshLifetimeS),
    ]);
    return { accessToken, refreshToken, sessionId, expiresIn: this.#options.accessLifetimeS };
  }

  async #verify(token: string, typ: string): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#options.key.publicKey, {
        algorithms: [this.#options.key.alg],
        issuer: this.#options.issuer,
        typ,
        requiredClaims: ['exp', 'iat', 'sub', 'jti', 'sid'],
        clockTolerance: (this.#options.clockSkewMs ?? 30_000) / 1000,
        currentDate: new Date(this.#now()),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) fail('expired');
      if (error instanceof errors.JWSSignatureVerificationFailed) fail('bad signature');
      if (error instanceof errors.JWTClaimValidationFailed) fail(`claim ${error.claim}: ${error.reason}`);
      if (error instanceof errors.JOSEError) fail(error.message);
      throw error;
    }
    if (decodeProtectedHeader(token).kid !== this.kid) fail('not signed with the gateway\'s current key');
    const sid = payload['sid'];
    if (typeof sid !== 'string' || sid === '' || typeof payload.sub !== 'string' || payload.sub === '') fail('no sub or sid claim');
    if (await this.#options.isRevoked(revocationKeys(sid, payload.jti))) fail('revoked (signed out)');
    return payload;
  }

  /** The principal of one of the gateway's access tokens; refuses refresh tokens, other keys and revoked sessions. */
  async verifyAccess(token: string): Promise<Principal> {
    const payload = await this.#verify(token, ACCESS_TYP);
    if (payload['role'] !== 'customer') fail('role must be customer');
    return { subject: payload.sub as string, role: 'customer', sessionId: payload['sid'] as string, tokenId: payload.jti as string, expiresAtS: payload.exp as number };
  }

  /** The grant of a refresh token; refuses access tokens and revoked sessions. */
  async verifyRefresh(token: string): Promise<RefreshGrant> {
    const payload = await this.#verify(token, REFRESH_TYP);
    if (payload['token_use'] !== 'refresh') fail('not a refresh token');
    return { subject: payload.sub as string, sessionId: payload['sid'] as string, expiresAtS: payload.exp as number };
  }
}

/** Tokens with the gateway's `kid` go to the issuer; the rest to `others` (the configured keys), if any. */
export function withIssuedTokens(issuer: TokenIssuer, others: TokenVerifier | undefined): TokenVerifier {
  return async (token) => {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      fail('not a JWT');
    }
    if (kid === issuer.kid) return issuer.verifyAccess(token);
    if (others === undefined) fail('not signed with the gateway\'s key, and no other key is configured');
    return others(token);
  };
}

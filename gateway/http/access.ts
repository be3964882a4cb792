/**
 * Who may call, how often, and on whose data. The `onRequest` hook runs before the body
 * is even read: no valid bearer token → 401; a caller past its token bucket → 429 with
 * Retry-After (callers are token subjects; requests without a valid token are counted per
 * client address, so guessing tokens is rate limited too). Route handlers then check the
 * role: a customer acts on its own data only (its `sub` is its customerId), an admin on
 * everything; a wrong customer, or a customer doing an admin's work, is a 403. A `service`
 * token (the platform's identity at the query servers) is refused here with 403.
 *
 * None of this touches Kafka: a rejected request never reaches a handler that produces.
 *
 * @example
 * ```ts
 * app.addHook('onRequest', accessHook({ verify, limiter, publicPaths: new Set(['/health', '/metrics']) }));
 * const principal = principalOf(request);
 * requireCustomerAccess(principal, request.params.id);
 * ```
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import { KstError } from '../../common/errors.ts';
import { bearerToken, type Principal } from '../auth/jwt.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface AccessOptions {
  /** Verifies a bearer token (rejects with `KST_GATEWAY_AUTH_FAILED`). */
  readonly verify: (token: string) => Principal | Promise<Principal>;
  readonly limiter: RateLimiter;
  /** Paths answered without a token and without rate limiting. */
  readonly publicPaths: ReadonlySet<string>;
  readonly onRejected?: (reason: 'unauthenticated' | 'rate_limited') => void;
}

const principals = new WeakMap<FastifyRequest, Principal>();

/** The caller of an authenticated request. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (principal === undefined) throw new KstError('KST_GATEWAY_AUTH_FAILED', 'the request is not authenticated', {});
  return principal;
}

/** The key a caller's bucket and idempotency entries are kept under. */
export function callerKey(principal: Principal): string {
  return `${principal.role}:${principal.subject}`;
}

export function accessHook(options: AccessOptions): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const limit = (caller: string): void => {
    const verdict = options.limiter.take(caller);
    if (!verdict.allowed) {
      options.onRejected?.('rate_limited');
      throw new KstError('KST_GATEWAY_RATE_LIMITED', `too many requests; retry in ${Math.ceil(verdict.retryAfterMs / 1000)} s`, { retryAfterMs: verdict.retryAfterMs });
    }
  };
  return async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (options.publicPaths.has(path)) return;
    const header = request.headers.authorization;
    const token = bearerToken(header);
    let principal: Principal;
    try {
      if (token === undefined) throw new KstError('KST_GATEWAY_AUTH_FAILED', header === undefined ? 'an "Authorization: Bearer <token>" header is required' : 'the Authorization header is not "Bearer <token>"', {});
      principal = await options.verify(token);
    } catch (error) {
      limit(`address:${request.ip}`);
      options.onRejected?.('unauthenticated');
      throw error;
    }
    limit(callerKey(principal));
    if (principal.role === 'service') throw new KstError('KST_GATEWAY_FORBIDDEN', 'a service token is for the query servers; the HTTP API takes customer and admin tokens', { subject: principal.subject });
    principals.set(request, principal);
  };
}

export function requireAdmin(principal: Principal, action: string): void {
  if (principal.role !== 'admin') throw new KstError('KST_GATEWAY_FORBIDDEN', `only an admin may ${action}`, { subject: principal.subject });
}

/** Admins reach every customer; a customer only itself. */
export function requireCustomerAccess(principal: Principal, customerId: string): void {
  if (principal.role === 'admin' || principal.subject === customerId) return;
  throw new KstError('KST_GATEWAY_FORBIDDEN', `customer ${principal.subject} may not act on customer ${customerId}'s data`, { subject: principal.subject, customerId });
}

/**
 * Who calls a query server, and what it may read: the HTTP gateway's rules over gRPC.
 *
 * Authentication: the `authorization: Bearer <token>` metadata must carry a token the
 * configured verifier accepts (the same key material as the gateway); none, or a bad one,
 * is UNAUTHENTICATED. A key set that cannot be fetched is UNAVAILABLE. A server without key
 * material accepts every call with full rights, which `QueryServer` allows on loopback only.
 *
 * Authorization, on what the call names or reads (wrong rights: PERMISSION_DENIED):
 * - `customer`: only its own order (the order's customerId), customer and notification
 *   keys; products are public;
 * - `admin` and `service` (the platform's own callers): everything, including
 *   `StoreQueries` (any store by name, `Range`), which no customer may call.
 *
 * A forwarding instance passes the caller's token on (never one of its own), so the owner
 * checks the same identity again.
 *
 * @example
 * ```ts
 * const authenticate = callAuthenticator({ verify });
 * const principal = await authenticate(call.metadata); // throws an UNAUTHENTICATED status error
 * requireCustomerKey(principal, order.customerId, `order ${orderId}`); // PERMISSION_DENIED for another customer
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { bearerToken, type Principal, type TokenVerifier } from '../auth/jwt.ts';
import { statusError, toServiceError } from './status.ts';

export interface CallAuthOptions {
  /** Verifies bearer tokens; without one every call is accepted with full rights. */
  readonly verify?: TokenVerifier;
}

export type CallAuthenticator = (metadata: grpc.Metadata) => Promise<Principal>;

/** The caller of a server that has no key material (loopback only). */
export const UNAUTHENTICATED_CALLER: Principal = Object.freeze({ subject: '(no authentication)', role: 'service' });

export function callAuthenticator(options: CallAuthOptions): CallAuthenticator {
  const verify = options.verify;
  if (verify === undefined) return async () => UNAUTHENTICATED_CALLER;
  return async (metadata) => {
    const header = metadata.get('authorization')[0];
    const given = bearerToken(typeof header === 'string' ? header : header?.toString('utf8'));
    if (given === undefined) throw statusError(grpc.status.UNAUTHENTICATED, 'missing "authorization: Bearer <token>" metadata');
    try {
      return await verify(given);
    } catch (error) {
      throw toServiceError(error);
    }
  };
}

/** The platform's own callers and admins read everything. */
export const isOperator = (principal: Principal): boolean => principal.role === 'admin' || principal.role === 'service';

/** A customer reaches only keys of its own (its `sub` is its customerId). */
export function requireCustomerKey(principal: Principal, customerId: string, what: string): void {
  if (isOperator(principal) || principal.subject === customerId) return;
  throw statusError(grpc.status.PERMISSION_DENIED, `customer ${principal.subject} may not read ${what}`);
}

/** Stores by name (`StoreQueries`) are for admins and the platform only. */
export function requireOperator(principal: Principal, what: string): void {
  if (isOperator(principal)) return;
  throw statusError(grpc.status.PERMISSION_DENIED, `only an admin or the platform's service identity may ${what}`);
}

/** The key a caller's stream slots are counted under. */
export const callerOf = (principal: Principal): string => `${principal.role}:${principal.subject}`;

/**
 * Authentication of query calls, when configured: the `authorization: Bearer <token>`
 * metadata must carry either the shared service token (the gateway and peers use it) or a
 * valid HS256 JWT of the platform (the same tokens the gateway takes). With neither
 * configured every call is accepted, which suits a query port bound to a private network.
 * A forwarding instance passes the caller's metadata on, so the owner checks the same token.
 *
 * @example
 * ```ts
 * const check = callAuthenticator({ token: process.env.QUERY_TOKEN });
 * check(call.metadata); // throws an UNAUTHENTICATED status error, or returns
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { timingSafeEqual, createHash } from 'node:crypto';
import { isKstError } from '../../common/errors.ts';
import { bearerToken, verifyJwt } from '../auth/jwt.ts';
import { statusError } from './status.ts';

export interface CallAuthOptions {
  /** A shared secret token; callers send it as the bearer token. */
  readonly token?: string;
  /** Accept the platform's HS256 JWTs signed with this secret. */
  readonly jwtSecret?: string;
}

export type CallAuthenticator = (metadata: grpc.Metadata) => void;

// Hashing both sides first gives equal lengths, which timingSafeEqual needs.
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function callAuthenticator(options: CallAuthOptions): CallAuthenticator {
  const token = options.token === undefined || options.token === '' ? undefined : digest(options.token);
  const jwtSecret = options.jwtSecret === undefined || options.jwtSecret === '' ? undefined : options.jwtSecret;
  if (token === undefined && jwtSecret === undefined) return () => undefined;
  return (metadata) => {
    const header = metadata.get('authorization')[0];
    const given = bearerToken(typeof header === 'string' ? header : header?.toString('utf8'));
    if (given === undefined) throw statusError(grpc.status.UNAUTHENTICATED, 'missing "authorization: Bearer <token>" metadata');
    if (token !== undefined && timingSafeEqual(digest(given), token)) return;
    if (jwtSecret !== undefined) {
      try {
        verifyJwt(given, { secret: jwtSecret });
        return;
      } catch (error) {
        if (!isKstError(error)) throw error;
        throw statusError(grpc.status.UNAUTHENTICATED, error.message);
      }
    }
    throw statusError(grpc.status.UNAUTHENTICATED, 'the bearer token is not accepted');
  };
}

/**
 * How query failures become gRPC statuses. The engine's coded errors carry the recovery a
 * caller needs, and the status code says the same to a gRPC client: a store that is
 * rebalancing, restoring or shutting down is UNAVAILABLE (retry, maybe elsewhere); a store
 * the topology does not have or a key that does not serialize is INVALID_ARGUMENT.
 *
 * @example
 * ```ts
 * try { ... } catch (error) { callback(toServiceError(error)); }
 * throw statusError(grpc.status.NOT_FOUND, 'no order o-17');
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { isKstError, type ErrorCode } from '../../common/errors.ts';

/** A gRPC status as an Error, so it can be thrown and caught like any failure. */
export interface StatusError extends Error {
  readonly code: grpc.status;
  readonly details: string;
  readonly metadata?: grpc.Metadata;
}

export function statusError(code: grpc.status, details: string): StatusError {
  const error = new Error(`${grpc.status[code]}: ${details}`) as Error & { code: grpc.status; details: string };
  error.code = code;
  error.details = details;
  return error as StatusError;
}

export function isStatusError(error: unknown): error is StatusError {
  return error instanceof Error && typeof (error as Partial<StatusError>).code === 'number' && typeof (error as Partial<StatusError>).details === 'string';
}

const BY_CODE: Partial<Record<ErrorCode, grpc.status>> = {
  KST_STREAMS_STORE_UNAVAILABLE: grpc.status.UNAVAILABLE,
  // A client that is shutting down cannot answer, but another instance can.
  KST_STREAMS_NOT_RUNNING: grpc.status.UNAVAILABLE,
  // A store closed under a read by a rebalance.
  KST_STORE_NOT_OPEN: grpc.status.UNAVAILABLE,
  KST_STREAMS_UNKNOWN_STORE: grpc.status.INVALID_ARGUMENT,
  KST_STREAMS_STORE_TYPE_MISMATCH: grpc.status.INVALID_ARGUMENT,
  KST_STREAMS_STORE_PARTITION_INVALID: grpc.status.INVALID_ARGUMENT,
  KST_STORE_NULL_KEY: grpc.status.INVALID_ARGUMENT,
  KST_SERDE_SERIALIZE: grpc.status.INVALID_ARGUMENT,
  KST_GATEWAY_AUTH_FAILED: grpc.status.UNAUTHENTICATED,
  KST_GATEWAY_AUTH_UNAVAILABLE: grpc.status.UNAVAILABLE,
  KST_GATEWAY_FORBIDDEN: grpc.status.PERMISSION_DENIED,
  KST_GATEWAY_STREAM_LIMIT: grpc.status.RESOURCE_EXHAUSTED,
};

/** Any failure of a query handler as the status to answer with; unknown failures are INTERNAL. */
export function toServiceError(error: unknown): StatusError {
  if (isStatusError(error)) return error;
  if (isKstError(error)) {
    const code = BY_CODE[error.code] ?? (error.canRetry ? grpc.status.UNAVAILABLE : grpc.status.INTERNAL);
    return statusError(code, error.message);
  }
  return statusError(grpc.status.INTERNAL, error instanceof Error ? error.message : String(error));
}

/** Statuses worth asking again (maybe another instance): the group moves, or the owner is briefly away. */
export function isRetriableStatus(code: grpc.status): boolean {
  return code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED;
}

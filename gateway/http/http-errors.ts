/**
 * One error handler for the whole HTTP API: every failure answers JSON
 * `{ statusCode, error, code, message }`. Coded errors map to their status (401, 403, 404,
 * 409, 422, 429, 503 with Retry-After for retriable ones); fastify's own errors keep theirs
 * (400 for a body that is not JSON or fails its schema, 413, 415) and get the
 * `KST_GATEWAY_REQUEST_INVALID` code when they are the client's fault; anything else is a
 * 500 whose details stay in the log.
 *
 * @example
 * ```ts
 * app.setErrorHandler(errorHandler);
 * app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'KST_GATEWAY_REQUEST_INVALID', `no route ${request.method} ${request.url}`));
 * ```
 */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isKstError, type ErrorCode } from '../../common/errors.ts';

const STATUS: Partial<Record<ErrorCode, number>> = {
  KST_GATEWAY_AUTH_FAILED: 401,
  KST_GATEWAY_FORBIDDEN: 403,
  KST_GATEWAY_REQUEST_INVALID: 400,
  KST_GATEWAY_RATE_LIMITED: 429,
  KST_GATEWAY_STREAM_LIMIT: 429,
  KST_GATEWAY_SIGN_IN_LIMITED: 429,
  KST_GATEWAY_ACCOUNT_EXISTS: 409,
  KST_GATEWAY_AUDIT_UNAVAILABLE: 503,
  KST_GATEWAY_AUTH_UNAVAILABLE: 503,
  KST_GATEWAY_IDEMPOTENCY_CONFLICT: 422,
  KST_GATEWAY_COMMAND_FAILED: 503,
  KST_GATEWAY_SEARCH_UNAVAILABLE: 503,
  KST_GATEWAY_SEARCH_FAILED: 502,
  KST_QUERY_NOT_FOUND: 404,
  KST_QUERY_INVALID: 400,
  KST_QUERY_UNAVAILABLE: 503,
  KST_QUERY_FAILED: 502,
};

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
};

export function sendError(reply: FastifyReply, statusCode: number, code: string, message: string): FastifyReply {
  if (statusCode === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(statusCode).type('application/json').send({ statusCode, error: REASONS[statusCode] ?? 'Error', code, message });
}

/** Strips the `KST_…: ` prefix the error message carries; the code has its own field. */
const bare = (message: string): string => message.replace(/^KST_[A-Z0-9_]+: /, '');

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isKstError(error)) {
    const status = STATUS[error.code] ?? (error.canRetry ? 503 : 500);
    if (status === 503 || status === 429) {
      const retryAfterMs = typeof error.details['retryAfterMs'] === 'number' ? error.details['retryAfterMs'] : 1_000;
      reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    }
    if (status >= 500) request.log.warn({ err: error }, 'request failed');
    return sendError(reply, status, error.code, bare(error.message));
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    return sendError(reply, status, 'KST_GATEWAY_REQUEST_INVALID', error.message);
  }
  request.log.error({ err: error }, 'request failed');
  return sendError(reply, 500, 'KST_GATEWAY_INTERNAL', 'internal error');
}

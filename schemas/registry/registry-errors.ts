/**
 * Turns whatever a registry call threw into one of the project's coded errors, so callers
 * branch on codes and recovery flags instead of on HTTP statuses or library classes.
 * Statuses follow the Confluent API, which Apicurio's ccompat layer mirrors: 409 is an
 * incompatible schema, 422 an invalid schema or level, 404 an unknown subject, version
 * or id. Anything else (network failures included) is a registry failure worth retrying.
 */

import { KstError } from '../../common/errors.ts';

/** A non-2xx answer, with the registry's own message (its `message` field). */
export interface RegistryFailure {
  readonly status?: number;
  readonly message: string;
}

// @kafkajs/confluent-schema-registry prefixes every HTTP error with its client id.
const CLIENT_PREFIX = /^[\w.-]+ - /;

/**
 * The coded error for a failed registry call. `operation` says what was attempted
 * ("register", "get schema"); `details` (subject, id) are kept on the error.
 *
 * @example
 * ```ts
 * try { await lib.register(...) } catch (error) { throw toRegistryError(error, 'register', { subject }) }
 * ```
 */
export function toRegistryError(error: unknown, operation: string, details: Record<string, unknown> = {}): KstError {
  if (error instanceof KstError) return error;
  const failure = describe(error);
  const all = { ...details, operation, ...(failure.status === undefined ? {} : { status: failure.status }), registryMessage: failure.message };
  const where = details['subject'] !== undefined ? ` for subject "${String(details['subject'])}"` : details['id'] !== undefined ? ` for schema id ${String(details['id'])}` : '';
  const options = { cause: error };
  switch (failure.status) {
    case 409:
      return new KstError('KST_SCHEMA_INCOMPATIBLE', `registry rejected the schema${where}: ${failure.message}`, all, options);
    case 422:
      return new KstError('KST_SCHEMA_INVALID', `registry refused the request${where} as invalid: ${failure.message}`, all, options);
    case 401:
    case 403:
      return new KstError('KST_SCHEMA_REGISTRY_AUTH', `${operation}${where}: the registry refused the credentials (HTTP ${failure.status}); check basic.auth.user.info or bearer.auth.token: ${failure.message}`, all, options);
    case 404:
      return new KstError('KST_SCHEMA_NOT_FOUND', `${operation}${where}: ${failure.message}`, all, options);
    default:
      if (failure.status === undefined && isLibraryArgumentError(error)) {
        return new KstError('KST_SCHEMA_INVALID', `${operation}${where}: ${failure.message}`, all, options);
      }
      return new KstError('KST_SCHEMA_REGISTRY', `${operation}${where} failed: ${failure.message}`, all, options);
  }
}

function describe(error: unknown): RegistryFailure {
  if (typeof error === 'object' && error !== null) {
    const { status, message } = error as { status?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message.replace(CLIENT_PREFIX, '') : String(error);
    // mappersmith reports a refused connection as status 400 with the socket error as the
    // body; that is a network failure, not a bad request.
    if (status === 400 && /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up)\b/.test(text)) {
      return { message: text };
    }
    return typeof status === 'number' ? { status, message: text } : { message: text };
  }
  return { message: String(error) };
}

// The library validates schemas locally (e.g. "Invalid name" for unnamed types) before
// any request; those are the caller's schema at fault, not the registry.
function isLibraryArgumentError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConfluentSchemaRegistryArgumentError';
}

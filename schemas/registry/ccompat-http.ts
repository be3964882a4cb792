/**
 * The few Confluent-API calls `@kafkajs/confluent-schema-registry` does not expose
 * publicly: reading and setting a subject's compatibility level, and testing a schema
 * against it. Plain `fetch`, JSON in and out, one timeout per call.
 *
 * undici (a hundred modules) is loaded on the first call, not with the registry client: a
 * restarting service finds its schemas registered and makes none of these calls.
 */

import type { Dispatcher } from 'undici';
import { KstError } from '../../common/errors.ts';
import type { RegistryConnection } from './registry-auth.ts';
import type { RegistryFailure } from './registry-errors.ts';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** One undici agent per connection that trusts a private CA. */
const agents = new WeakMap<RegistryConnection, Dispatcher>();

export interface CcompatResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * One request to the registry. Resolves with any HTTP answer (callers decide what a 404
 * means); rejects with `KST_SCHEMA_REGISTRY` only when no answer came.
 *
 * @example
 * ```ts
 * const { status, body } = await ccompatRequest(url, 'GET', `/config/${encodeURIComponent(subject)}`, undefined, 10_000);
 * ```
 */
export async function ccompatRequest(baseUrl: string, method: 'GET' | 'PUT' | 'POST', path: string, body: unknown, timeoutMs: number, connection?: RegistryConnection): Promise<CcompatResponse> {
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
  const undici = await import('undici');
  let dispatcher: Dispatcher | undefined;
  if (connection?.ca !== undefined) {
    dispatcher = agents.get(connection) ?? new undici.Agent({ connect: { ca: connection.ca } });
    agents.set(connection, dispatcher);
  }
  let response: Awaited<ReturnType<typeof undici.fetch>>;
  try {
    response = await undici.fetch(url, {
      method,
      headers: { accept: 'application/json', ...connection?.headers, ...(body === undefined ? {} : { 'content-type': CONTENT_TYPE }) },
      ...(dispatcher === undefined ? {} : { dispatcher }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new KstError('KST_SCHEMA_REGISTRY', `${method} ${url} failed: ${reason}`, { url, method }, { cause: error });
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    // Proxies answer with HTML; keep the text for the error message.
  }
  return { status: response.status, body: parsed };
}

/** The failure a non-2xx answer describes, for `toRegistryError`. */
export function failureOf(response: CcompatResponse): RegistryFailure {
  const body = response.body;
  const message = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
    ? (body as { message: string }).message
    : `HTTP ${response.status}${typeof body === 'string' ? `: ${body.slice(0, 200)}` : ''}`;
  return { status: response.status, message };
}

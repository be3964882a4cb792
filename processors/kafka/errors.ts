/**
 * Maps the client library's errors onto our coded `KstError`s. The library nests Kafka
 * protocol errors (`apiId` such as `PRODUCER_FENCED`) inside aggregate errors and
 * causes; callers above the adapter must only ever see codes whose `recovery` tells them
 * what to do, so every public adapter method funnels its failures through `toKstError`.
 */

import { KstError, type ErrorCode } from '../../common/errors.ts';

/** Protocol errors that mean another producer with our transactional id took over. */
const FENCED_PRODUCER_IDS: ReadonlySet<string> = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']);

/** Protocol errors that mean our group membership (generation) is no longer valid. */
const REBALANCE_IDS: ReadonlySet<string> = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'STALE_MEMBER_EPOCH', 'FENCED_MEMBER_EPOCH']);

/** Protocol errors of a batch the broker refused as larger than the topic's `max.message.bytes`. */
export const TOO_LARGE_IDS: ReadonlySet<string> = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

const NETWORK_CODES: ReadonlySet<string> = new Set(['PLT_KFK_NETWORK', 'PLT_KFK_TIMEOUT']);

/** Protocol errors and library codes of refused SASL credentials or mechanisms. */
const AUTHENTICATION_IDS: ReadonlySet<string> = new Set(['SASL_AUTHENTICATION_FAILED', 'UNSUPPORTED_SASL_MECHANISM', 'ILLEGAL_SASL_STATE', 'PLT_KFK_AUTHENTICATION']);

/** Node's codes of a TLS handshake that failed on the broker's certificate or protocol. */
const TLS_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
]);

/** The first security failure in an error tree: refused credentials, or a failed TLS handshake. */
export function securityFailure(error: unknown): { code: 'KST_KAFKA_AUTHENTICATION' | 'KST_KAFKA_TLS'; reason: string } | undefined {
  let found: { code: 'KST_KAFKA_AUTHENTICATION' | 'KST_KAFKA_TLS'; reason: string } | undefined;
  visit(error, new Set(), (e) => {
    if (found !== undefined) return;
    const id = typeof e.apiId === 'string' ? e.apiId : typeof e.code === 'string' ? e.code : '';
    if (AUTHENTICATION_IDS.has(id)) found = { code: 'KST_KAFKA_AUTHENTICATION', reason: id };
    else if (TLS_CODES.has(id)) found = { code: 'KST_KAFKA_TLS', reason: `${id}${typeof e.message === 'string' ? ` (${e.message})` : ''}` };
  });
  return found;
}

const SECURITY_ADVICE = {
  KST_KAFKA_AUTHENTICATION: 'the brokers refused the SASL credentials: check sasl.mechanism and sasl.jaas.config (or sasl.username / sasl.password, sasl.oauthbearer.*) against the listener',
  KST_KAFKA_TLS: 'the TLS handshake failed: check security.protocol against the listener, ssl.ca.location (the CA that signs the brokers\' certificates) and ssl.endpoint.identification.algorithm',
} as const;

interface ErrorLike {
  readonly message?: unknown;
  readonly path?: unknown;
  readonly response?: unknown;
  readonly code?: unknown;
  readonly apiId?: unknown;
  readonly errors?: unknown;
  readonly cause?: unknown;
}

function visit(error: unknown, seen: Set<unknown>, onError: (e: ErrorLike) => void): void {
  if (error === null || typeof error !== 'object' || seen.has(error)) return;
  seen.add(error);
  const e = error as ErrorLike;
  onError(e);
  if (Array.isArray(e.errors)) for (const inner of e.errors) visit(inner, seen, onError);
  visit(e.cause, seen, onError);
}

/** Every Kafka protocol error id (`apiId`) found anywhere in an error tree. */
export function protocolErrorIds(error: unknown): Set<string> {
  const ids = new Set<string>();
  visit(error, new Set(), (e) => {
    if (typeof e.apiId === 'string') ids.add(e.apiId);
  });
  return ids;
}

/** True when the error tree contains the given protocol error, e.g. `TOPIC_ALREADY_EXISTS`. */
export function hasProtocolError(error: unknown, apiId: string): boolean {
  return protocolErrorIds(error).has(apiId);
}

interface ProduceResponseLike {
  readonly responses?: ReadonlyArray<{ readonly name?: string; readonly partitionResponses?: ReadonlyArray<{ readonly index?: number }> }>;
}

/**
 * The partitions whose batch a Produce response refused as too large. The library keeps
 * the response on the aggregate error and a JSON path per partition error
 * (`/responses/<i>/partition_responses/<j>`), which together name topic and partition.
 */
export function tooLargePartitions(error: unknown): Array<{ topic: string; partition: number }> {
  const found: Array<{ topic: string; partition: number }> = [];
  visit(error, new Set(), (e) => {
    if (!Array.isArray(e.errors)) return;
    const response = e.response as ProduceResponseLike | undefined;
    for (const inner of e.errors as ErrorLike[]) {
      if (typeof inner?.apiId !== 'string' || !TOO_LARGE_IDS.has(inner.apiId) || typeof inner.path !== 'string') continue;
      const match = /^\/responses\/(\d+)\/partition_responses\/(\d+)/.exec(inner.path);
      if (match === null) continue;
      const topic = response?.responses?.[Number(match[1])];
      const partition = topic?.partitionResponses?.[Number(match[2])]?.index;
      if (topic?.name !== undefined && partition !== undefined) found.push({ topic: topic.name, partition });
    }
  });
  return found;
}

function isNetworkOnly(error: unknown): boolean {
  let network = false;
  visit(error, new Set(), (e) => {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) network = true;
  });
  return network;
}

/**
 * Wraps any failure of a library call into a `KstError`. Fencing and lost group
 * membership win over the caller's `code`, because they need a different recovery
 * (`rejoin`) than the operation's generic failure.
 *
 * @example
 * ```ts
 * try { await tx.commit(); } catch (error) { throw toKstError(error, 'KST_KAFKA_TRANSACTION', 'commit failed', { transactionalId }); }
 * ```
 */
export function toKstError(error: unknown, code: ErrorCode, message: string, details: Record<string, unknown> = {}): KstError {
  if (error instanceof KstError) return error;
  const ids = protocolErrorIds(error);
  const protocolErrors = [...ids];
  const cause = error instanceof Error ? error.message : String(error);
  const full = { ...details, ...(protocolErrors.length > 0 ? { protocolErrors } : {}) };
  if (protocolErrors.some((id) => FENCED_PRODUCER_IDS.has(id))) {
    return new KstError('KST_KAFKA_PRODUCER_FENCED', `${message}: producer fenced (${protocolErrors.join(', ')})`, full, { cause: error });
  }
  // A static member whose group.instance.id another process took: rejoining would fence that one in turn.
  if (ids.has('FENCED_INSTANCE_ID')) {
    return new KstError('KST_KAFKA_INSTANCE_FENCED', `${message}: another member took this group.instance.id (FENCED_INSTANCE_ID)`, full, { cause: error });
  }
  if (protocolErrors.some((id) => REBALANCE_IDS.has(id))) {
    return new KstError('KST_KAFKA_REBALANCE', `${message}: group membership lost (${protocolErrors.join(', ')})`, full, { cause: error });
  }
  const security = securityFailure(error);
  if (security !== undefined) {
    return new KstError(security.code, `${message}: ${SECURITY_ADVICE[security.code]} (${security.reason})`, full, { cause: error });
  }
  if (protocolErrors.some((id) => TOO_LARGE_IDS.has(id))) {
    return new KstError('KST_KAFKA_RECORD_TOO_LARGE', `${message}: the broker refused a batch as too large (${protocolErrors.join(', ')})`, full, { cause: error });
  }
  if (protocolErrors.length === 0 && isNetworkOnly(error)) {
    return new KstError('KST_KAFKA_CONNECTION', `${message}: ${cause}`, full, { cause: error });
  }
  const suffix = protocolErrors.length > 0 ? protocolErrors.join(', ') : cause;
  return new KstError(code, `${message}: ${suffix}`, full, { cause: error });
}

/** A coordinator that moved, is loading its state (after a broker restart) or is busy ending a transaction. */
const COORDINATOR_BUSY_IDS: ReadonlySet<string> = new Set(['NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'CONCURRENT_TRANSACTIONS']);

/**
 * True when a failed call may succeed as it is, later: the brokers were unreachable, or
 * every protocol error says the coordinator moved, is loading or is busy — what a broker
 * restart looks like to a client for a while.
 */
export function isTransientCoordinatorError(error: unknown): boolean {
  if (error instanceof KstError && error.code === 'KST_KAFKA_CONNECTION') return true;
  const listed = error instanceof KstError ? error.details['protocolErrors'] : undefined;
  const ids = Array.isArray(listed) ? listed.map(String) : [...protocolErrorIds(error)];
  if (ids.length === 0) return !(error instanceof KstError) && isNetworkOnly(error);
  return ids.every((id) => COORDINATOR_BUSY_IDS.has(id));
}

/**
 * Runs one library call and converts its failure. Keeps each adapter method a single
 * line of intent instead of a try/catch.
 */
export async function mapped<T>(code: ErrorCode, message: string, details: Record<string, unknown>, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKstError(error, code, message, details);
  }
}

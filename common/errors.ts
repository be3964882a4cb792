/**
 * The project's one error module. Every error the engine, the stack tooling, the
 * connectors or the gateway raise on purpose carries a stable code from `ERROR_CODES`.
 * Codes are never reused or renumbered; a retired code stays in the table with
 * `retired: true`. `test/common/errors.test.ts` checks that every code is documented
 * in `docs/errors.md`.
 *
 * `recovery` says what the caller must do to get going again, in the spirit of Kafka
 * Streams' `TaskMigratedException` / `TaskCorruptedException`:
 * - `retry`: the same call may succeed later (a transient broker or network condition);
 * - `rejoin`: the consumer group member must rejoin before going on;
 * - `restart`: the component (task, thread, connector task) must be restarted;
 * - `fix-config`: nothing works until the configuration is changed;
 * - `fix-input`: the input (a record, a request) is bad; skip or dead-letter it;
 * - `fatal`: a bug or an unrecoverable state; stop.
 */

export type Recovery = 'retry' | 'rejoin' | 'restart' | 'fix-config' | 'fix-input' | 'fatal';

interface ErrorDefinition {
  readonly recovery: Recovery;
  readonly summary: string;
  readonly retired?: true;
}

export const ERROR_CODES = {
  KST_CONFIG_INVALID: { recovery: 'fix-config', summary: 'A configuration value is missing, of the wrong type or out of range.' },
  KST_ILLEGAL_STATE_TRANSITION: { recovery: 'fatal', summary: 'A lifecycle state machine was asked for a transition its table does not allow.' },
  KST_STACK_PREREQUISITE_MISSING: { recovery: 'fix-config', summary: 'A program the local stack needs (Java, Maven) is not installed or too old.' },
  KST_STACK_PORT_IN_USE: { recovery: 'fix-config', summary: 'A port the local stack wants is taken by a process the stack did not start.' },
  KST_STACK_DOWNLOAD_FAILED: { recovery: 'retry', summary: 'Downloading a server distribution from Maven Central failed.' },
  KST_STACK_START_FAILED: { recovery: 'restart', summary: 'A local server exited or did not become healthy in time; its log names the cause.' },
  KST_KAFKA_CONNECTION: { recovery: 'retry', summary: 'The Kafka client could not reach the brokers.' },
  KST_KAFKA_AUTHENTICATION: { recovery: 'fix-config', summary: 'The brokers refused the client\'s SASL credentials or mechanism (sasl.mechanism, sasl.jaas.config or sasl.username/sasl.password, sasl.oauthbearer.*); retrying cannot help.' },
  KST_KAFKA_TLS: { recovery: 'fix-config', summary: 'The TLS handshake with a broker failed: its certificate is not signed by a trusted CA (ssl.ca.location), does not name the host (ssl.endpoint.identification.algorithm), or the listener does not speak TLS (security.protocol).' },
  KST_KAFKA_ADMIN: { recovery: 'retry', summary: 'An admin operation (create, describe or delete topics) failed.' },
  KST_KAFKA_PRODUCE: { recovery: 'retry', summary: 'Producing records failed.' },
  KST_KAFKA_TRANSACTION: { recovery: 'restart', summary: 'A transaction could not be begun, committed or aborted; the producer must be recreated and state rolled back to the last commit.' },
  KST_KAFKA_PRODUCER_FENCED: { recovery: 'rejoin', summary: 'Another producer with the same transactional id took over; this one is a zombie and must stop.' },
  KST_KAFKA_CONSUMER: { recovery: 'retry', summary: 'Fetching or committing offsets failed.' },
  KST_KAFKA_REBALANCE: { recovery: 'rejoin', summary: 'The group rebalanced while the member was working; it must rejoin and resume from committed offsets.' },
  KST_KAFKA_INSTANCE_FENCED: { recovery: 'fatal', summary: 'Another process joined the consumer group with this member\'s group.instance.id (static membership): this one is a zombie, or two instances share an id; it stops instead of rejoining.' },
  KST_KAFKA_ASSIGNOR: { recovery: 'fatal', summary: 'The custom partition assignor returned an invalid assignment or could not read member metadata.' },
  KST_SERDE_SERIALIZE: { recovery: 'fix-input', summary: 'A value could not be serialized with its serde.' },
  KST_SERDE_DESERIALIZE: { recovery: 'fix-input', summary: 'Bytes could not be deserialized with the serde (corrupt, wrong format or unknown schema).' },
  KST_SCHEMA_REGISTRY: { recovery: 'retry', summary: 'The schema registry could not be reached or answered with an error.' },
  KST_SCHEMA_REGISTRY_AUTH: { recovery: 'fix-config', summary: 'The schema registry answered 401 or 403: its credentials (basic.auth.user.info, bearer.auth.token) are missing, wrong or lack the right.' },
  KST_SCHEMA_INCOMPATIBLE: { recovery: 'fix-input', summary: 'The registry rejected a schema as incompatible with the subject\'s compatibility level.' },
  KST_SCHEMA_INVALID: { recovery: 'fix-config', summary: 'A schema given to a serde or the registry client does not parse (not valid Avro).' },
  KST_SCHEMA_NOT_FOUND: { recovery: 'fix-input', summary: 'The registry has no schema with the requested id, or no version under the requested subject.' },
  KST_TOPOLOGY_PLAN_INVALID: { recovery: 'fix-config', summary: 'A compiled topology plan is inconsistent: a node names a child, store or topic the plan does not have.' },
  KST_PROCESSOR_STORE_NOT_CONNECTED: { recovery: 'fix-config', summary: 'A processor asked for a state store it was not connected to when the topology was built.' },
  KST_PROCESSOR_UNKNOWN_CHILD: { recovery: 'fix-config', summary: 'A processor forwarded to a child name that is not one of its children.' },
  KST_PROCESSOR_SCHEDULE_INVALID: { recovery: 'fix-config', summary: 'A punctuator was scheduled with an interval that is not a positive whole number of milliseconds.' },
  KST_TASK_DESERIALIZATION_FAILED: { recovery: 'fix-input', summary: 'A record could not be deserialized (or its timestamp extracted) and the deserialization exception handler chose FAIL.' },
  KST_TASK_PROCESSING_FAILED: { recovery: 'fix-input', summary: 'A processor, punctuator or sink threw and the processing exception handler chose FAIL.' },
  KST_TASK_UNKNOWN_TOPIC: { recovery: 'fatal', summary: 'A task was given a record from a topic none of its source nodes reads.' },
  KST_TEST_DRIVER_UNKNOWN_TOPIC: { recovery: 'fix-config', summary: 'A TopologyTestDriver input topic is not read by any source of the topology.' },
  KST_TEST_DRIVER_UNKNOWN_STORE: { recovery: 'fix-config', summary: 'A TopologyTestDriver was asked for a state store the topology does not have.' },
  KST_TEST_DRIVER_NO_RECORD: { recovery: 'fatal', summary: 'A TopologyTestDriver output topic was read while empty.' },
  KST_TEST_DRIVER_NULL_KEY: { recovery: 'fix-input', summary: 'A TopologyTestDriver output record with a null key was read into a map.' },
  KST_STORE_NOT_OPEN: { recovery: 'fatal', summary: 'A state store was used before `init` or after `close`.' },
  KST_STORE_NULL_KEY: { recovery: 'fix-input', summary: 'A null or undefined key was given to a state store, which cannot hold one.' },
  KST_STORE_IO: { recovery: 'restart', summary: 'A storage engine (RocksDB, LevelDB) failed to open, read or write; the task must be restarted, its state restored if the failure persists.' },
  KST_STORE_CHECKPOINT_CORRUPT: { recovery: 'restart', summary: 'A task\'s `.checkpoint` file cannot be read; wipe the task\'s state folder and restore it from the changelog.' },
  KST_TASK_CORRUPTED: { recovery: 'restart', summary: 'A task\'s checkpoint names a changelog offset outside the log (past its end: the changelog was deleted or recreated; before its start: retention passed it), so its stores may hold state the changelog no longer has; the task\'s state folder is wiped and restored from the changelog.' },
  KST_TOPOLOGY_BUILDER_SEALED: { recovery: 'fix-config', summary: 'A DSL operator was called on a builder, stream or table after `StreamsBuilder.build()`; build the topology once, at the end.' },
  KST_TOPOLOGY_UNKNOWN_STORE: { recovery: 'fix-config', summary: 'A processor names a state store that was not added with `StreamsBuilder.addStateStore`.' },
  KST_TOPOLOGY_NAME_CONFLICT: { recovery: 'fix-config', summary: 'Two nodes, two stores or two sources of one topic share a name in one topology.' },
  KST_TOPOLOGY_SERDE_MISSING: { recovery: 'fix-config', summary: 'A node needs a key or value serde and none was given (Consumed, Produced, Grouped, Materialized, Repartitioned) nor set as a builder default.' },
  KST_TOPOLOGY_INVALID: { recovery: 'fix-config', summary: 'The DSL graph cannot be compiled: no source, an empty topic list, a stream from another builder, or an invalid option.' },
  KST_STREAMS_SOURCE_TOPIC_MISSING: { recovery: 'fix-config', summary: 'A topic the topology reads does not exist on the cluster; create it before starting the streams client.' },
  KST_STREAMS_COPARTITION_MISMATCH: { recovery: 'fix-config', summary: 'Topics that must be co-partitioned (joined, co-grouped) have different partition counts.' },
  KST_STREAMS_THREAD_FAILED: { recovery: 'restart', summary: 'A stream thread (or the worker thread running it) stopped on an error; the uncaught exception handler decides what happens next.' },
  KST_STREAMS_ASSIGNMENT_FAILED: { recovery: 'fix-config', summary: 'The group leader could not assign tasks: a source topic is missing, or co-partitioned topics have different partition counts; the client shuts down.' },
  KST_STREAMS_STORE_UNAVAILABLE: { recovery: 'retry', summary: 'An interactive query cannot be answered now: the client is starting, rebalancing or restoring, or the key\'s partition is not active (or, with stale stores allowed, not standby) here; retry, or ask the host `queryMetadataForKey` names.' },
  KST_STREAMS_NOT_RUNNING: { recovery: 'restart', summary: 'An interactive query or metadata call was made on a streams client that is shutting down, stopped or failed.' },
  KST_STREAMS_UNKNOWN_STORE: { recovery: 'fix-config', summary: 'An interactive query names a state store the topology does not have.' },
  KST_STREAMS_STORE_TYPE_MISMATCH: { recovery: 'fix-config', summary: 'An interactive query asked for a store as a type it is not (a key-value view of a window store, a timestamped view of a plain store).' },
  KST_STREAMS_STORE_PARTITION_INVALID: { recovery: 'fix-input', summary: 'An interactive query asked for a store partition the store does not have.' },
  KST_STREAMS_GLOBAL_THREAD_FAILED: { recovery: 'restart', summary: 'The global stream thread, which keeps the global stores (GlobalKTables) up to date, stopped on an error; the client shuts down.' },
  KST_TOPOLOGY_WINDOW_INVALID: { recovery: 'fix-config', summary: 'A window definition is invalid: a size, advance, gap or grace that is negative, zero or not a whole number of milliseconds, an advance larger than the size, or a store retention shorter than the window size plus grace.' },
  KST_SUPPRESS_BUFFER_FULL: { recovery: 'fix-config', summary: 'A suppression buffer configured with `shutDownWhenFull()` reached its bound; give it a larger bound or let it emit early.' },
  KST_STORE_WINDOWED_KEY_INVALID: { recovery: 'fix-input', summary: 'A window or session store was given a window time that is negative or not a whole number of milliseconds, or a key too short to hold its time suffix (most likely a changelog record of another store: give each store its own changelog topic).' },
  KST_TRANSFORM_INPUT_INVALID: { recovery: 'fix-input', summary: 'A single message transform was given a record it cannot work on: a struct or map expected and something else found, a field missing, or a value that does not cast or parse.' },
  KST_SINK_CONNECTION_FAILED: { recovery: 'retry', summary: 'A sink connector task could not reach its target system (PostgreSQL, Elasticsearch/OpenSearch) within its own retries; the worker retries the batch.' },
  KST_SINK_WRITE_FAILED: { recovery: 'restart', summary: 'A sink connector task\'s write was rejected for a reason retrying does not cure (a missing table or column without auto.create/auto.evolve, a constraint, an unexpected server answer).' },
  KST_SINK_RECORD_INVALID: { recovery: 'fix-input', summary: 'A sink connector task was given a record it cannot write (no key where the key is the id, a null value under behavior.on.null.values=fail, a malformed document); dead-letter it.' },
  KST_SOURCE_QUERY_FAILED: { recovery: 'restart', summary: 'A source connector task\'s query failed for a reason retrying does not cure (a missing table or column, a null incrementing or timestamp value), or its database stayed unreachable through connection.attempts; the task is FAILED until restarted.' },
  KST_CONNECT_CONVERSION_FAILED: { recovery: 'fix-input', summary: 'A Connect converter could not turn record bytes into Connect data (malformed JSON, a missing schema envelope under schemas.enable=true, bytes not in the Avro wire format, an unknown schema id).' },
  KST_CONNECT_TOLERANCE_EXCEEDED: { recovery: 'restart', summary: 'A record failed conversion, a transform or the sink under errors.tolerance=none, or its retries ran past errors.retry.timeout; the connector task is FAILED until restarted.' },
  KST_CONNECT_TASK_FAILED: { recovery: 'restart', summary: 'A sink connector or task threw in start, put, flush or stop; it is FAILED, with the trace in its status, until restarted through the REST API.' },
  KST_CONNECT_PLUGIN_NOT_FOUND: { recovery: 'fix-config', summary: 'connector.class, a converter, a transform or a predicate names a plugin the worker does not know.' },
  KST_CONNECT_REQUEST_INVALID: { recovery: 'fix-input', summary: 'A Connect REST request was refused (unknown connector or task, invalid config, duplicate name, offsets changed while not STOPPED); the HTTP answer carries Connect\'s status and message.' },
  KST_CONNECT_REBALANCE_IN_PROGRESS: { recovery: 'retry', summary: 'The Connect worker has not joined its cluster yet or is between assignments; the REST API answers 409 and the request may be retried.' },
  KST_CONNECT_CONFIG_UNRESOLVED: { recovery: 'fix-config', summary: 'A connector config references a config provider value (${provider:[path:]key}) the worker cannot resolve: no provider of that name in config.providers, no such variable, file, key or file in the directory, a path outside allowed.paths or a variable outside allowlist.pattern, or a file that cannot be read. The connector or task is FAILED with a trace naming the config key and the reference (never a value); fix the worker or the secret, then restart it.' },
  KST_CONNECT_AUTH_FAILED: { recovery: 'fix-input', summary: 'A Connect REST request without valid HTTP basic credentials while rest.basic.auth.users.file is set: 401 with WWW-Authenticate. Only GET / is open.' },
  KST_GATEWAY_AUTH_FAILED: { recovery: 'fix-input', summary: 'A gateway request (or a gRPC query where auth is configured) has no bearer token, or one that is malformed, badly signed, expired or without a known role; HTTP 401, gRPC UNAUTHENTICATED.' },
  KST_GATEWAY_FORBIDDEN: { recovery: 'fix-input', summary: 'The caller is authenticated but may not do this: a customer acting on another customer\'s orders or data, a customer depositing or creating or restocking products, a service token at the HTTP API; HTTP 403, gRPC PERMISSION_DENIED (a customer reading another customer\'s keys, or any store by name).' },
  KST_GATEWAY_REQUEST_INVALID: { recovery: 'fix-input', summary: 'A gateway request is malformed: not JSON, a missing field, a wrong type, a zero or negative quantity or amount, an invalid id or header; HTTP 400 with a message naming the field.' },
  KST_GATEWAY_RATE_LIMITED: { recovery: 'retry', summary: 'The caller used up its token bucket; HTTP 429 with Retry-After saying when a token is back.' },
  KST_GATEWAY_IDEMPOTENCY_CONFLICT: { recovery: 'fix-input', summary: 'An Idempotency-Key was reused with a different request (another route or body); HTTP 422. Use a new key for a new request.' },
  KST_GATEWAY_COMMAND_FAILED: { recovery: 'retry', summary: 'The gateway could not produce a command to Kafka (brokers or the schema registry unreachable); HTTP 503. Retrying with the same Idempotency-Key produces the same command.' },
  KST_GATEWAY_AUTH_UNAVAILABLE: { recovery: 'retry', summary: 'The JWKS a bearer token is verified against (GATEWAY_JWKS_URL, QUERY_AUTH_JWKS_URL) could not be fetched; HTTP 503, gRPC UNAVAILABLE.' },
  KST_GATEWAY_STREAM_LIMIT: { recovery: 'retry', summary: 'The caller (or everyone together) has as many open event streams as allowed (GET /orders/:id/events, gRPC WatchOrder); HTTP 429, gRPC RESOURCE_EXHAUSTED. Close a stream or retry later.' },
  KST_GATEWAY_ACCOUNT_EXISTS: { recovery: 'fix-input', summary: 'POST /auth/register named an email that already has an account; HTTP 409. Sign in with POST /auth/token instead.' },
  KST_GATEWAY_SIGN_IN_LIMITED: { recovery: 'retry', summary: 'Too many failed sign-ins for the account, or failed sign-ins, refreshes or registrations from the client address, within the window (GATEWAY_AUTH_MAX_FAILURES_PER_ACCOUNT, …_PER_ADDRESS, GATEWAY_AUTH_FAILURE_WINDOW_S); HTTP 429 with Retry-After.' },
  KST_GATEWAY_AUDIT_UNAVAILABLE: { recovery: 'retry', summary: 'GET /orders/:id/audit could not read the audit_log table (PostgreSQL unreachable, or the audit sink has not created the table yet); HTTP 503 with Retry-After.' },
  KST_GATEWAY_SEARCH_UNAVAILABLE: { recovery: 'retry', summary: 'GET /products could not reach the products search index (OpenSearch unreachable, answering 5xx, or slower than GATEWAY_SEARCH_TIMEOUT_MS); HTTP 503 with Retry-After.' },
  KST_GATEWAY_SEARCH_FAILED: { recovery: 'fix-config', summary: 'OpenSearch refused a product search (4xx other than a missing index: e.g. the index was mapped without the explicit products mapping, so category is not a keyword); HTTP 502. Recreate the index as npm start does (scripts/start/search-index.ts).' },
  KST_GATEWAY_INTERNAL: { recovery: 'fatal', summary: 'The gateway failed in a way it did not expect (a bug); HTTP 500, with the details in its log.' },
  KST_QUERY_NOT_FOUND: { recovery: 'fix-input', summary: 'An interactive query named a key the store does not hold (gRPC NOT_FOUND; HTTP 404 through the gateway).' },
  KST_QUERY_INVALID: { recovery: 'fix-input', summary: 'An interactive query is malformed or names a store the service does not have (gRPC INVALID_ARGUMENT).' },
  KST_QUERY_UNAVAILABLE: { recovery: 'retry', summary: 'An interactive query could not be answered by any configured instance within its retries: the group is rebalancing or restoring, or the instances are unreachable (gRPC UNAVAILABLE; HTTP 503 with Retry-After through the gateway).' },
  KST_QUERY_FAILED: { recovery: 'fatal', summary: 'A query service answered with an unexpected gRPC status (INTERNAL, UNIMPLEMENTED, ...); its message carries the status and details.' },
  KST_PLATFORM_PROCESS_FAILED: { recovery: 'restart', summary: 'A platform process (a service, the gateway, the Connect worker) exited before it was ever healthy, or with an exit code a restart cannot fix, or did not become healthy in time, or was started twice; its log file (named in the message) has the cause.' },
  KST_DEMO_GATEWAY_UNREACHABLE: { recovery: 'fix-config', summary: 'The demo could not reach the gateway (connection refused or timed out, or /health did not answer 200); start the platform or set DEMO_GATEWAY_URL.' },
  KST_DEMO_REQUEST_FAILED: { recovery: 'fix-input', summary: 'The gateway answered a demo request with a status the demo did not expect (401: the demo\'s DEMO_JWT_SECRET is not the gateway\'s secret); the message carries the gateway\'s own.' },
  KST_KAFKA_RECORD_TOO_LARGE: { recovery: 'fix-input', summary: 'An output record is larger than max.request.size, or the broker refused it (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE) as larger than the topic\'s max.message.bytes, and the production exception handler chose FAIL; the message names topic, partition and size. Raise the limits or let the handler skip (and dead-letter) such records.' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Plain data form of an error, as it crosses a thread boundary or a process. */
export interface ErrorData {
  readonly name: string;
  readonly code: ErrorCode;
  readonly message: string;
  readonly recovery: Recovery;
  readonly details: Readonly<Record<string, unknown>>;
  readonly stack?: string;
  readonly cause?: ErrorData | { readonly name: string; readonly message: string; readonly stack?: string };
}

/**
 * The base of every coded error.
 *
 * @example
 * ```ts
 * throw new KstError('KST_CONFIG_INVALID', 'config "kafka.port" must be an integer', { key: 'kafka.port' });
 * ```
 */
export class KstError extends Error {
  readonly code: ErrorCode;
  readonly recovery: Recovery;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = 'KstError';
    this.code = code;
    this.recovery = ERROR_CODES[code].recovery;
    this.details = Object.freeze({ ...details });
  }

  get canRetry(): boolean {
    return this.recovery === 'retry';
  }

  get needsRejoin(): boolean {
    return this.recovery === 'rejoin';
  }

  toData(): ErrorData {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      recovery: this.recovery,
      details: this.details,
      ...(this.stack === undefined ? {} : { stack: this.stack }),
      ...(this.cause === undefined ? {} : { cause: causeToData(this.cause) }),
    };
  }

  /** Rebuilds an error sent as data from another thread. */
  static fromData(data: ErrorData): KstError {
    const message = data.message.startsWith(`${data.code}: `) ? data.message.slice(data.code.length + 2) : data.message;
    const error = new KstError(data.code, message, { ...data.details }, data.cause === undefined ? undefined : { cause: data.cause });
    if (data.stack !== undefined) error.stack = data.stack;
    return error;
  }
}

function causeToData(cause: unknown): NonNullable<ErrorData['cause']> {
  if (cause instanceof KstError) return cause.toData();
  if (cause instanceof Error) return { name: cause.name, message: cause.message, ...(cause.stack === undefined ? {} : { stack: cause.stack }) };
  return { name: 'Error', message: String(cause) };
}

export function isKstError(error: unknown, code?: ErrorCode): error is KstError {
  return error instanceof KstError && (code === undefined || error.code === code);
}

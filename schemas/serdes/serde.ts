/**
 * The serde contract, as Kafka's `Serde<T>`: a pair of pure functions between a value and
 * the bytes of a record key or value. Pure means no I/O and no awaiting: the stream runtime
 * calls them for thousands of records per batch, synchronously. Serdes that need a look-up
 * first (a schema registry) also implement {@link PreparableSerde}, whose async `prepare`
 * the runtime awaits once per batch before the synchronous calls.
 *
 * `null` always passes through both ways, because a null value is a tombstone (a delete in
 * a compacted topic or a KTable) and a null key is a legal unkeyed record.
 */

import { KstError } from '../../common/errors.ts';

/**
 * Record headers as serdes see them. Kafka header keys are strings; the Kafka adapter
 * decodes them before records reach a serde.
 */
export type SerdeHeaders = ReadonlyMap<string, Buffer>;

/**
 * Converts values of type `T` to bytes and back.
 *
 * @example
 * ```ts
 * const serde: Serde<string> = Serdes.String();
 * const bytes = serde.serialize('orders.events', 'hello'); // <Buffer 68 65 6c 6c 6f>
 * serde.deserialize('orders.events', bytes);               // 'hello'
 * serde.deserialize('orders.events', null);                // null (tombstone)
 * ```
 */
export interface Serde<T> {
  /** Throws `KST_SERDE_SERIALIZE` when the value cannot be written. */
  serialize(topic: string, value: T | null, headers?: SerdeHeaders): Buffer | null;
  /** Throws `KST_SERDE_DESERIALIZE` when the bytes cannot be read. */
  deserialize(topic: string, bytes: Buffer | null, headers?: SerdeHeaders): T | null;
}

/**
 * A serde whose `deserialize` needs schemas that are fetched asynchronously. The runtime
 * awaits `prepare` with the raw bytes of a whole fetched batch, then deserializes each
 * record synchronously. `prepare` must be cheap when everything is cached already: it is
 * called for every batch.
 *
 * @example
 * ```ts
 * if (isPreparableSerde(valueSerde)) await valueSerde.prepare(topic, batch.map((r) => r.value));
 * const values = batch.map((r) => valueSerde.deserialize(topic, r.value));
 * ```
 */
export interface PreparableSerde<T> extends Serde<T> {
  prepare(topic: string, batch: Iterable<Buffer | null>): Promise<void>;
}

/** True when the serde wants an async `prepare` step before deserializing a batch. */
export function isPreparableSerde<T>(serde: Serde<T>): serde is PreparableSerde<T> {
  return typeof (serde as Partial<PreparableSerde<T>>).prepare === 'function';
}

/**
 * The coded error for bytes that cannot be read. Details carry what a dead-letter handler
 * needs to report the record without holding its bytes.
 *
 * @example
 * ```ts
 * throw deserializeError('orders.events', bytes, 'unexpected end of input', cause);
 * ```
 */
export function deserializeError(topic: string, bytes: Buffer, reason: string, cause?: unknown, extra: Record<string, unknown> = {}): KstError {
  return new KstError(
    'KST_SERDE_DESERIALIZE',
    `cannot deserialize ${bytes.length} bytes from topic "${topic}": ${reason}`,
    { topic, byteLength: bytes.length, reason, ...extra },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * The coded error for a value that cannot be written.
 *
 * @example
 * ```ts
 * throw serializeError('orders.events', 'value is not a safe integer');
 * ```
 */
export function serializeError(topic: string, reason: string, cause?: unknown, extra: Record<string, unknown> = {}): KstError {
  return new KstError(
    'KST_SERDE_SERIALIZE',
    `cannot serialize a value for topic "${topic}": ${reason}`,
    { topic, reason, ...extra },
    cause === undefined ? undefined : { cause },
  );
}

/** The message of an unknown thrown value, for the `reason` of a coded error. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

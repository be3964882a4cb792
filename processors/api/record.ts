/**
 * The record that flows between processors, as Kafka Streams' `Record`: immutable, with
 * key, value, timestamp (ms since the epoch) and headers. The `with*` helpers return a copy.
 *
 * @example
 * ```ts
 * const upper = withValue(record, record.value.toUpperCase());
 * context.forward(upper);
 * ```
 */

/** Record headers, in order; a key may repeat, as Kafka allows. */
export type Headers = ReadonlyArray<readonly [key: string, value: Buffer]>;

export const NO_HEADERS: Headers = Object.freeze([]);

export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: Headers;
}

export function streamRecord<K, V>(key: K, value: V, timestamp: number, headers: Headers = NO_HEADERS): StreamRecord<K, V> {
  return { key, value, timestamp, headers };
}

export function withKey<K, V, NK>(record: StreamRecord<K, V>, key: NK): StreamRecord<NK, V> {
  return { key, value: record.value, timestamp: record.timestamp, headers: record.headers };
}

export function withValue<K, V, NV>(record: StreamRecord<K, V>, value: NV): StreamRecord<K, NV> {
  return { key: record.key, value, timestamp: record.timestamp, headers: record.headers };
}

export function withTimestamp<K, V>(record: StreamRecord<K, V>, timestamp: number): StreamRecord<K, V> {
  return { key: record.key, value: record.value, timestamp, headers: record.headers };
}

export function withHeaders<K, V>(record: StreamRecord<K, V>, headers: Headers): StreamRecord<K, V> {
  return { key: record.key, value: record.value, timestamp: record.timestamp, headers };
}

/** The last value of header `key`, or undefined. */
export function lastHeader(headers: Headers, key: string): Buffer | undefined {
  for (let i = headers.length - 1; i >= 0; i--) {
    const header = headers[i];
    if (header !== undefined && header[0] === key) return header[1];
  }
  return undefined;
}

/** Where the record being processed came from; absent inside a punctuator. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

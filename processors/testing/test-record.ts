/**
 * The records tests pipe in and read out of a `TopologyTestDriver`, as Kafka Streams'
 * `TestRecord`: typed key and value (null allowed, as on a topic), timestamp and headers.
 *
 * @example
 * ```ts
 * await input.pipeRecordList([{ key: 'a', value: 1, timestamp: 1000 }, { key: 'b', value: 2 }]);
 * const record: TestRecord<string, number> = output.readRecord();
 * ```
 */

import type { Headers } from '../api/record.ts';

/** A record to pipe; timestamp and headers may be left to the input topic. */
export interface TestInputRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly timestamp?: number;
  readonly headers?: Headers;
}

/** A record read from an output topic. */
export interface TestRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly timestamp: number;
  readonly headers: Headers;
  /** The partition a custom partitioner chose; undefined when the producer's default would pick. */
  readonly partition: number | undefined;
}

/** A key and a value, as an object or as a `[key, value]` pair. */
export type TestKeyValue<K, V> = { readonly key: K | null; readonly value: V | null } | readonly [K | null, V | null];

/** A record as the driver holds it: bytes, as they would sit on the topic. */
export interface CapturedRecord {
  readonly topic: string;
  readonly partition: number | undefined;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Headers;
}

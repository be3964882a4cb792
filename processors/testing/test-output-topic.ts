/**
 * A typed handle to read what a topology wrote to one topic of a `TopologyTestDriver`, as
 * Kafka Streams' `TestOutputTopic`. Reading consumes: each record is read once. Reads are
 * synchronous; await the pipe that produced the records first.
 *
 * @example
 * ```ts
 * const counts = driver.createOutputTopic('word-counts', Serdes.String(), Serdes.Long());
 * await input.pipeInput(null, 'a b a');
 * counts.readKeyValuesToMap(); // Map { 'a' => 2, 'b' => 1 }
 * ```
 */

import { KstError } from '../../common/errors.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import { toSerdeHeaders } from '../runtime/sink-node.ts';
import type { CapturedRecord, TestRecord } from './test-record.ts';

export interface TestKeyValueResult<K, V> {
  readonly key: K | null;
  readonly value: V | null;
}

export class TestOutputTopic<K, V> {
  readonly name: string;
  readonly #queue: CapturedRecord[];
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;

  /** Made by `TopologyTestDriver.createOutputTopic`; `queue` is the driver's capture of the topic. */
  constructor(queue: CapturedRecord[], name: string, keySerde: Serde<K>, valueSerde: Serde<V>) {
    this.#queue = queue;
    this.name = name;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
  }

  isEmpty(): boolean {
    return this.#queue.length === 0;
  }

  getQueueSize(): number {
    return this.#queue.length;
  }

  /** The next record; throws `KST_TEST_DRIVER_NO_RECORD` when there is none. */
  readRecord(): TestRecord<K, V> {
    const captured = this.#queue.shift();
    if (captured === undefined) throw new KstError('KST_TEST_DRIVER_NO_RECORD', `output topic "${this.name}" is empty`, { topic: this.name });
    const headers = toSerdeHeaders(captured.headers);
    return {
      key: this.#keySerde.deserialize(this.name, captured.key, headers),
      value: this.#valueSerde.deserialize(this.name, captured.value, headers),
      timestamp: captured.timestamp,
      headers: captured.headers,
      partition: captured.partition,
    };
  }

  readKeyValue(): TestKeyValueResult<K, V> {
    const record = this.readRecord();
    return { key: record.key, value: record.value };
  }

  readValue(): V | null {
    return this.readRecord().value;
  }

  readRecordsToList(): TestRecord<K, V>[] {
    const records: TestRecord<K, V>[] = [];
    while (this.#queue.length > 0) records.push(this.readRecord());
    return records;
  }

  readKeyValuesToList(): TestKeyValueResult<K, V>[] {
    return this.readRecordsToList().map((record) => ({ key: record.key, value: record.value }));
  }

  readValuesToList(): (V | null)[] {
    return this.readRecordsToList().map((record) => record.value);
  }

  /**
   * The latest value per key, as a table would hold it. As Kafka's, a tombstone keeps the
   * key with a null value; a null key throws `KST_TEST_DRIVER_NULL_KEY`.
   */
  readKeyValuesToMap(): Map<K, V | null> {
    const map = new Map<K, V | null>();
    for (const record of this.readRecordsToList()) {
      if (record.key === null) throw new KstError('KST_TEST_DRIVER_NULL_KEY', `output topic "${this.name}" has a record with a null key; readKeyValuesToMap needs keys`, { topic: this.name });
      map.set(record.key, record.value);
    }
    return map;
  }
}

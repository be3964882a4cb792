/**
 * A typed handle to pipe records into one input topic of a `TopologyTestDriver`, as
 * Kafka Streams' `TestInputTopic`. Records without a timestamp get the topic's current
 * time, which then advances by `autoAdvanceMs`. Piping returns a promise: stores and
 * commits are asynchronous, so `await` every pipe before reading outputs or stores.
 *
 * @example
 * ```ts
 * const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.JSON<Order>(), { startTimestampMs: 0, autoAdvanceMs: 1000 });
 * await orders.pipeInput('o-1', { total: 10 });          // timestamp 0
 * await orders.pipeInput('o-2', { total: 20 });          // timestamp 1000
 * await orders.pipeInput('o-3', { total: 30 }, 99_000);  // explicit timestamp
 * ```
 */

import type { Headers } from '../api/record.ts';
import { NO_HEADERS } from '../api/record.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import { toSerdeHeaders } from '../runtime/sink-node.ts';
import type { TestInputRecord, TestKeyValue } from './test-record.ts';

/** How the driver takes one serialized record. */
export type PipeFunction = (topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers) => Promise<void>;

export interface TestInputTopicOptions {
  /** Timestamp of the first record piped without one; the driver's wall-clock time by default. */
  readonly startTimestampMs?: number;
  /** How much the topic's time advances after each record piped without a timestamp; 0 by default. */
  readonly autoAdvanceMs?: number;
}

export class TestInputTopic<K, V> {
  readonly name: string;
  readonly #pipe: PipeFunction;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  readonly #autoAdvanceMs: number;
  #currentTimeMs: number;

  /** Made by `TopologyTestDriver.createInputTopic`. */
  constructor(pipe: PipeFunction, name: string, keySerde: Serde<K>, valueSerde: Serde<V>, startTimestampMs: number, autoAdvanceMs: number) {
    this.#pipe = pipe;
    this.name = name;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#currentTimeMs = startTimestampMs;
    this.#autoAdvanceMs = autoAdvanceMs;
  }

  /** The timestamp the next record without one gets. */
  get currentTimeMs(): number {
    return this.#currentTimeMs;
  }

  /** Moves the topic's time forward (or back, with a negative value). */
  advanceTime(ms: number): void {
    this.#currentTimeMs += ms;
  }

  pipeInput(key: K | null, value: V | null, timestampMs?: number, headers: Headers = NO_HEADERS): Promise<void> {
    return this.#send(key, value, timestampMs, headers);
  }

  /** A record with a null key. */
  pipeValue(value: V | null, timestampMs?: number): Promise<void> {
    return this.#send(null, value, timestampMs, NO_HEADERS);
  }

  /** Pipes each record in order, each processed fully (and committed) before the next. */
  async pipeRecordList(records: Iterable<TestInputRecord<K, V>>): Promise<void> {
    for (const record of records) await this.#send(record.key, record.value, record.timestamp, record.headers ?? NO_HEADERS);
  }

  async pipeKeyValueList(entries: Iterable<TestKeyValue<K, V>>): Promise<void> {
    for (const entry of entries) {
      const [key, value] = isPair(entry) ? entry : [entry.key, entry.value];
      await this.#send(key, value, undefined, NO_HEADERS);
    }
  }

  async pipeValueList(values: Iterable<V | null>): Promise<void> {
    for (const value of values) await this.#send(null, value, undefined, NO_HEADERS);
  }

  async #send(key: K | null, value: V | null, timestampMs: number | undefined, headers: Headers): Promise<void> {
    let timestamp = timestampMs;
    if (timestamp === undefined) {
      timestamp = this.#currentTimeMs;
      this.#currentTimeMs += this.#autoAdvanceMs;
    }
    const serdeHeaders = toSerdeHeaders(headers);
    const keyBytes = this.#keySerde.serialize(this.name, key, serdeHeaders);
    const valueBytes = this.#valueSerde.serialize(this.name, value, serdeHeaders);
    await this.#pipe(this.name, keyBytes, valueBytes, timestamp, headers);
  }
}

function isPair<K, V>(entry: TestKeyValue<K, V>): entry is readonly [K | null, V | null] {
  return Array.isArray(entry);
}

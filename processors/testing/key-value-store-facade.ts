/**
 * A plain key-value view of a timestamped store, as Kafka Streams' `KeyValueStoreFacade`:
 * tests of KTables read counts as numbers, not `{ value, timestamp }`. Writes through the
 * facade stamp the driver's wall-clock time.
 *
 * @example
 * ```ts
 * const counts = driver.getKeyValueStore<string, number>('counts'); // a KTable's store
 * await counts.get('a'); // 2, where getTimestampedKeyValueStore gives { value: 2, timestamp: 1000 }
 * ```
 */

import { then, type Awaitable } from '../../common/awaitable.ts';
import type { KeyValueStore } from '../../state/api/key-value-store.ts';
import type { KeyValue, StateStoreContext } from '../../state/api/state-store.ts';
import type { TimestampedKeyValueStore, ValueAndTimestamp } from '../../state/api/timestamped.ts';

const valueOf = <V>(entry: ValueAndTimestamp<V> | undefined): V | undefined => entry?.value;

export class KeyValueStoreFacade<K, V> implements KeyValueStore<K, V> {
  readonly #inner: TimestampedKeyValueStore<K, V>;
  readonly #now: () => number;

  constructor(inner: TimestampedKeyValueStore<K, V>, now: () => number) {
    this.#inner = inner;
    this.#now = now;
  }

  get name(): string {
    return this.#inner.name;
  }

  get persistent(): boolean {
    return this.#inner.persistent;
  }

  init(context: StateStoreContext): Promise<void> {
    return this.#inner.init(context);
  }

  flush(): Promise<void> {
    return this.#inner.flush();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  isOpen(): boolean {
    return this.#inner.isOpen();
  }

  get(key: K): Awaitable<V | undefined> {
    return then(this.#inner.get(key), valueOf);
  }

  async *range(from?: K, to?: K): AsyncIterable<KeyValue<K, V>> {
    for await (const entry of this.#inner.range(from, to)) yield { key: entry.key, value: entry.value.value };
  }

  all(): AsyncIterable<KeyValue<K, V>> {
    return this.range();
  }

  approximateNumEntries(): Promise<number> {
    return this.#inner.approximateNumEntries();
  }

  put(key: K, value: V): void {
    this.#inner.put(key, { value, timestamp: this.#now() });
  }

  putAll(entries: Iterable<KeyValue<K, V>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  putIfAbsent(key: K, value: V): Awaitable<V | undefined> {
    return then(this.#inner.putIfAbsent(key, { value, timestamp: this.#now() }), valueOf);
  }

  delete(key: K): Awaitable<V | undefined> {
    return then(this.#inner.delete(key), valueOf);
  }

  prefetch(keys: readonly K[]): Promise<void> {
    return this.#inner.prefetch(keys);
  }
}

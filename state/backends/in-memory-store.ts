/**
 * The in-memory bytes store, as Kafka Streams' `InMemoryKeyValueStore`: every read is
 * synchronous, nothing survives `close`, and a task that hosts it restores it from the
 * changelog's beginning (it is not `persistent`, so it has no checkpoint).
 *
 * @example
 * ```ts
 * const store = Stores.inMemoryKeyValueStore('sessions').get();
 * await store.init(context);
 * store.put(Buffer.from('a'), Buffer.from('1'));
 * store.get(Buffer.from('a')); // <Buffer 31>, not a promise
 * ```
 */

import type { BytesWrite, KeyValueBytesStore } from '../api/bytes-store.ts';
import type { RestoreRecord } from '../api/restorable.ts';
import type { KeyValue, StateStoreContext } from '../api/state-store.ts';
import { keyString, notOpen } from '../internals/bytes.ts';
import { SortedBytesMap } from '../internals/sorted-bytes-map.ts';

export class InMemoryKeyValueStore implements KeyValueBytesStore {
  readonly name: string;
  readonly persistent = false;
  readonly changelogTopic = undefined;
  readonly #map = new SortedBytesMap();
  #open = false;

  constructor(name: string) {
    this.name = name;
  }

  async init(_context: StateStoreContext): Promise<void> {
    this.#open = true;
  }

  isOpen(): boolean {
    return this.#open;
  }

  get(key: Buffer): Buffer | undefined {
    if (!this.#open) throw notOpen(this.name);
    return this.#map.get(keyString(key))?.value;
  }

  async getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    return keys.map((key) => this.get(key));
  }

  put(key: Buffer, value: Buffer | null): void {
    if (!this.#open) throw notOpen(this.name);
    if (value === null) this.#map.delete(keyString(key));
    else this.#map.set(keyString(key), { key, value });
  }

  putAll(writes: Iterable<BytesWrite>): void {
    for (const write of writes) this.put(write.key, write.value);
  }

  async *range(from?: Buffer, to?: Buffer): AsyncGenerator<KeyValue<Buffer, Buffer>> {
    if (!this.#open) throw notOpen(this.name);
    for (const entry of this.#map.range(from, to)) yield entry;
  }

  all(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.range();
  }

  async approximateNumEntries(): Promise<number> {
    return this.#map.size;
  }

  async prefetch(_keys: readonly Buffer[]): Promise<void> {
    // Every get is already synchronous.
  }

  async restoreBatch(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    for (const record of records) this.put(record.key, record.value);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.#map.clear();
    this.#open = false;
  }
}

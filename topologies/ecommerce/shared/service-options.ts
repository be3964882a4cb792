/**
 * What every service's topology function takes: the topic names (prefixed in tests), the
 * serdes, and where its stores live. Kept small so a test builds a service in one line.
 *
 * @example
 * ```ts
 * const topology = buildCustomerTopology({ topics: prefixedTopics(''), serdes, storeKind: 'in_memory' });
 * ```
 */

import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import type { KeyValue } from '../../../state/api/state-store.ts';
import type { KeyValueStoreBuilder } from '../../../state/key-value-store-builder.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Stores } from '../../../state/stores.ts';
import type { TopicNames } from '../contracts/topics.ts';
import type { EcommerceSerdes } from '../serdes.ts';

/** RocksDB for the services; memory for tests, where it is faster and nothing must survive. */
export type StoreKind = 'persistent' | 'in_memory';

export interface ServiceOptions {
  readonly topics: TopicNames;
  readonly serdes: EcommerceSerdes;
  /** `persistent` by default. */
  readonly storeKind?: StoreKind;
}

/**
 * A key-value store of JSON values keyed by strings, changelogged (so it is restored after
 * a crash and moves with its task), with the DSL's record cache.
 *
 * @example
 * ```ts
 * builder.addStateStore(jsonStore<OrderView>('orders', 'persistent'));
 * ```
 */
export function jsonStore<V>(name: string, kind: StoreKind = 'persistent'): KeyValueStoreBuilder<string, V> {
  const supplier = kind === 'persistent' ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
  return Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.JSON<V>());
}

/** Every entry with `from <= key <= to`, collected (ranges here are small: due deadlines). */
export async function rangeOf<V>(store: KeyValueStore<string, V>, from: string, to: string): Promise<KeyValue<string, V>[]> {
  const entries: KeyValue<string, V>[] = [];
  for await (const entry of store.range(from, to)) entries.push(entry);
  return entries;
}

/**
 * A key that sorts by time: the zero-padded time, then the id, so a range scan up to
 * `timeKey(now, '\uffff')` finds everything due.
 */
export function timeKey(atMs: number, id: string): string {
  return `${String(Math.max(0, Math.floor(atMs))).padStart(15, '0')}|${id}`;
}

/** The id part of a `timeKey`. */
export function idOfTimeKey(key: string): string {
  return key.slice(key.indexOf('|') + 1);
}

/** Keeps the last `limit` entries of a list, for bounded "recently seen" id lists. */
export function keepLast<T>(list: readonly T[], item: T, limit: number): T[] {
  const next = [...list, item];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

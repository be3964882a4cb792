/**
 * The shapes a store can be queried as, as Kafka Streams' `QueryableStoreTypes`. A DSL
 * store keeps `ValueAndTimestamp` values; `keyValueStore()` / `windowStore()` unwrap
 * them to plain values, as Kafka's do, and the `timestamped…` types give both.
 *
 * @example
 * ```ts
 * const counts = streams.store({ storeName: 'counts', queryableStoreType: QueryableStoreTypes.keyValueStore<string, number>() });
 * await counts.get('alpha'); // 42
 * const stamped = streams.store({ storeName: 'counts', queryableStoreType: QueryableStoreTypes.timestampedKeyValueStore<string, number>() });
 * await stamped.get('alpha'); // { value: 42, timestamp: 1767225600000 }
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import type { ReadOnlyKeyValueStore } from '../../../state/api/key-value-store.ts';
import type { ReadOnlySessionStore } from '../../../state/api/session-store.ts';
import type { ValueAndTimestamp } from '../../../state/api/timestamped.ts';
import type { ReadOnlyWindowStore } from '../../../state/api/window-store.ts';
import { KeyValueView } from './key-value-view.ts';
import { SessionView } from './session-view.ts';
import type { QueryableStoreType, StoreInstances, StoreShape, ValueMapper } from './store-instances.ts';
import { WindowView } from './window-view.ts';

export type { QueryableStoreType, StoreInstances, StoreShape, ValueMapper } from './store-instances.ts';

/** How values of a store are shown through a view: unwrapped for plain views of timestamped stores. */
export function valueMapper(storeTimestamped: boolean, viewTimestamped: boolean, storeName: string): ValueMapper {
  if (viewTimestamped && !storeTimestamped) {
    throw new KstError('KST_STREAMS_STORE_TYPE_MISMATCH', `store "${storeName}" keeps plain values; query it with keyValueStore()/windowStore(), not a timestamped type`, { store: storeName });
  }
  if (storeTimestamped && !viewTimestamped) return (value) => (value === undefined || value === null ? value : (value as ValueAndTimestamp<unknown>).value);
  return (value) => value;
}

function type<T>(shape: StoreShape, timestamped: boolean, create: (instances: StoreInstances, mapValue: ValueMapper) => T): QueryableStoreType<T> {
  return Object.freeze({ shape, timestamped, create });
}

export const QueryableStoreTypes = Object.freeze({
  keyValueStore: <K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, V>> => type('keyValue', false, (i, m) => new KeyValueView<K, V>(i, m)),
  timestampedKeyValueStore: <K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>> => type('keyValue', true, (i, m) => new KeyValueView<K, ValueAndTimestamp<V>>(i, m)),
  windowStore: <K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, V>> => type('window', false, (i, m) => new WindowView<K, V>(i, m)),
  timestampedWindowStore: <K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, ValueAndTimestamp<V>>> => type('window', true, (i, m) => new WindowView<K, ValueAndTimestamp<V>>(i, m)),
  sessionStore: <K, V>(): QueryableStoreType<ReadOnlySessionStore<K, V>> => type('session', false, (i, m) => new SessionView<K, V>(i, m)),
});

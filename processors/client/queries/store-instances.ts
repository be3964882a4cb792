/**
 * What a read-only store view works on: the local copies of one store that a query may
 * read, resolved again on every call (stores move between instances at rebalances), and
 * the checks every view makes of them. A copy closed under a view's feet (its task
 * migrated) surfaces as the retriable `KST_STREAMS_STORE_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * for (const instance of instances.forKey('alpha')) {
 *   requireShape(instance.store, 'keyValue', instances.storeName);
 *   const value = await guarded(instances.storeName, () => (instance.store as KeyValueStore<string, number>).get('alpha'));
 * }
 * ```
 */

import { KstError, isKstError } from '../../../common/errors.ts';
import type { ReadOnlyKeyValueStore } from '../../../state/api/key-value-store.ts';
import type { ReadOnlySessionStore } from '../../../state/api/session-store.ts';
import type { StateStore } from '../../../state/api/state-store.ts';
import type { ReadOnlyWindowStore } from '../../../state/api/window-store.ts';
import type { LocalStoreInstance } from '../../runtime/thread/thread-stores.ts';

export type StoreShape = 'keyValue' | 'window' | 'session';

/** The local copies a view reads, resolved again on every call (stores move between rebalances). */
export interface StoreInstances {
  readonly storeName: string;
  /** Every local copy the query may read; throws the retriable `KST_STREAMS_STORE_UNAVAILABLE` when there is none. */
  all(): LocalStoreInstance[];
  /**
   * The copy holding `key`'s partition (a list of one); every copy when the key cannot be
   * routed (the store is keyed otherwise than its input). Throws the retriable error when
   * the key's partition is not here.
   */
  forKey(key: unknown): LocalStoreInstance[];
  /** The key's bytes for ordering merged ranges; undefined when there is no serde to tell. */
  keyBytes(key: unknown): Buffer | undefined;
}

/** Turns stored values into what the view returns (unwrapping `ValueAndTimestamp`, or not). */
export type ValueMapper = (value: unknown) => unknown;

export interface QueryableStoreType<T> {
  readonly shape: StoreShape;
  /** True when the view returns `ValueAndTimestamp` values. */
  readonly timestamped: boolean;
  create(instances: StoreInstances, mapValue: ValueMapper): T;
}

const SHAPE_TEST: Readonly<Record<StoreShape, (store: StateStore) => boolean>> = {
  keyValue: (s) => typeof (s as Partial<ReadOnlyKeyValueStore<unknown, unknown>>).get === 'function' && typeof (s as Partial<ReadOnlyKeyValueStore<unknown, unknown>>).range === 'function',
  window: (s) => typeof (s as Partial<ReadOnlyWindowStore<unknown, unknown>>).fetchRange === 'function',
  session: (s) => typeof (s as Partial<ReadOnlySessionStore<unknown, unknown>>).findSessions === 'function',
};

/**
 * The read methods of each shape, and what each answers: one value, or entries (an
 * async iterable). A store copy on a worker thread is read through exactly these.
 */
export const STORE_METHODS: Readonly<Record<StoreShape, Readonly<Record<string, 'value' | 'entries'>>>> = {
  keyValue: { get: 'value', range: 'entries', all: 'entries', approximateNumEntries: 'value' },
  window: { fetch: 'value', fetchRange: 'entries', fetchKeyRange: 'entries', fetchAll: 'entries', all: 'entries' },
  session: { findSessions: 'entries', fetchSession: 'value', fetch: 'entries' },
};

/** The shape a store can be queried as; undefined for a store of none (a Processor API store of its own kind). */
export function shapeOf(store: StateStore): StoreShape | undefined {
  return (Object.keys(SHAPE_TEST) as StoreShape[]).find((s) => SHAPE_TEST[s](store));
}

/** Throws `KST_STREAMS_STORE_TYPE_MISMATCH` when `store` is not of `shape`. */
export function requireShape(store: StateStore, shape: StoreShape, storeName: string): void {
  if (SHAPE_TEST[shape](store)) return;
  const actual = shapeOf(store) ?? 'unknown';
  throw new KstError('KST_STREAMS_STORE_TYPE_MISMATCH', `store "${storeName}" is a ${actual} store and cannot be queried as a ${shape} store`, { store: storeName, expected: shape, actual });
}

/** Runs a read of a store copy; a copy closed meanwhile (migrated) becomes the retriable error. */
export async function guarded<T>(storeName: string, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw migrated(storeName, error);
  }
}

/** Maps "the store is not open" to the retriable query error; anything else passes through. */
export function migrated(storeName: string, error: unknown): unknown {
  if (!isKstError(error, 'KST_STORE_NOT_OPEN')) return error;
  return new KstError('KST_STREAMS_STORE_UNAVAILABLE', `state store "${storeName}" was closed while being read: it may have migrated to another instance; retry`, { store: storeName }, { cause: error });
}

/**
 * The read-only session-store view `KafkaStreams.store()` returns for
 * `QueryableStoreTypes.sessionStore()`, as Kafka Streams' `CompositeReadOnlySessionStore`:
 * every read is of one key, so it goes to the local copy of that key's partition.
 *
 * @example
 * ```ts
 * const sessions = streams.store({ storeName: 'visits', queryableStoreType: QueryableStoreTypes.sessionStore<string, number>() });
 * for await (const { key: session, value } of sessions.fetch('user-7')) console.log(session.window.start, session.window.end, value);
 * ```
 */

import type { Awaitable } from '../../../common/awaitable.ts';
import type { ReadOnlySessionStore } from '../../../state/api/session-store.ts';
import type { KeyValue } from '../../../state/api/state-store.ts';
import type { Windowed } from '../../../state/api/windowed.ts';
import { mapValues, mergeRanges } from './merged-ranges.ts';
import { guarded, requireShape, type StoreInstances, type ValueMapper } from './store-instances.ts';

type AnySessionStore = ReadOnlySessionStore<unknown, unknown>;

export class SessionView<K, V> implements ReadOnlySessionStore<K, V> {
  readonly #instances: StoreInstances;
  readonly #mapValue: ValueMapper;

  constructor(instances: StoreInstances, mapValue: ValueMapper) {
    this.#instances = instances;
    this.#mapValue = mapValue;
  }

  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#ofKey(key, (store) => store.findSessions(key, earliestSessionEnd, latestSessionStart));
  }

  fetchSession(key: K, sessionStart: number, sessionEnd: number): Awaitable<V | undefined> {
    const copies = this.#instances.forKey(key).map((i) => this.#store(i.store));
    return (async () => {
      for (const store of copies) {
        const found = await guarded(this.#instances.storeName, () => store.fetchSession(key, sessionStart, sessionEnd));
        if (found !== undefined) return this.#mapValue(found) as V | undefined;
      }
      return undefined;
    })();
  }

  fetch(key: K): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#ofKey(key, (store) => store.fetch(key));
  }

  #ofKey(key: K, read: (store: AnySessionStore) => AsyncIterable<KeyValue<Windowed<unknown>, unknown>>): AsyncIterable<KeyValue<Windowed<K>, V>> {
    const sources = this.#instances.forKey(key).map((i) => read(this.#store(i.store)));
    return mapValues(mergeRanges(this.#instances.storeName, sources, () => undefined), this.#mapValue) as AsyncIterable<KeyValue<Windowed<K>, V>>;
  }

  #store(store: object): AnySessionStore {
    requireShape(store as never, 'session', this.#instances.storeName);
    return store as AnySessionStore;
  }
}

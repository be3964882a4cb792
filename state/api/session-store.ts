/**
 * Session stores, as Kafka Streams' `SessionStore`: aggregates per (key, session window),
 * where a session is `[start, end]` of the first and last record's timestamps and merges
 * with any session of the same key closer than the inactivity gap.
 */

import type { Awaitable } from '../../common/awaitable.ts';
import type { KeyValue, StateStore } from './state-store.ts';
import type { Windowed } from './windowed.ts';

export interface ReadOnlySessionStore<K, V> {
  /** Sessions of `key` that end at or after `earliestSessionEnd` and start at or before `latestSessionStart`, by start time. */
  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): AsyncIterable<KeyValue<Windowed<K>, V>>;
  /** The aggregate of exactly this session. */
  fetchSession(key: K, sessionStart: number, sessionEnd: number): Awaitable<V | undefined>;
  /** Every session of `key`. */
  fetch(key: K): AsyncIterable<KeyValue<Windowed<K>, V>>;
}

export interface SessionStore<K, V> extends StateStore, ReadOnlySessionStore<K, V> {
  readonly retentionMs: number;
  put(session: Windowed<K>, aggregate: V): void;
  remove(session: Windowed<K>): void;
  /** Loads the sessions of these keys that may merge with records in `[timeFrom, timeTo]`. */
  prefetch(keys: readonly K[], timeFrom: number, timeTo: number): Promise<void>;
}

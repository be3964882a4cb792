/**
 * Aggregation over `SessionWindows`, as Kafka Streams' `KStreamSessionWindowAggregate`: a
 * record at `t` finds the key's sessions that end at or after `t - gap` and start at or
 * before `t + gap`, merges them (with the merger) into one session spanning them all and
 * `t`, and folds the record in. Each merged-away session is removed and sent downstream as
 * a tombstone, then the new session is sent: a bridging record turns two sessions into
 * one, visibly. A session is closed once its end is before stream time minus grace; a
 * record whose merged session would be closed is dropped and counted.
 *
 * Session timestamps are the session's end, as in Kafka. Finding sessions is a range scan,
 * which is asynchronous.
 */

import type { ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import { NO_HEADERS, type StreamRecord } from '../../api/record.ts';
import type { SessionStore } from '../../../state/api/session-store.ts';
import type { KeyValue } from '../../../state/api/state-store.ts';
import type { CacheFlushEntry, FlushListenable } from '../../../state/api/timestamped.ts';
import type { Windowed } from '../../../state/api/windowed.ts';
import { change, type Aggregator, type Change, type Initializer } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { droppedRecords, type DroppedRecords } from '../windows/dropped-records.ts';
import type { SessionWindows } from '../windows/session-windows.ts';
import { registryOf } from '../windows/dsl-windowed-store.ts';
import { sequence } from './forward-all.ts';
import { requireStore } from './window-store-name.ts';

/** Combines the aggregates of two sessions that a record joined, as Kafka's `Merger`. */
export type Merger<K, VA> = (key: K, left: VA, right: VA) => VA;

export interface SessionAggregateOptions<K, V, VA> {
  readonly windows: SessionWindows;
  readonly initializer: Initializer<VA>;
  readonly aggregator: Aggregator<K, V, VA>;
  readonly merger: Merger<K, VA>;
  readonly processorName: string;
}

function isFlushListenable<K, V>(store: object): store is FlushListenable<K, V> {
  return typeof (store as Partial<FlushListenable<K, V>>).setFlushListener === 'function';
}

export function sessionAggregateOperator<K, V, VA>(options: SessionAggregateOptions<K, V, VA>, env: OperatorEnv): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  const storeName = requireStore(env, 'session aggregate');
  const { windows, initializer, aggregator, merger } = options;
  const sendOld = env.sendOldValues;
  return () => {
    let context!: ProcessorContext<Windowed<K>, Change<VA>>;
    let store!: SessionStore<K, VA>;
    let cached = false;
    let dropped!: DroppedRecords;

    const send = (session: Windowed<K>, newValue: VA | null, oldValue: VA | null, record: StreamRecord<K, V>) =>
      cached ? undefined : context.forward({ key: session, value: change(newValue, sendOld ? oldValue : null), timestamp: session.window.end, headers: record.headers });

    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<SessionStore<K, VA>>(storeName);
        dropped = droppedRecords(registryOf(store), { task: `${ctx.taskId.subtopology}_${ctx.taskId.partition}`, processor: options.processorName });
        if (isFlushListenable<Windowed<K>, VA>(store)) {
          cached = store.setFlushListener((entries: readonly CacheFlushEntry<Windowed<K>, VA>[]) => sequence(entries.map((entry) => () => ctx.forward({
            key: entry.key,
            value: change(entry.newValue ?? null, sendOld ? entry.oldValue ?? null : null),
            timestamp: entry.key.window.end,
            headers: entry.headers ?? NO_HEADERS,
          }))), sendOld);
        }
      },
      async process(record) {
        if (record.key === null || record.key === undefined) return dropped.record('null-key', `timestamp ${record.timestamp}`);
        if (record.value === null || record.value === undefined) return dropped.record('null-value', `timestamp ${record.timestamp}`);
        const t = record.timestamp;
        const closeTime = context.currentStreamTimeMs() - windows.graceMs;
        const merged: KeyValue<Windowed<K>, VA>[] = [];
        let aggregate = initializer();
        let start = t;
        let end = t;
        for await (const session of store.findSessions(record.key, t - windows.inactivityGapMs, t + windows.inactivityGapMs)) {
          merged.push(session);
          aggregate = merger(record.key, aggregate, session.value);
          start = Math.min(start, session.key.window.start);
          end = Math.max(end, session.key.window.end);
        }
        if (end < closeTime) {
          return dropped.record('expired-window', `session [${start}, ${end}] closed: stream time ${context.currentStreamTimeMs()}, grace ${windows.graceMs} ms, record timestamp ${t}`);
        }
        // As Kafka: unless the record made a new single-instant session, every session found
        // is removed and sent as a tombstone (even the one it grew), then the result is sent.
        if (start !== t || end !== t) {
          for (const session of merged) {
            store.remove(session.key);
            await send(session.key, null, session.value, record);
          }
        }
        aggregate = aggregator(record.key, record.value, aggregate);
        const key: Windowed<K> = { key: record.key, window: { start, end } };
        store.put(key, aggregate);
        await send(key, aggregate, null, record);
        return undefined;
      },
    };
  };
}

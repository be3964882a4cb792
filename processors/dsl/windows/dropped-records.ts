/**
 * The `dropped-records` metric of windowed operators, as Kafka Streams' task-level
 * `dropped-records-total`: a prom-client counter `kstreams_dropped_records_total`, labelled
 * by task, processor and reason (`expired-window` for a record later than its window's
 * end plus grace, `null-key` / `null-value` for records that cannot be aggregated).
 * Registered once per registry; each drop is also logged at debug (`NODE_DEBUG=kstreams`).
 *
 * @example
 * ```ts
 * const dropped = droppedRecords(registry, { task: '0_1', processor: 'KSTREAM-AGGREGATE-0000000002' });
 * dropped.record('expired-window', `window [0, 60000) closed at stream time 70000`);
 * ```
 */

import { debuglog } from 'node:util';
import { Counter, register as defaultRegistry, type Registry } from 'prom-client';

export type DropReason = 'expired-window' | 'null-key' | 'null-value';

export interface DroppedRecords {
  /** Counts one dropped record and logs why at debug. */
  record(reason: DropReason, detail: string): void;
}

type Label = 'task' | 'processor' | 'reason';

const counters = new WeakMap<Registry, Counter<Label>>();
const log = debuglog('kstreams');

function counterIn(registry: Registry): Counter<Label> {
  let counter = counters.get(registry);
  if (counter === undefined) {
    // Another copy of this module (or a test) may have registered it already: reuse that one.
    const existing = registry.getSingleMetric('kstreams_dropped_records_total') as Counter<Label> | undefined;
    counter = existing ?? new Counter<Label>({
      name: 'kstreams_dropped_records_total',
      help: 'Records dropped by windowed operators: later than their window\'s end plus grace, or without key or value.',
      labelNames: ['task', 'processor', 'reason'],
      registers: [registry],
    });
    counters.set(registry, counter);
  }
  return counter;
}

export function droppedRecords(registry: Registry | undefined, labels: { readonly task: string; readonly processor: string }): DroppedRecords {
  const counter = counterIn(registry ?? defaultRegistry);
  return {
    record(reason, detail) {
      counter.inc({ ...labels, reason });
      log('task %s processor %s dropped a record (%s): %s', labels.task, labels.processor, reason, detail);
    },
  };
}

/**
 * Local state thrown away on purpose, and said so: a log line and the counter
 * `kstreams_state_wiped_total{application_id, reason}`. Reasons:
 *
 * - `cluster-changed`: the application's state folder belongs to another Kafka cluster
 *   (or to none recorded) and was wiped at start (`state/cluster-binding.ts`);
 * - `task-corrupted`: a task's checkpoint names a changelog offset outside the log (the
 *   changelog was deleted and recreated, or retention passed it), so its stores may hold
 *   what the changelog no longer has; the task's folder was wiped and restored, as Kafka
 *   Streams does on a `TaskCorruptedException`.
 *
 * @example
 * ```ts
 * reportStateWipe({ registry, applicationId: 'orders', reason: 'task-corrupted', message: 'task 0_3: ...' });
 * ```
 */

import { Counter, type Registry } from 'prom-client';

export type StateWipeReason = 'cluster-changed' | 'task-corrupted';

const METRIC = 'kstreams_state_wiped_total';

export interface StateWipe {
  readonly registry: Registry | undefined;
  readonly applicationId: string;
  readonly reason: StateWipeReason;
  /** What was wiped and why, for the log. */
  readonly message: string;
  /** Where the line goes; console.warn by default. */
  readonly log?: (line: string) => void;
}

export function reportStateWipe(wipe: StateWipe): void {
  (wipe.log ?? console.warn)(`[state] ${wipe.message}`);
  if (wipe.registry === undefined) return;
  const counter = (wipe.registry.getSingleMetric(METRIC) as Counter<'application_id' | 'reason'> | undefined)
    ?? new Counter({ name: METRIC, help: 'Local state wiped and restored from the changelogs: its folder belonged to another cluster, or a task\'s checkpoint was outside its changelog.', labelNames: ['application_id', 'reason'], registers: [wipe.registry] });
  counter.inc({ application_id: wipe.applicationId, reason: wipe.reason });
}

/**
 * What a `StreamTask` is built from. The caller (stream thread or test driver) owns the
 * edges: where output goes, how stores find their folder and changelog, the clock, and
 * the error policy.
 */

import type { TaskId } from '../api/processor.ts';
import type { StorePlan, TopologyPlan } from '../plan/topology-plan.ts';
import type { StateStore, StateStoreContext } from '../../state/api/state-store.ts';
import type { DeadLetterCallback, DeserializationExceptionHandler, ProcessingExceptionHandler } from './exception-handlers.ts';
import type { RecordCollector } from './record-collector.ts';

/**
 * @example
 * ```ts
 * const options: StreamTaskOptions = {
 *   applicationId: 'orders-app',
 *   plan,
 *   taskId: { subtopology: 0, partition: 2 },
 *   collector,
 *   storeContext: (store, taskId) => ({ applicationId: 'orders-app', stateDir: `/var/kst/orders-app/${taskId.subtopology}_${taskId.partition}`, taskId: '0_2', partition: 2, changelog: undefined }),
 *   deadLetters: (dead) => dlq.push(dead),
 * };
 * ```
 */
export interface StreamTaskOptions {
  readonly applicationId: string;
  readonly plan: TopologyPlan;
  /** `taskId.subtopology` picks the sub-topology of the plan; `partition` is the input partition. */
  readonly taskId: TaskId;
  readonly collector: RecordCollector;
  /** The context each store of the task is initialised with. */
  readonly storeContext: (store: StorePlan, taskId: TaskId) => StateStoreContext;
  /** Global stores (GlobalKTables), readable from every processor; opened by the caller. */
  readonly globalStores?: ReadonlyMap<string, StateStore>;
  /** Wall clock in ms; `Date.now` by default, a controllable one in tests. */
  readonly clock?: () => number;
  /** `failOnError` by default. */
  readonly deserializationExceptionHandler?: DeserializationExceptionHandler;
  /** `failOnError` by default. */
  readonly processingExceptionHandler?: ProcessingExceptionHandler;
  /** Receives the records a handler chose to skip. */
  readonly deadLetters?: DeadLetterCallback;
}

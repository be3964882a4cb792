/**
 * The stream thread lifecycle, as Kafka Streams' `StreamThread.State`:
 * CREATED → STARTING → PARTITIONS_ASSIGNED (tasks created, stores restoring) → RUNNING,
 * back to PARTITIONS_REVOKED on every rebalance, and PENDING_SHUTDOWN → DEAD at the end.
 * The client derives its own state from its threads'.
 *
 * @example
 * ```ts
 * state = threadTransition(state, 'RUNNING', 'wordcount-StreamThread-1');
 * ```
 */

import { KstError } from '../../../common/errors.ts';

export type ThreadState = 'CREATED' | 'STARTING' | 'PARTITIONS_REVOKED' | 'PARTITIONS_ASSIGNED' | 'RUNNING' | 'PENDING_SHUTDOWN' | 'DEAD';

export const THREAD_TRANSITIONS: Readonly<Record<ThreadState, readonly ThreadState[]>> = Object.freeze({
  CREATED: ['STARTING', 'PENDING_SHUTDOWN'],
  STARTING: ['PARTITIONS_REVOKED', 'PARTITIONS_ASSIGNED', 'PENDING_SHUTDOWN'],
  PARTITIONS_REVOKED: ['PARTITIONS_ASSIGNED', 'PENDING_SHUTDOWN'],
  PARTITIONS_ASSIGNED: ['PARTITIONS_REVOKED', 'PARTITIONS_ASSIGNED', 'RUNNING', 'PENDING_SHUTDOWN'],
  RUNNING: ['PARTITIONS_REVOKED', 'PARTITIONS_ASSIGNED', 'PENDING_SHUTDOWN'],
  PENDING_SHUTDOWN: ['DEAD'],
  DEAD: [],
});

/** True while the thread is joining the group or restoring: its client is REBALANCING. */
export function isRebalancing(state: ThreadState): boolean {
  return state === 'STARTING' || state === 'PARTITIONS_REVOKED' || state === 'PARTITIONS_ASSIGNED';
}

export function threadTransition(from: ThreadState, to: ThreadState, threadName: string): ThreadState {
  if (from === to && to !== 'PARTITIONS_ASSIGNED') return to;
  if (!THREAD_TRANSITIONS[from].includes(to)) {
    throw new KstError('KST_ILLEGAL_STATE_TRANSITION', `stream thread ${threadName} cannot go from ${from} to ${to}`, { thread: threadName, from, to });
  }
  return to;
}

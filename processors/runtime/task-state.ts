/**
 * The task lifecycle, as Kafka Streams' `Task.State`: stores are opened (RESTORING, where
 * the thread replays changelogs), then processors start (RUNNING), then the task closes.
 * An illegal transition is a bug in the caller and throws a coded error.
 */

import { KstError } from '../../common/errors.ts';

export type TaskState = 'CREATED' | 'RESTORING' | 'RUNNING' | 'CLOSED';

const TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = Object.freeze({
  CREATED: ['RESTORING', 'CLOSED'],
  RESTORING: ['RUNNING', 'CLOSED'],
  RUNNING: ['CLOSED'],
  CLOSED: [],
});

/**
 * Returns `to` when the table allows it.
 *
 * @example
 * ```ts
 * this.#state = transition(this.#state, 'RUNNING', '0_1');
 * ```
 */
export function transition(from: TaskState, to: TaskState, taskId: string): TaskState {
  if (!TRANSITIONS[from].includes(to)) {
    throw new KstError('KST_ILLEGAL_STATE_TRANSITION', `task ${taskId} cannot go from ${from} to ${to}`, { taskId, from, to });
  }
  return to;
}

/** Throws unless the task is in `expected`; for calls that only make sense in one state. */
export function requireState(state: TaskState, expected: TaskState, taskId: string, action: string): void {
  if (state !== expected) {
    throw new KstError('KST_ILLEGAL_STATE_TRANSITION', `task ${taskId} cannot ${action} while ${state} (must be ${expected})`, { taskId, state, expected, action });
  }
}

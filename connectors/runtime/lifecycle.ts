/**
 * Connector and task lifecycles as Connect reports them in `/status`, as a state machine
 * with a transition table: a transition the table does not allow throws
 * `KST_ILLEGAL_STATE_TRANSITION` (a bug in the worker, never a user error).
 */

import { KstError } from '../../common/errors.ts';

export type ConnectState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

/** What the user asked for (`target-state-<name>` in the config topic). */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

const TRANSITIONS: Readonly<Record<ConnectState, readonly ConnectState[]>> = {
  UNASSIGNED: ['RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'RESTARTING', 'UNASSIGNED'],
  RUNNING: ['PAUSED', 'STOPPED', 'FAILED', 'RESTARTING', 'UNASSIGNED', 'RUNNING'],
  PAUSED: ['RUNNING', 'STOPPED', 'FAILED', 'RESTARTING', 'UNASSIGNED', 'PAUSED'],
  STOPPED: ['RUNNING', 'PAUSED', 'RESTARTING', 'UNASSIGNED', 'STOPPED'],
  // A failed unit only leaves FAILED through a restart or by being taken off the worker.
  FAILED: ['RESTARTING', 'UNASSIGNED', 'STOPPED', 'FAILED'],
  RESTARTING: ['RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'UNASSIGNED'],
};

export function canTransition(from: ConnectState, to: ConnectState): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * One connector's or task's state, with the trace of the failure that put it in FAILED.
 *
 * @example
 * ```ts
 * const lifecycle = new Lifecycle('orders-pg-0', (state, trace) => statusStore.putTask(id, state, trace));
 * lifecycle.transition('RUNNING');
 * lifecycle.fail(error); // FAILED, trace = error.stack
 * ```
 */
export class Lifecycle {
  readonly #id: string;
  readonly #onChange: (state: ConnectState, trace: string | null) => void;
  #state: ConnectState = 'UNASSIGNED';
  #trace: string | null = null;

  constructor(id: string, onChange: (state: ConnectState, trace: string | null) => void = () => undefined) {
    this.#id = id;
    this.#onChange = onChange;
  }

  get state(): ConnectState {
    return this.#state;
  }

  get trace(): string | null {
    return this.#trace;
  }

  transition(to: ConnectState, trace: string | null = null): void {
    if (!canTransition(this.#state, to)) {
      throw new KstError('KST_ILLEGAL_STATE_TRANSITION', `${this.#id} cannot go from ${this.#state} to ${to}`, { id: this.#id, from: this.#state, to });
    }
    this.#state = to;
    this.#trace = to === 'FAILED' ? trace : null;
    this.#onChange(to, this.#trace);
  }

  fail(error: unknown): void {
    this.transition('FAILED', traceOf(error));
  }

  /** A running unit follows a new target state: PAUSED pauses it, STARTED resumes it; other states wait for their own transitions. */
  follow(target: TargetState): void {
    if (target === 'PAUSED' && this.#state === 'RUNNING') this.transition('PAUSED');
    if (target === 'STARTED' && this.#state === 'PAUSED') this.transition('RUNNING');
  }
}

/** A Java-like trace: the stack, then each cause's, as Connect's `trace` field shows them. */
export function traceOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.stack ?? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) parts.push('Caused by: ');
  }
  return parts.join('\n').replace(/Caused by: \n/g, 'Caused by: ');
}

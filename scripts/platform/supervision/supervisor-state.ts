/**
 * The life of one supervised process (a service process, the gateway, the Connect
 * worker), with its transition table:
 *
 *     IDLE ─start→ STARTING ─healthy→ HEALTHY
 *                   │  ▲                 │
 *            exited │  │ backoff over    │ exited unexpectedly
 *                   ▼  │                 │
 *                  BACKOFF ◄─────────────┘
 *
 * STARTING and HEALTHY go to STOPPING on a shutdown (no restart follows), and STOPPING
 * to STOPPED once the process has exited. FAILED: it exited before it was ever healthy,
 * or with an exit code that says a restart cannot help (bad usage or configuration); the
 * supervisor does not restart it.
 *
 * @example
 * ```ts
 * const machine = new SupervisorStateMachine('order-0', (next, previous) => console.log(previous, '→', next));
 * machine.to('STARTING');
 * machine.to('HEALTHY');
 * machine.to('IDLE'); // throws KST_ILLEGAL_STATE_TRANSITION
 * ```
 */

import { KstError } from '../../../common/errors.ts';

export type SupervisorState = 'IDLE' | 'STARTING' | 'HEALTHY' | 'BACKOFF' | 'STOPPING' | 'STOPPED' | 'FAILED';

export const SUPERVISOR_TRANSITIONS: Readonly<Record<SupervisorState, readonly SupervisorState[]>> = Object.freeze({
  IDLE: ['STARTING', 'STOPPED'],
  STARTING: ['HEALTHY', 'BACKOFF', 'STOPPING', 'FAILED'],
  HEALTHY: ['BACKOFF', 'STOPPING', 'FAILED'],
  BACKOFF: ['STARTING', 'STOPPED'],
  STOPPING: ['STOPPED'],
  STOPPED: [],
  FAILED: ['STOPPED'],
});

export type SupervisorStateListener = (next: SupervisorState, previous: SupervisorState) => void;

export class SupervisorStateMachine {
  readonly #name: string;
  readonly #onChange: SupervisorStateListener;
  #state: SupervisorState = 'IDLE';

  constructor(name: string, onChange: SupervisorStateListener = () => undefined) {
    this.#name = name;
    this.#onChange = onChange;
  }

  get state(): SupervisorState {
    return this.#state;
  }

  /** Moves to `next`; a transition the table does not allow throws `KST_ILLEGAL_STATE_TRANSITION`. */
  to(next: SupervisorState): void {
    const previous = this.#state;
    if (!SUPERVISOR_TRANSITIONS[previous].includes(next)) {
      throw new KstError('KST_ILLEGAL_STATE_TRANSITION', `the supervisor of ${this.#name} cannot go from ${previous} to ${next}`, { from: previous, to: next, process: this.#name });
    }
    this.#state = next;
    this.#onChange(next, previous);
  }
}

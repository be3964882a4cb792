/**
 * The client lifecycle, as Kafka Streams' `KafkaStreams.State`, with its transition
 * table. RUNNING means every stream thread runs its tasks; REBALANCING means at least one
 * is joining the group or restoring state. ERROR is final: the client stopped on an
 * error it could not recover from (see `KafkaStreams.lastError`).
 *
 * @example
 * ```ts
 * const machine = new ClientStateMachine((next, previous) => console.log(previous, '→', next));
 * machine.to('REBALANCING');
 * machine.to('RUNNING');
 * ```
 */

import { KstError } from '../../common/errors.ts';

export type ClientState = 'CREATED' | 'REBALANCING' | 'RUNNING' | 'PENDING_SHUTDOWN' | 'NOT_RUNNING' | 'PENDING_ERROR' | 'ERROR';

export const CLIENT_TRANSITIONS: Readonly<Record<ClientState, readonly ClientState[]>> = Object.freeze({
  CREATED: ['REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  REBALANCING: ['RUNNING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING'],
  NOT_RUNNING: [],
  PENDING_ERROR: ['ERROR'],
  ERROR: [],
});

export type StateListener = (newState: ClientState, oldState: ClientState) => void;

export class ClientStateMachine {
  #state: ClientState = 'CREATED';
  readonly #onChange: StateListener;

  constructor(onChange: StateListener) {
    this.#onChange = onChange;
  }

  get state(): ClientState {
    return this.#state;
  }

  /** True once shutting down or stopped: thread events no longer move the state. */
  get stopping(): boolean {
    return this.#state === 'PENDING_SHUTDOWN' || this.#state === 'NOT_RUNNING' || this.#state === 'PENDING_ERROR' || this.#state === 'ERROR';
  }

  /** Moves to `next`; the same state again is a no-op, an illegal one throws `KST_ILLEGAL_STATE_TRANSITION`. */
  to(next: ClientState): void {
    const previous = this.#state;
    if (previous === next) return;
    if (!CLIENT_TRANSITIONS[previous].includes(next)) {
      throw new KstError('KST_ILLEGAL_STATE_TRANSITION', `the streams client cannot go from ${previous} to ${next}`, { from: previous, to: next });
    }
    this.#state = next;
    this.#onChange(next, previous);
  }

  /** Like `to`, but false instead of throwing: for thread events racing a shutdown. */
  tryTo(next: ClientState): boolean {
    if (this.#state === next) return true;
    if (!CLIENT_TRANSITIONS[this.#state].includes(next)) return false;
    this.to(next);
    return true;
  }
}

/**
 * The store transaction of one task (see `StoreTransaction` in `state/api`): the stream
 * thread begins it once the task's stores are restored, commits it after each Kafka
 * commit and aborts it when the Kafka transaction is lost.
 *
 * @example
 * ```ts
 * const transaction = new TaskStoreTransaction();
 * await task.initializeStores(); // stores get { ...context, transaction }
 * if (transaction.covers(persistentStoreNames)) transaction.begin();
 * // … process, flush, commit the Kafka transaction …
 * await transaction.commit();
 * ```
 */

import type { StoreTransaction, TransactionParticipant } from './api/store-transaction.ts';

export class TaskStoreTransaction implements StoreTransaction {
  readonly #participants = new Set<TransactionParticipant>();
  readonly #acknowledged = new Set<string>();
  #active = false;

  get active(): boolean {
    return this.#active;
  }

  enlist(participant: TransactionParticipant): void {
    this.#participants.add(participant);
  }

  leave(participant: TransactionParticipant): void {
    this.#participants.delete(participant);
  }

  acknowledge(storeName: string): void {
    this.#acknowledged.add(storeName);
  }

  /** True when every one of these persistent stores keeps its writes for the transaction. */
  covers(storeNames: Iterable<string>): boolean {
    for (const name of storeNames) if (!this.#acknowledged.has(name)) return false;
    return true;
  }

  /** From now on, flushes stage writes until `commit`. */
  begin(): void {
    this.#active = true;
  }

  /** The Kafka transaction committed: write every participant's staged batch. */
  async commit(): Promise<void> {
    for (const participant of [...this.#participants]) await participant.commitStaged();
  }

  /** The Kafka transaction is lost: drop what was not committed. */
  abort(): void {
    for (const participant of this.#participants) participant.abortStaged();
  }
}

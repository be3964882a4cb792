/**
 * A task's store transaction under exactly-once: the persistent stores' writes reach disk
 * only once the Kafka transaction that carries their changelog records has committed, so
 * the local state never holds an aborted write and a crash costs only the changelog's tail
 * past the last checkpoint (KIP-892's idea, with the write batch kept in memory until the
 * commit instead of a RocksDB transaction).
 *
 * Writes a store receives while the transaction is open stay in memory (readable, in
 * ranges too); `flush()` before the Kafka commit stages them; after the commit the task
 * calls `commit()`, which writes the staged batches; a lost transaction calls `abort()`,
 * which drops them. Until `begin()` (while the task restores its changelogs, which hold
 * committed records only) writes go to disk on `flush` as without a transaction.
 *
 * A disk store `enlist`s itself when it opens and leaves when it closes; a store that owns
 * other stores (the segmented stores) enlists too, so it can defer deleting an expired
 * segment until the commit. Every persistent store says which store it belongs to through
 * `acknowledge(storeName)`: the task trusts its checkpoint across a crash only when each of
 * its persistent stores did, since a store that writes on its own (a user's backend) could
 * hold aborted writes.
 */

export interface TransactionParticipant {
  /** Writes what was staged before the commit; called once the Kafka transaction committed. */
  commitStaged(): Promise<void>;
  /** Drops what was staged or written since the last commit. */
  abortStaged(): void;
}

export interface StoreTransaction {
  /** True from `begin()`: flushes stage instead of writing. */
  readonly active: boolean;
  enlist(participant: TransactionParticipant): void;
  leave(participant: TransactionParticipant): void;
  /** This persistent store keeps its writes for the transaction. */
  acknowledge(storeName: string): void;
}

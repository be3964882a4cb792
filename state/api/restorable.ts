/**
 * How the runtime restores a store from its changelog topic: it reads the changelog from
 * the checkpointed offset (or the beginning) and hands each fetched batch to
 * `restoreBatch`, which writes straight to the bytes store, past the caching and
 * change-logging layers (restoring must not log the changes again), as Kafka Streams'
 * `StateRestoreCallback`. Then it flushes the store and writes the checkpoint.
 *
 * @example
 * ```ts
 * if (isRestorableStore(store) && store.changelogTopic !== undefined) {
 *   for await (const batch of readChangelog(store.changelogTopic, partition, checkpointed)) {
 *     await store.restoreBatch(batch.map((r) => ({ key: r.key, value: r.value })));
 *   }
 *   await store.flush();
 * }
 * ```
 */

import type { StateStore } from './state-store.ts';

export interface RestoreRecord {
  readonly key: Buffer;
  /** null is a tombstone: the key was deleted. */
  readonly value: Buffer | null;
  /** The changelog record's timestamp; timestamped stores keep it in front of the value. */
  readonly timestamp?: number;
}

export interface RestorableStore {
  /** `<application.id>-<store>-changelog` once initialised with logging enabled; undefined otherwise. */
  readonly changelogTopic: string | undefined;
  /** Applies one batch of changelog records, in order, to the bytes store. */
  restoreBatch(records: ReadonlyArray<RestoreRecord>): Promise<void>;
}

export function isRestorableStore(store: StateStore): store is StateStore & RestorableStore {
  return typeof (store as Partial<RestorableStore>).restoreBatch === 'function';
}

/** The changelog topic of a store, as Kafka Streams names it. */
export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

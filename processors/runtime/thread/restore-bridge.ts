/**
 * The thread's changelog restorer: the restoration module's `ChangelogRestorer`, reading
 * read_committed under exactly-once (state must never see an aborted write), with the
 * user's global `StateRestoreListener` and the restore-progress metrics both listening.
 *
 * @example
 * ```ts
 * const restorer = createRestorer(clientConfig, true, metrics, userListener);
 * await restorer.restore(targets);
 * ```
 */

import type { KafkaClientConfig } from '../../kafka/index.ts';
import { ChangelogRestorer, type StateRestoreListener } from '../restoration/index.ts';
import type { ThreadMetrics } from './thread-metrics.ts';

export type RestoreListener = StateRestoreListener;

export function createRestorer(client: KafkaClientConfig, exactlyOnce: boolean, metrics: ThreadMetrics, user: StateRestoreListener | undefined, log?: (message: string) => void): ChangelogRestorer {
  const ends = new Map<object, bigint>();
  const listener: StateRestoreListener = {
    onRestoreStart(target, startOffset, endOffset) {
      ends.set(target, endOffset);
      metrics.restoreProgress(target.storeName, target.topic, target.partition, 0, Number(endOffset - startOffset));
      user?.onRestoreStart?.(target, startOffset, endOffset);
    },
    onBatchRestored(target, batchEndOffset, numRestored) {
      const end = ends.get(target) ?? batchEndOffset + 1n;
      metrics.restoreProgress(target.storeName, target.topic, target.partition, numRestored, Number(end - batchEndOffset - 1n));
      user?.onBatchRestored?.(target, batchEndOffset, numRestored);
    },
    onRestoreEnd(target, totalRestored) {
      ends.delete(target);
      metrics.restoreProgress(target.storeName, target.topic, target.partition, 0, 0);
      user?.onRestoreEnd?.(target, totalRestored);
    },
    onRestoreReset(target, from, to, reason) {
      user?.onRestoreReset?.(target, from, to, reason);
    },
  };
  return new ChangelogRestorer(client, { listener, isolation: exactlyOnce ? 'read_committed' : 'read_uncommitted', ...(log === undefined ? {} : { log: (message: string) => log(`[restore] ${message}`) }) });
}

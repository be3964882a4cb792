/**
 * The record cache budget of one stream thread, as Kafka Streams' `ThreadCache`: one
 * bound (`statestore.cache.max.bytes` / `cache.max.bytes.buffering` split over the
 * threads) shared by every caching store of the thread's tasks. A store that grows the
 * total past the bound evicts from itself — as Kafka Streams evicts from the named cache
 * being written — so a busy store may use what idle ones leave, instead of each store
 * getting a fixed share (which flushed the busy stores' dirty keys early, as evictions).
 *
 * @example
 * ```ts
 * const budget = new CacheBudget(10 * 1024 * 1024);
 * const context = { ...storeContext, cacheBudget: budget };
 * ```
 */

import type { RecordCacheBudget } from '../api/state-store.ts';

export class CacheBudget implements RecordCacheBudget {
  readonly maxBytes: number;
  #usedBytes = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Bytes every store of the budget holds together, by their estimates. */
  get usedBytes(): number {
    return this.#usedBytes;
  }

  /** A store's entries grew (or shrank, negative) by `bytes`. */
  add(bytes: number): void {
    this.#usedBytes += bytes;
  }

  get exceeded(): boolean {
    return this.#usedBytes > this.maxBytes;
  }
}

/**
 * Caps on long-lived streams (server-sent events, gRPC watches): at most `perCaller` open
 * at once for one caller and `total` for everyone. A stream holds a slot from `acquire`
 * until its release function runs (once; later calls do nothing). A refused acquire
 * throws `KST_GATEWAY_STREAM_LIMIT` saying which cap was hit.
 *
 * @example
 * ```ts
 * const slots = new StreamSlots({ perCaller: 10, total: 1_000 });
 * const release = slots.acquire('customer:c-1');
 * try { await stream(); } finally { release(); }
 * ```
 */

import { KstError } from '../../common/errors.ts';

export interface StreamSlotsOptions {
  readonly perCaller: number;
  readonly total: number;
  /** Callers exempt from the per-caller cap (still counted in the total), e.g. the platform's service identity. */
  readonly unlimited?: (caller: string) => boolean;
}

export class StreamSlots {
  readonly #options: StreamSlotsOptions;
  readonly #open = new Map<string, number>();
  #total = 0;

  constructor(options: StreamSlotsOptions) {
    if (!(options.perCaller >= 1) || !(options.total >= 1)) throw new RangeError('stream slots need perCaller >= 1 and total >= 1');
    this.#options = options;
  }

  /** Takes a slot for `caller`; returns the function that gives it back. */
  acquire(caller: string): () => void {
    const mine = this.#open.get(caller) ?? 0;
    if (this.#total >= this.#options.total) {
      throw new KstError('KST_GATEWAY_STREAM_LIMIT', `the server has ${this.#total} event streams open, its maximum; retry later`, { retryAfterMs: 5_000, limit: 'total' });
    }
    if (mine >= this.#options.perCaller && this.#options.unlimited?.(caller) !== true) {
      throw new KstError('KST_GATEWAY_STREAM_LIMIT', `you have ${mine} event streams open, the most one caller may have; close one first`, { retryAfterMs: 5_000, limit: 'caller' });
    }
    this.#open.set(caller, mine + 1);
    this.#total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      const left = (this.#open.get(caller) ?? 1) - 1;
      if (left === 0) this.#open.delete(caller);
      else this.#open.set(caller, left);
    };
  }

  /** Streams open now, for `caller` or in total. */
  open(caller?: string): number {
    return caller === undefined ? this.#total : this.#open.get(caller) ?? 0;
  }
}

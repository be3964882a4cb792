/**
 * What a segmented store's `prefetchRanges` loaded: for each user key, every entry with a
 * time in `[low, high]`. Inside that span the store answers gets and single-key ranges
 * from here, without I/O; an entry missing here is known absent. Every write that reaches
 * the store passes through `write`, so what is kept stays exactly what the segments hold.
 *
 * Memory is bounded by `limit` entries; past it everything is dropped and the next batch
 * prefetches again, as the key-value disk stores do.
 */

import type { KeyValue } from '../api/state-store.ts';
import { keyString } from './bytes.ts';

interface Span {
  low: number;
  high: number;
  /** By store-key string. */
  readonly entries: Map<string, KeyValue<Buffer, Buffer>>;
}

export class PrefetchedRanges {
  readonly #limit: number;
  /** By user-key string. */
  readonly #spans = new Map<string, Span>();
  #size = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** True when `[timeFrom, timeTo]` of this key is loaded. */
  covers(base: string, timeFrom: number, timeTo: number): boolean {
    const span = this.#spans.get(base);
    return span !== undefined && span.low <= timeFrom && timeTo <= span.high;
  }

  /** The entry's value, null when known absent, undefined when not loaded. */
  lookup(base: string, time: number, storeKey: string): Buffer | null | undefined {
    const span = this.#spans.get(base);
    if (span === undefined || time < span.low || time > span.high) return undefined;
    return span.entries.get(storeKey)?.value ?? null;
  }

  /** Loaded entries of one key with `from <= store key <= to`, in byte order. */
  range(base: string, from: Buffer, to: Buffer): Array<KeyValue<Buffer, Buffer>> {
    const span = this.#spans.get(base);
    if (span === undefined) return [];
    const low = keyString(from);
    const high = keyString(to);
    const selected: Array<[string, KeyValue<Buffer, Buffer>]> = [];
    for (const item of span.entries) if (item[0] >= low && item[0] <= high) selected.push(item);
    selected.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return selected.map(([, entry]) => entry);
  }

  /** Records a key's entries in `[low, high]`; joins an overlapping span of the key, else replaces it. */
  add(base: string, low: number, high: number, entries: Iterable<KeyValue<Buffer, Buffer>>): void {
    let span = this.#spans.get(base);
    if (span !== undefined && (high < span.low - 1 || low > span.high + 1)) {
      this.#size -= span.entries.size;
      span = undefined;
    }
    if (span === undefined) {
      span = { low, high, entries: new Map() };
      this.#spans.set(base, span);
    } else {
      span.low = Math.min(span.low, low);
      span.high = Math.max(span.high, high);
    }
    for (const entry of entries) {
      const id = keyString(entry.key);
      if (!span.entries.has(id)) this.#size++;
      span.entries.set(id, entry);
    }
    if (this.#size > this.#limit) this.clear();
  }

  /** Keeps a loaded span in step with a write that reached the store. */
  write(base: string, time: number, storeKey: Buffer, value: Buffer | null): void {
    const span = this.#spans.get(base);
    if (span === undefined || time < span.low || time > span.high) return;
    const id = keyString(storeKey);
    const had = span.entries.has(id);
    if (value === null) {
      if (had) {
        span.entries.delete(id);
        this.#size--;
      }
    } else {
      if (!had) this.#size++;
      span.entries.set(id, { key: storeKey, value });
    }
  }

  /** Forgets entries older than `time` (their segments were dropped) by raising the spans' low ends. */
  forgetBefore(time: number, timeOf: (storeKey: Buffer) => number): void {
    for (const span of this.#spans.values()) {
      if (span.low >= time) continue;
      span.low = time;
      for (const [id, entry] of span.entries) {
        if (timeOf(entry.key) < time) {
          span.entries.delete(id);
          this.#size--;
        }
      }
    }
  }

  clear(): void {
    this.#spans.clear();
    this.#size = 0;
  }
}

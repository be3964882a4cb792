/**
 * The in-memory backend's map: a `Map` for O(1) gets and puts, plus a key array sorted
 * lazily for ranges (Kafka Streams uses a TreeMap; here the per-record path is get/put and
 * ranges are rare, so sorting is deferred to the first range after a change).
 *
 * New keys are appended to `added`; a range sorts only those and merges them into the
 * previous sorted array, O(n + k log k). Deleted keys stay in the sorted array until the
 * next rebuild and are skipped when read. A sorted array is never mutated once built, so
 * an iterator that holds it is not disturbed by later writes.
 */

import { keyString, lowerBound, upperBound } from './bytes.ts';

export interface BytesEntry {
  readonly key: Buffer;
  readonly value: Buffer;
}

export class SortedBytesMap {
  readonly #entries = new Map<string, BytesEntry>();
  #sorted: string[] = [];
  #added: string[] = [];
  #deleted = 0;

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): BytesEntry | undefined {
    return this.#entries.get(key);
  }

  set(key: string, entry: BytesEntry): void {
    if (this.#entries.get(key) === undefined) this.#added.push(key);
    this.#entries.set(key, entry);
  }

  delete(key: string): boolean {
    if (!this.#entries.delete(key)) return false;
    this.#deleted++;
    return true;
  }

  clear(): void {
    this.#entries.clear();
    this.#sorted = [];
    this.#added = [];
    this.#deleted = 0;
  }

  /** Entries with `from <= key <= to` in byte order, read lazily. */
  *range(from: Buffer | undefined, to: Buffer | undefined): Generator<BytesEntry> {
    const sorted = this.#sortedKeys();
    const start = from === undefined ? 0 : lowerBound(sorted, keyString(from));
    const end = to === undefined ? sorted.length : upperBound(sorted, keyString(to));
    for (let i = start; i < end; i++) {
      const entry = this.#entries.get(sorted[i] as string);
      if (entry !== undefined) yield entry;
    }
  }

  #sortedKeys(): readonly string[] {
    if (this.#added.length === 0 && this.#deleted === 0) return this.#sorted;
    const entries = this.#entries;
    const added = this.#added.sort();
    const previous = this.#sorted;
    const merged: string[] = [];
    let i = 0;
    let j = 0;
    // A key deleted and put again sits in both arrays (or twice in `added`): keep one.
    const push = (key: string): void => {
      if (entries.has(key) && merged[merged.length - 1] !== key) merged.push(key);
    };
    while (i < previous.length && j < added.length) {
      const a = previous[i] as string;
      const b = added[j] as string;
      if (a <= b) {
        push(a);
        i++;
      } else {
        push(b);
        j++;
      }
    }
    while (i < previous.length) push(previous[i++] as string);
    while (j < added.length) push(added[j++] as string);
    this.#sorted = merged;
    this.#added = [];
    this.#deleted = 0;
    return merged;
  }
}

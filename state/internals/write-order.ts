/**
 * Dirty cache entries in the order of their last write, as an insertion-ordered set kept
 * by delete-and-add would hold them, but with one array push per write: each write appends
 * the entry and records the slot in it, so earlier slots of the same entry, and slots of
 * entries since cleaned, are superseded and skipped when read. Superseded slots are
 * compacted away once they outnumber live ones (plus a slack), so memory stays bounded by
 * the dirty entries, not by the writes between flushes.
 */

/** Compaction waits for this many superseded slots beyond the live count, so it stays rare on small sets. */
const SLACK = 1024;

export interface Ordered {
  /** Cleared by the owner when the entry is written down or dropped; its slots are superseded then. */
  dirty: boolean;
  /** The entry's live slot; set here. */
  slot: number;
}

export class WriteOrder<E extends Ordered> {
  #slots: E[] = [];
  #live = 0;

  /** Dirty entries. */
  get size(): number {
    return this.#live;
  }

  /** A write of `entry`, which `becameDirty` with it (it was clean, or new). */
  write(entry: E, becameDirty: boolean): void {
    if (becameDirty) this.#live++;
    entry.slot = this.#slots.push(entry) - 1;
    if (this.#slots.length > 2 * this.#live + SLACK) {
      const live = this.entries();
      for (let i = 0; i < live.length; i++) (live[i] as E).slot = i;
      this.#slots = live;
    }
  }

  /** A dirty entry went clean (the owner cleared `dirty`). */
  cleaned(): void {
    this.#live--;
  }

  /** The dirty entries, oldest write first. */
  entries(): E[] {
    const slots = this.#slots;
    const live: E[] = [];
    for (let i = 0; i < slots.length; i++) {
      const entry = slots[i] as E;
      if (entry.dirty && entry.slot === i) live.push(entry);
    }
    return live;
  }

  /** The dirty entries, oldest write first; later writes start a new order. They stay counted until cleaned. */
  take(): E[] {
    const live = this.entries();
    this.#slots = [];
    return live;
  }

  clear(): void {
    this.#slots = [];
    this.#live = 0;
  }
}

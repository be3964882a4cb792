/**
 * Range reads must see writes that have not reached the backend yet (dirty cache entries,
 * a disk store's pending write batch). Those writes are merged, in byte order, into the
 * backend's iterator: the overlay wins on an equal key, and an overlay tombstone hides the
 * backend's entry.
 */

import type { KeyValue } from '../api/state-store.ts';
import { inRange, keyString } from './bytes.ts';

export interface OverlayEntry {
  readonly key: Buffer;
  /** null: deleted, not yet written down. */
  readonly value: Buffer | null;
}

/**
 * The overlay entries whose keys lie in the range, sorted. Runs on every range call, not
 * on the per-record path, so sorting the (small) set of unflushed writes here is cheap.
 */
export function sortedOverlay<E extends OverlayEntry>(entries: Iterable<readonly [string, E]>, from: Buffer | undefined, to: Buffer | undefined, include: (entry: E) => boolean = () => true): OverlayEntry[] {
  const low = from === undefined ? undefined : keyString(from);
  const high = to === undefined ? undefined : keyString(to);
  const selected: Array<readonly [string, E]> = [];
  for (const item of entries) {
    if (include(item[1]) && inRange(item[0], low, high)) selected.push(item);
  }
  selected.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return selected.map(([, entry]) => ({ key: entry.key, value: entry.value }));
}

export async function* mergeWithOverlay(overlay: readonly OverlayEntry[], base: AsyncIterable<KeyValue<Buffer, Buffer>>): AsyncGenerator<KeyValue<Buffer, Buffer>> {
  let next = 0;
  for await (const entry of base) {
    let shadowed = false;
    while (next < overlay.length) {
      const over = overlay[next] as OverlayEntry;
      const order = Buffer.compare(over.key, entry.key);
      if (order > 0) break;
      next++;
      if (order === 0) shadowed = true;
      if (over.value !== null) yield { key: over.key, value: over.value };
    }
    if (!shadowed) yield entry;
  }
  for (; next < overlay.length; next++) {
    const over = overlay[next] as OverlayEntry;
    if (over.value !== null) yield { key: over.key, value: over.value };
  }
}

/**
 * Byte keys as map keys. A Buffer decoded as latin1 gives one UTF-16 code unit per byte,
 * each below 256, so JavaScript's string comparison of two such strings is exactly the
 * unsigned lexicographic order of the bytes (a prefix first). Memory maps and caches key
 * their entries by these strings and sort them with `<`, which is faster than
 * `Buffer.compare` on every step.
 */

import { KstError } from '../../common/errors.ts';

export function keyString(key: Buffer): string {
  return key.toString('latin1');
}

export function keyFromString(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `key` lies in the inclusive range; an undefined bound is open. */
export function inRange(key: string, from: string | undefined, to: string | undefined): boolean {
  return (from === undefined || key >= from) && (to === undefined || key <= to);
}

/** First index whose key is `>= key` in a sorted array. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First index whose key is `> key` in a sorted array. */
export function upperBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) <= key) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function notOpen(store: string): KstError {
  return new KstError('KST_STORE_NOT_OPEN', `state store "${store}" is not open`, { store });
}

export function storeIoError(store: string, operation: string, cause: unknown): KstError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new KstError('KST_STORE_IO', `state store "${store}" failed to ${operation}: ${reason}`, { store, operation }, { cause });
}

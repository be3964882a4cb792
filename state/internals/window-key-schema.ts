/**
 * How windowed keys are laid out as bytes, in the stores and on their changelogs, as Kafka
 * Streams' `WindowKeySchema` and `SessionKeySchema`:
 *
 * | store | bytes | the time segments go by |
 * |---|---|---|
 * | window | key, 8-byte window start (, 4-byte sequence number with `retainDuplicates`) | window start |
 * | session | key, 8-byte session end, 8-byte session start | session end |
 *
 * Times are big-endian and never negative, so one key's entries sort by time and one
 * iterator from `key + from` to `key + to` reads a key over a time range. Keys of one store
 * all carry the same suffix length, which is how the user key is cut back out.
 */

import { KstError } from '../../common/errors.ts';

/** Where a store's segments read the time of an entry from, and how long its suffix is. */
export interface KeySchema {
  /** Bytes after the user key. */
  readonly suffixBytes: number;
  /** The time the entry is segmented and expired by: window start, or session end. */
  timeOf(storeKey: Buffer): number;
}

export const TIME_BYTES = 8;
export const SEQ_BYTES = 4;
/** Stands for "no upper bound" in key ranges; any real millisecond timestamp is below it. */
export const MAX_TIME = Number.MAX_SAFE_INTEGER;

const TWO_32 = 2 ** 32;

/** Clamps a time into what the key layout can order (`[0, MAX_TIME]`). */
export function clampTime(time: number): number {
  return time < 0 ? 0 : time > MAX_TIME ? MAX_TIME : Math.floor(time);
}

export function writeTime(target: Buffer, offset: number, time: number): void {
  const high = Math.floor(time / TWO_32);
  target.writeUInt32BE(high, offset);
  target.writeUInt32BE(time - high * TWO_32, offset + 4);
}

export function readTime(source: Buffer, offset: number): number {
  return source.readUInt32BE(offset) * TWO_32 + source.readUInt32BE(offset + 4);
}

/** The user key's bytes of a store key. */
export function baseKey(storeKey: Buffer, schema: KeySchema): Buffer {
  return storeKey.subarray(0, storeKey.length - schema.suffixBytes);
}

/** True when `storeKey` is an entry of exactly `key` (and not of a longer key that starts with it). */
export function isEntryOf(storeKey: Buffer, key: Buffer, schema: KeySchema): boolean {
  return storeKey.length === key.length + schema.suffixBytes && storeKey.compare(key, 0, key.length, 0, key.length) === 0;
}

export function windowKeySchema(retainDuplicates: boolean): KeySchema {
  const suffixBytes = TIME_BYTES + (retainDuplicates ? SEQ_BYTES : 0);
  return Object.freeze({ suffixBytes, timeOf: (storeKey: Buffer) => readTime(storeKey, storeKey.length - suffixBytes) });
}

/** key + window start (+ sequence number when `seq` is given). */
export function windowStoreKey(key: Buffer, windowStart: number, seq?: number): Buffer {
  const bytes = Buffer.allocUnsafe(key.length + TIME_BYTES + (seq === undefined ? 0 : SEQ_BYTES));
  key.copy(bytes, 0);
  writeTime(bytes, key.length, windowStart);
  if (seq !== undefined) bytes.writeUInt32BE(seq >>> 0, key.length + TIME_BYTES);
  return bytes;
}

export const SESSION_KEY_SCHEMA: KeySchema = Object.freeze({
  suffixBytes: 2 * TIME_BYTES,
  timeOf: (storeKey: Buffer) => readTime(storeKey, storeKey.length - 2 * TIME_BYTES),
});

/** key + session end + session start: sessions of a key sort by end, which for sessions that never overlap is also by start. */
export function sessionStoreKey(key: Buffer, start: number, end: number): Buffer {
  const bytes = Buffer.allocUnsafe(key.length + 2 * TIME_BYTES);
  key.copy(bytes, 0);
  writeTime(bytes, key.length, end);
  writeTime(bytes, key.length + TIME_BYTES, start);
  return bytes;
}

export function sessionStartOf(storeKey: Buffer): number {
  return readTime(storeKey, storeKey.length - TIME_BYTES);
}

/** A bound above every store key of `key` in the store: the key followed by all-ones suffix bytes. */
export function upperBoundOf(key: Buffer, schema: KeySchema): Buffer {
  const bytes = Buffer.alloc(key.length + schema.suffixBytes, 0xff);
  key.copy(bytes, 0);
  return bytes;
}

/** Window and session times must be whole, non-negative milliseconds: the key layout orders no others. */
export function checkTime(store: string, what: string, time: number): void {
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new KstError('KST_STORE_WINDOWED_KEY_INVALID', `state store "${store}" got ${what} ${time}; it must be a whole, non-negative number of milliseconds`, { store, [what]: time });
  }
}

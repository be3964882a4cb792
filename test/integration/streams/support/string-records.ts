/**
 * String-keyed, string-valued records as the join and window tests produce and read them:
 * building producer records with explicit timestamps, decoding what an app wrote, and
 * comparing outputs as multisets (nothing missing, nothing twice) with a readable diff.
 */

import assert from 'node:assert/strict';
import type { KafkaRecord, ProducerRecord } from '../../../../processors/kafka/index.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';

const S = Serdes.String();

/** A String/String record at `timestamp` (ms); `value` null is a tombstone; without `partition` the key picks it. */
export function stringRecord(topic: string, key: string, value: string | null, timestamp: number, partition?: number): ProducerRecord {
  return { topic, key: S.serialize(topic, key), value: value === null ? null : S.serialize(topic, value), timestamp: BigInt(timestamp), ...(partition === undefined ? {} : { partition }) };
}

export interface StringOut {
  readonly key: string | null;
  readonly value: string | null;
  readonly timestamp: number;
  readonly partition: number;
}

export function decodeStrings(records: readonly KafkaRecord[]): StringOut[] {
  return records.map((r) => ({
    key: S.deserialize(r.topic, r.key) as string | null,
    value: S.deserialize(r.topic, r.value) as string | null,
    timestamp: Number(r.timestamp),
    partition: r.partition,
  }));
}

/** `key|value|timestamp`, the unit the multisets compare. */
export const triple = (key: string | null, value: string | null, timestamp: number): string => `${key}|${value}|${timestamp}`;

/**
 * Asserts that `actual` and `expected` are the same multiset. The message names what is
 * missing and what is extra (or doubled), a few of each, before the full comparison.
 */
export function assertSameMultiset(actual: readonly string[], expected: readonly string[], what: string): void {
  const counts = new Map<string, number>();
  for (const item of expected) counts.set(item, (counts.get(item) ?? 0) + 1);
  for (const item of actual) counts.set(item, (counts.get(item) ?? 0) - 1);
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [item, n] of counts) {
    if (n > 0) missing.push(`${item}${n > 1 ? ` ×${n}` : ''}`);
    if (n < 0) extra.push(`${item}${n < -1 ? ` ×${-n}` : ''}`);
  }
  assert.ok(missing.length === 0 && extra.length === 0,
    `${what}: ${actual.length} records, expected ${expected.length}; missing ${missing.length} (${missing.slice(0, 8).join(', ')}), extra or repeated ${extra.length} (${extra.slice(0, 8).join(', ')})`);
}

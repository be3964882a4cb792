/**
 * Deterministic inputs and the results the tests expect from them, computed here, in the
 * test, independently of the engine.
 */

import type { ProducerRecord } from '../../../../processors/kafka/index.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import { splitWords } from '../../../fixtures/apps/topologies.ts';

export interface KeyedNumbers {
  readonly records: ProducerRecord[];
  /** Expected final sum per key. */
  readonly sums: Map<string, number>;
  /** Sum over every value. */
  readonly total: number;
}

/**
 * `count` records over `keys` keys; record j (numbered from `first`) has key
 * `k<j mod keys>` and value `1 + (j·7919 mod 1000)`, so every value differs enough that
 * a lost or doubled record shows in the sums.
 */
export function keyedNumbers(topic: string, first: number, count: number, keys: number): KeyedNumbers {
  const S = Serdes.String();
  const L = Serdes.Long();
  const records: ProducerRecord[] = [];
  const sums = new Map<string, number>();
  let total = 0;
  for (let j = first; j < first + count; j++) {
    const key = `k${j % keys}`;
    const value = 1 + ((j * 7919) % 1000);
    records.push({ topic, key: S.serialize(topic, key), value: L.serialize(topic, value) });
    sums.set(key, (sums.get(key) ?? 0) + value);
    total += value;
  }
  return { records, sums, total };
}

/** Adds `more` into `into` (expected sums of batches produced so far). */
export function addSums(into: Map<string, number>, more: ReadonlyMap<string, number>): void {
  for (const [key, value] of more) into.set(key, (into.get(key) ?? 0) + value);
}

const VOCABULARY = [
  'kafka', 'streams', 'table', 'stream', 'state', 'store', 'topic', 'partition', 'offset', 'commit',
  'transaction', 'exactly', 'once', 'rebalance', 'task', 'thread', 'changelog', 'restore', 'window', 'join',
  'aggregate', 'count', 'reduce', 'key', 'value', 'record', 'header', 'serde', 'producer', 'consumer',
  'broker', 'leader', 'replica', 'group', 'member', 'standby', 'punctuate', 'processor', 'sink', 'source',
];

/** `count` lines of 1 to 8 words, mixed case and punctuation; keyed `line-<j>` so they spread over partitions. */
export function wordLines(topic: string, count: number): { records: ProducerRecord[]; counts: Map<string, number> } {
  const S = Serdes.String();
  const records: ProducerRecord[] = [];
  const counts = new Map<string, number>();
  for (let j = 0; j < count; j++) {
    const words: string[] = [];
    for (let i = 0; i <= j % 8; i++) {
      const word = VOCABULARY[(j * 13 + i * 7 + (j >> 3)) % VOCABULARY.length] as string;
      words.push(i % 3 === 0 ? word.toUpperCase() : word);
    }
    const line = `${words.join(j % 2 === 0 ? ' ' : ', ')}${j % 5 === 0 ? '!' : ''}`;
    for (const word of splitWords(line)) counts.set(word, (counts.get(word) ?? 0) + 1);
    records.push({ topic, key: S.serialize(topic, `line-${j}`), value: S.serialize(topic, line) });
  }
  return { records, counts };
}

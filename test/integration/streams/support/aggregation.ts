/**
 * The aggregation app's checks, shared by the crash and scale-out tests: read the sums
 * and increments topics to their ends (read_committed) and compare with what the input
 * must give, down to the order of increments per key.
 */

import assert from 'node:assert/strict';
import type { ProducerRecord } from '../../../../processors/kafka/index.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import type { AggregationTopics } from '../../../fixtures/apps/topologies.ts';
import type { StreamsHarness } from './harness.ts';
import { endOffsets, formatOffsets, latestPerKey, readToEnd } from './kafka-io.ts';

/** Values per key in production order (one key lives in one partition, so this order is kept). */
function valuesPerKey(topic: string, records: ReadonlyArray<{ key?: Buffer | null; value: Buffer | null }>): Map<string, number[]> {
  const S = Serdes.String();
  const L = Serdes.Long();
  const out = new Map<string, number[]>();
  for (const record of records) {
    const key = S.deserialize(topic, record.key ?? null) as string;
    const list = out.get(key);
    const value = L.deserialize(topic, record.value) as number;
    if (list === undefined) out.set(key, [value]);
    else list.push(value);
  }
  return out;
}

const byKey = <V>(map: ReadonlyMap<string, V>): Array<[string, V]> => [...map].sort(([a], [b]) => a.localeCompare(b));

export interface AggregationReport {
  readonly sumUpdates: number;
  readonly increments: number;
  readonly incrementsTotal: number;
}

/**
 * Exactly-once as the output shows it: the last sum per key equals the key's total; the
 * increments are the input values, each once, in input order per key; and every sum ever
 * committed is a prefix sum of its key's values (no moment where a record counted twice).
 */
export async function verifyAggregation(h: StreamsHarness, topics: AggregationTopics, partitions: number, input: readonly ProducerRecord[]): Promise<AggregationReport> {
  const expectedValues = valuesPerKey(topics.input, input);
  const expectedSums = new Map([...expectedValues].map(([key, values]) => [key, values.reduce((a, b) => a + b, 0)]));
  const expectedTotal = [...expectedSums.values()].reduce((a, b) => a + b, 0);

  const [sums, increments] = await Promise.all([readToEnd(h.client, topics.sums, partitions), readToEnd(h.client, topics.increments, partitions)]);
  const incrementValues = valuesPerKey(topics.increments, increments.records);
  const incrementsTotal = [...incrementValues.values()].flat().reduce((a, b) => a + b, 0);
  h.log(`read ${sums.records.length} sum updates and ${increments.records.length} increments (total ${incrementsTotal}, expected ${expectedTotal})`);
  const problems = diagnose(expectedValues, incrementValues, valuesPerKey(topics.sums, sums.records));
  if (problems.length > 0) {
    const uncommittedEnds = await endOffsets(h.client, topics.sums, partitions, 30_000, 'read_uncommitted');
    h.log(`sums read to ${formatOffsets(sums.ends)} (read_committed ends), high watermarks now ${formatOffsets(uncommittedEnds)}; increments read to ${formatOffsets(increments.ends)}`);
    for (const problem of problems) h.log(problem);
  }

  assert.deepEqual(byKey(latestPerKey(sums.records)), byKey(expectedSums), 'final sum per key');
  assert.equal(increments.records.length, input.length, 'one increment per input record');
  assert.equal(incrementsTotal, expectedTotal, 'increments add up to the input total');
  for (const [key, values] of expectedValues) {
    const got = incrementValues.get(key) ?? [];
    const at = values.findIndex((value, i) => got[i] !== value);
    assert.ok(at === -1 && got.length === values.length, `increments of ${key}: first difference at #${at === -1 ? values.length : at} of ${values.length} (got ${got.length})`);
  }
  const prefixSums = new Map([...expectedValues].map(([key, values]) => {
    let running = 0;
    return [key, new Set(values.map((value) => (running += value)))];
  }));
  for (const [key, updates] of valuesPerKey(topics.sums, sums.records)) {
    const wrong = updates.filter((sum) => prefixSums.get(key)?.has(sum) !== true);
    assert.deepEqual(wrong, [], `every committed sum of ${key} is a prefix sum of its input`);
  }
  return { sumUpdates: sums.records.length, increments: increments.records.length, incrementsTotal };
}

/**
 * What went wrong per key, for the log before the assertions fail: increments missing or
 * extra (input skipped or counted twice) and where the sums stop being prefix sums
 * (state lost or doubled while the increments are right), so a failure names its cause.
 */
function diagnose(expected: ReadonlyMap<string, number[]>, increments: ReadonlyMap<string, number[]>, sums: ReadonlyMap<string, number[]>): string[] {
  const out: string[] = [];
  for (const [key, values] of [...expected].sort(([a], [b]) => a.localeCompare(b))) {
    const got = increments.get(key) ?? [];
    const at = values.findIndex((value, i) => got[i] !== value);
    const updates = sums.get(key) ?? [];
    let running = 0;
    const prefix = new Map(values.map((value, i) => [(running += value), i + 1]));
    const firstWrong = updates.findIndex((sum) => !prefix.has(sum));
    const last = updates.at(-1);
    const lastAt = last === undefined ? 0 : prefix.get(last);
    if (at === -1 && got.length === values.length && firstWrong === -1 && lastAt === values.length) continue;
    out.push(`${key}: ${values.length} inputs; increments ${got.length}${at === -1 ? '' : `, first difference at #${at}`}; `
      + `${updates.length} sum updates, last ${last} = ${lastAt === undefined ? 'no prefix sum' : `prefix of ${lastAt} inputs`}`
      + `${firstWrong === -1 ? '' : `; first non-prefix sum #${firstWrong} = ${updates[firstWrong]} after ${updates[firstWrong - 1]}`}`);
  }
  return out;
}


/**
 * Acceptance: scaling out under exactly_once_v2. One process aggregates alone; while
 * input flows, a second one joins. Tasks move to it (both report non-empty task sets,
 * the newcomer restores the moved stores from their changelogs), and the output stays
 * exact: final sums per key, every increment once.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from '../../support/names.ts';
import { verifyAggregation } from './support/aggregation.ts';
import { APPS, StreamsHarness } from './support/harness.ts';
import { keyedNumbers } from './support/inputs.ts';
import { lastActiveTasks, lastState, restoredRecords, sharing } from './support/reports.ts';

const PARTITIONS = 4;
const RECORDS = 40_000;
const BATCH = 2_500;
const KEYS = 64;
/** Batches the first process handles alone before the second one starts. */
const ALONE = 4;
/** Batches kept for after the second process has its tasks. */
const AFTER = 4;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('exactly_once_v2: a second process joins mid-stream, takes over tasks with their state, output stays exact', { timeout: 60_000 }, async (t) => {
  const h = new StreamsHarness('scale-out');
  t.after(() => h.close());
  const appId = uniqueName('kst-it-scale');
  const topics = { input: uniqueName('kst-it-scale-in'), sums: uniqueName('kst-it-scale-sums'), increments: uniqueName('kst-it-scale-incr') };
  await h.createTopics([topics.input, topics.sums, topics.increments], PARTITIONS);
  const env = { KST_INPUT_TOPIC: topics.input, KST_SUMS_TOPIC: topics.sums, KST_INCREMENTS_TOPIC: topics.increments };
  const a = h.app('scale-a', APPS.aggregation, appId, 'exactly_once_v2', env);
  const b = h.app('scale-b', APPS.aggregation, appId, 'exactly_once_v2', env);

  a.start();
  await h.until('a RUNNING with all 4 tasks', () => lastActiveTasks(a)?.length === PARTITIONS, 45_000);
  const { records } = keyedNumbers(topics.input, 0, RECORDS, KEYS);
  for (let batch = 0; batch < ALONE; batch++) await h.producer.send(records.slice(batch * BATCH, (batch + 1) * BATCH));
  // Every task has state in its changelog before anything moves.
  await h.awaitCaughtUp(appId, [[{ topic: topics.input, partitions: PARTITIONS }]], 30_000);
  h.log(`a alone processed ${ALONE * BATCH} records; starting b`);

  const aMark = a.mark();
  b.start();
  const bHasTasks = (): boolean => b.running && lastState(b) === 'RUNNING' && (lastActiveTasks(b) ?? []).length > 0;
  const batches = Math.ceil(RECORDS / BATCH);
  let batch = ALONE;
  const send = async (): Promise<void> => {
    await h.producer.send(records.slice(batch * BATCH, (batch + 1) * BATCH));
    batch += 1;
    await pause(250);
  };
  // Input keeps flowing while b starts, joins and restores…
  while (batch < batches - AFTER && !bHasTasks()) await send();
  await h.until('b RUNNING with tasks', bHasTasks, 45_000);
  const duringJoin = batch - ALONE;
  h.log(`b has tasks ${JSON.stringify(lastActiveTasks(b))} after ${duringJoin} batches sent since it started`);
  // …and after the move.
  while (batch < batches) await send();
  h.log(`produced ${RECORDS} records`);
  assert.ok(duringJoin > 0, 'input was flowing while b joined');
  await h.until('a and b RUNNING, sharing the 4 tasks', () => sharing([a, b], PARTITIONS, [aMark, 0]), 45_000);
  const aTasks = lastActiveTasks(a, aMark) ?? [];
  const bTasks = lastActiveTasks(b) ?? [];
  h.log(`after scale-out: a=${JSON.stringify(aTasks)} b=${JSON.stringify(bTasks)}; b restored ${restoredRecords(b)} records`);
  assert.ok(aTasks.length > 0 && aTasks.length < PARTITIONS, `a kept part of the tasks: ${JSON.stringify(aTasks)}`);
  assert.ok(bTasks.length > 0, `tasks moved to b: ${JSON.stringify(bTasks)}`);
  assert.ok(restoredRecords(b) > 0, 'b restored the moved tasks\' stores from their changelogs');

  await h.awaitCaughtUp(appId, [[{ topic: topics.input, partitions: PARTITIONS }]], 60_000);
  const report = await verifyAggregation(h, topics, PARTITIONS, records);
  h.log(`verified: ${JSON.stringify(report)}`);

  const closed = await Promise.all([a.stop(), b.stop()]);
  assert.deepEqual(closed, [true, true], 'both processes close cleanly on SIGTERM');
  h.passed();
});

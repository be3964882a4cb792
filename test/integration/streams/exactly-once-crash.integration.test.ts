/**
 * Acceptance: exactly_once_v2 survives SIGKILL. Two processes aggregate 100,000 keyed
 * numbers from a 4-partition topic while the test produces them in batches; three times
 * during the run one process is SIGKILLed (no commit, no close, a transaction left open)
 * and started again on the same state directory. Read back read_committed, the final sum
 * per key is the exact total, and the increments are the input, each record once.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from '../../support/names.ts';
import { verifyAggregation } from './support/aggregation.ts';
import { APPS, StreamsHarness } from './support/harness.ts';
import { keyedNumbers } from './support/inputs.ts';
import { readToEnd } from './support/kafka-io.ts';
import { lastActiveTasks, lastState, restoredRecords, sharing } from './support/reports.ts';

const PARTITIONS = 4;
const RECORDS = 100_000;
const BATCH = 5_000;
const KEYS = 64;
/** After which batch (0-based) which process (0 = a, 1 = b) is SIGKILLed. */
const KILLS = [{ afterBatch: 3, victim: 1 }, { afterBatch: 9, victim: 0 }, { afterBatch: 15, victim: 1 }] as const;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('exactly_once_v2: 100,000 records, 2 processes, 3 SIGKILLs mid-stream: exact sums, every increment once', { timeout: 90_000 }, async (t) => {
  const h = new StreamsHarness('eos-crash');
  t.after(() => h.close());
  const appId = uniqueName('kst-it-eos');
  const topics = { input: uniqueName('kst-it-eos-in'), sums: uniqueName('kst-it-eos-sums'), increments: uniqueName('kst-it-eos-incr') };
  await h.createTopics([topics.input, topics.sums, topics.increments], PARTITIONS);
  const env = {
    KST_INPUT_TOPIC: topics.input,
    KST_SUMS_TOPIC: topics.sums,
    KST_INCREMENTS_TOPIC: topics.increments,
    // Long transactions whose output reaches the broker before the commit: a SIGKILL then
    // lands inside an open transaction that already wrote, the case exactly-once is for.
    KST_COMMIT_INTERVAL_MS: '1000',
    KST_CONFIG: JSON.stringify({ 'producer.batch.records': 100 }),
  };
  const apps = [h.app('eos-a', APPS.aggregation, appId, 'exactly_once_v2', env), h.app('eos-b', APPS.aggregation, appId, 'exactly_once_v2', env)] as const;
  for (const app of apps) app.start();
  await h.until('both processes RUNNING with a share of the 4 tasks', () => sharing(apps, PARTITIONS), 45_000);
  h.log(`running: a=${JSON.stringify(lastActiveTasks(apps[0]))} b=${JSON.stringify(lastActiveTasks(apps[1]))}`);

  const { records } = keyedNumbers(topics.input, 0, RECORDS, KEYS);
  const startedAt = [0, 0];
  const kills: string[] = [];
  for (let batch = 0; batch * BATCH < RECORDS; batch++) {
    await h.producer.send(records.slice(batch * BATCH, (batch + 1) * BATCH));
    const kill = KILLS.find((k) => k.afterBatch === batch);
    if (kill === undefined) {
      await pause(150);
      continue;
    }
    const victim = apps[kill.victim];
    // Kill an owner at work: it runs again (since its last start) with tasks, and has the batch just sent to chew on.
    await h.until(`${victim.name} RUNNING with tasks before kill #${kills.length + 1}`,
      () => victim.running && lastState(victim, startedAt[kill.victim]) === 'RUNNING' && (lastActiveTasks(victim, startedAt[kill.victim]) ?? []).length > 0, 45_000);
    await pause(100);
    const tasks = lastActiveTasks(victim, startedAt[kill.victim]);
    await victim.kill('SIGKILL');
    kills.push(`${victim.name} after ${(batch + 1) * BATCH} records, holding ${JSON.stringify(tasks)}`);
    h.log(`SIGKILL #${kills.length}: ${kills.at(-1)}`);
    startedAt[kill.victim] = victim.mark();
    victim.start();
  }
  h.log(`produced ${RECORDS} records in ${RECORDS / BATCH} batches`);
  assert.equal(kills.length, KILLS.length);

  await h.until('both processes RUNNING again, sharing the 4 tasks', () => sharing(apps, PARTITIONS, startedAt), 45_000);
  await h.awaitCaughtUp(appId, [[{ topic: topics.input, partitions: PARTITIONS }]], 45_000);
  h.log(`the group committed all input; records restored into stores: a=${restoredRecords(apps[0])} b=${restoredRecords(apps[1])}`);

  const report = await verifyAggregation(h, topics, PARTITIONS, records);
  h.log(`verified: ${JSON.stringify(report)} after ${kills.length} SIGKILLs`);
  // The crashes did leave output of open transactions behind, which read_committed hid.
  const uncommitted = await readToEnd(h.client, topics.increments, PARTITIONS, 30_000, 'read_uncommitted');
  const aborted = uncommitted.records.length - RECORDS;
  h.log(`increments read_uncommitted: ${uncommitted.records.length} (${aborted} in aborted transactions)`);
  assert.ok(aborted > 0, 'no SIGKILL landed inside a transaction that had written output: the test did not exercise what it is for');

  const closed = await Promise.all(apps.map((app) => app.stop()));
  assert.deepEqual(closed, [true, true], 'both processes close cleanly on SIGTERM');
  h.passed();
});

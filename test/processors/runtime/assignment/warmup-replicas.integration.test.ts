/**
 * Warm-up replicas (KIP-441) on a real broker: one process aggregates alone until its
 * store's changelog holds 10,000 records per task; a second process joins. The balanced
 * placement would give the newcomer half the tasks at once, to restore before processing;
 * instead they stay on the first process while the newcomer restores them as warm-up
 * replicas, and move at the probing rebalance once it has caught up, so the newcomer
 * restores (as an active task) only what its warm-ups had not applied.
 */

import '../../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from '../../../support/names.ts';
import { APPS, StreamsHarness } from '../../../integration/streams/support/harness.ts';
import { keyedNumbers } from '../../../integration/streams/support/inputs.ts';
import { activeTasksOf, lastActiveTasks, lastState, restoredRecords } from '../../../integration/streams/support/reports.ts';
import type { ChildApp } from '../../../integration/streams/support/child-app.ts';

const PARTITIONS = 4;
const RECORDS = 40_000;
const ACCEPTABLE_LAG = 2_000;

/** Standby task ids of the app's `TASKS` lines (from `from` on), one list per line. */
function standbyHistory(app: ChildApp, from: number): string[][] {
  return app.matching(/^TASKS /, from).map((line) => {
    const found: string[] = [];
    const visit = (node: unknown, standby: boolean): void => {
      if (Array.isArray(node)) for (const item of node) visit(item, standby);
      else if (standby && (typeof node === 'string' || typeof node === 'number')) found.push(String(node));
      else if (node !== null && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if (standby && 'taskId' in record) found.push(String(record['taskId']));
        else for (const [key, value] of Object.entries(record)) visit(value, standby || key === 'standbyTasks');
      }
    };
    visit(JSON.parse(line.slice('TASKS '.length)), false);
    return found.sort();
  });
}

test('a process joining a stateful application warms its tasks up as standbys and takes them over only once caught up', { timeout: 180_000 }, async (t) => {
  const h = new StreamsHarness('warmup');
  t.after(() => h.close());
  const appId = uniqueName('kst-it-warmup');
  const topics = { input: uniqueName('kst-it-wu-in'), sums: uniqueName('kst-it-wu-sums'), increments: uniqueName('kst-it-wu-incr') };
  await h.createTopics([topics.input, topics.sums, topics.increments], PARTITIONS);
  const env = {
    KST_INPUT_TOPIC: topics.input,
    KST_SUMS_TOPIC: topics.sums,
    KST_INCREMENTS_TOPIC: topics.increments,
    // No record cache: every update reaches the changelog, as long as the input.
    KST_CONFIG: JSON.stringify({ 'cache.max.bytes.buffering': 0, 'acceptable.recovery.lag': ACCEPTABLE_LAG, 'max.warmup.replicas': 2, 'probing.rebalance.interval.ms': 3_000 }),
  };
  const first = h.app('wu-a', APPS.aggregation, appId, 'at_least_once', env);
  first.start();
  await h.until('the first process RUNNING all tasks', () => lastState(first) === 'RUNNING' && (lastActiveTasks(first) ?? []).length === PARTITIONS, 60_000);
  const records = keyedNumbers(topics.input, 0, RECORDS, 64).records;
  for (let i = 0; i < records.length; i += 5_000) await h.producer.send(records.slice(i, i + 5_000));
  await h.awaitCaughtUp(appId, [[{ topic: topics.input, partitions: PARTITIONS }]], 90_000);

  const second = h.app('wu-b', APPS.aggregation, appId, 'at_least_once', env);
  const fromFirst = first.mark();
  second.start();
  await h.until('the newcomer RUNNING with tasks of its own', () => lastState(second) === 'RUNNING' && (lastActiveTasks(second) ?? []).length > 0, 90_000);

  const standbys = standbyHistory(second, 0);
  const actives = (app: ChildApp, from: number): string[][] => app.matching(/^TASKS /, from).map(activeTasksOf);
  h.log(`newcomer: standbys ${JSON.stringify(standbys)}, actives ${JSON.stringify(actives(second, 0))}; first process actives since the newcomer started ${JSON.stringify(actives(first, fromFirst))}`);
  assert.ok(standbys.length >= 2, 'the newcomer was assigned at least twice: warm-ups first, then its tasks');
  assert.ok((standbys[0] ?? []).length > 0, 'its first assignment gave it warm-up replicas');
  assert.equal(actives(first, fromFirst)[0]?.length, PARTITIONS, 'the first process kept every task while the newcomer warmed up');
  assert.ok((lastActiveTasks(first, fromFirst) ?? []).length < PARTITIONS, 'the first process gave tasks up in the end');
  const taken = lastActiveTasks(second) ?? [];
  assert.ok(taken.every((task) => (standbys[0] ?? []).includes(task) || standbys.some((list) => list.includes(task))), `the newcomer took only tasks it had warmed up (${taken.join(',')})`);
  const restored = restoredRecords(second);
  h.log(`the newcomer restored ${restored} records as an active (changelog: ${RECORDS / PARTITIONS} per task, ${taken.length} tasks taken)`);
  assert.ok(restored <= ACCEPTABLE_LAG * taken.length, `restored ${restored}: no more than the acceptable lag per task, not the ${(RECORDS / PARTITIONS) * taken.length} records of its tasks' changelogs`);
  h.passed();
});

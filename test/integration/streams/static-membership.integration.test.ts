/**
 * Acceptance: static membership (`group.instance.id`, KIP-345) against the real broker.
 * Two exactly-once processes, static members `static-a` and `static-b` (their threads
 * join as `static-a-1`, `static-b-1`), share a 4-partition aggregation. Then:
 *
 * 1. b is SIGKILLed and started again at once: it takes its old place with its old tasks,
 *    and a sees no rebalance at all (no state change, no new assignment); the group stays
 *    Stable with both instance ids; b processes again, and the time it took is printed.
 * 2. b is closed cleanly (SIGTERM): a static member does not leave the group, so a sees
 *    no rebalance and the group still lists b's instance id; b's restart takes its place
 *    back, with the same tasks, again without a rebalance.
 * 3. b is closed with `leaveGroup` (SIGHUP, scale-down): the group rebalances at once and
 *    a takes all four tasks, long before b's session would have timed out.
 *
 * The sums are exact at the end.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from '../../support/names.ts';
import { verifyAggregation } from './support/aggregation.ts';
import type { ChildApp } from './support/child-app.ts';
import { APPS, StreamsHarness } from './support/harness.ts';
import { keyedNumbers } from './support/inputs.ts';
import { lastActiveTasks, lastState, sharing } from './support/reports.ts';

const PARTITIONS = 4;
const RECORDS = 12_000;
const KEYS = 32;
/** Longer than a restart takes even on a slow machine, so the restarted member finds its place. */
const SESSION_TIMEOUT_MS = 40_000;

/** The STATE and TASKS lines an app printed since `from`: any rebalance shows there. */
const rebalanceLines = (app: ChildApp, from: number): string[] => app.matching(/^(STATE|TASKS) /, from);

test('static membership: a SIGKILLed member restarted within the session timeout takes its old place and tasks without a rebalance; a clean close keeps its place; close with leaveGroup rebalances at once', { timeout: 240_000 }, async (t) => {
  const h = new StreamsHarness('static');
  t.after(() => h.close());
  const appId = uniqueName('kst-it-static');
  const topics = { input: uniqueName('kst-it-static-in'), sums: uniqueName('kst-it-static-sums'), increments: uniqueName('kst-it-static-incr') };
  await h.createTopics([topics.input, topics.sums, topics.increments], PARTITIONS);
  const env = (instance: string): Record<string, string> => ({
    KST_INPUT_TOPIC: topics.input,
    KST_SUMS_TOPIC: topics.sums,
    KST_INCREMENTS_TOPIC: topics.increments,
    KST_CONFIG: JSON.stringify({ 'group.instance.id': instance, 'session.timeout.ms': SESSION_TIMEOUT_MS, 'heartbeat.interval.ms': 1_000 }),
  });
  const a = h.app('static-a', APPS.aggregation, appId, 'exactly_once_v2', env('static-a'));
  const b = h.app('static-b', APPS.aggregation, appId, 'exactly_once_v2', env('static-b'));
  a.start();
  b.start();
  await h.until('both static members RUNNING with a share of the 4 tasks', () => sharing([a, b], PARTITIONS), 60_000);
  const aTasks = lastActiveTasks(a) ?? [];
  const bTasks = lastActiveTasks(b) ?? [];
  h.log(`running: a=${JSON.stringify(aTasks)} b=${JSON.stringify(bTasks)}`);
  const groupHolds = async (what: string, instances: readonly string[]): Promise<void> => {
    const group = await h.admin.describeGroup(appId);
    const held = group.members.map((m) => m.groupInstanceId ?? `(dynamic ${m.memberId})`).sort();
    assert.equal(group.state, 'Stable', `${what}: group state`);
    assert.deepEqual(held, [...instances].sort(), `${what}: members of the group by group.instance.id`);
  };
  await groupHolds('at start', ['static-a-1', 'static-b-1']);

  const { records } = keyedNumbers(topics.input, 0, RECORDS, KEYS);
  const third = RECORDS / 3;
  const feed = async (slice: number, what: string): Promise<void> => {
    await h.producer.send(records.slice(slice * third, (slice + 1) * third));
    await h.awaitCaughtUp(appId, [[{ topic: topics.input, partitions: PARTITIONS }]], 60_000);
    h.log(`${what}: the group committed input slice ${slice + 1} of 3`);
  };
  await feed(0, 'before the crash');

  // 1. SIGKILL and an immediate restart.
  let aFrom = a.mark();
  let bFrom = b.mark();
  const killedAt = Date.now();
  await b.kill('SIGKILL');
  b.start();
  await h.until('b RUNNING again after its SIGKILL', () => b.running && lastState(b, bFrom) === 'RUNNING', SESSION_TIMEOUT_MS);
  const runningMs = Date.now() - killedAt;
  assert.deepEqual(lastActiveTasks(b, bFrom), bTasks, 'the restarted member got its old tasks back');
  await feed(1, 'after the restart');
  const processingMs = Date.now() - killedAt;
  h.log(`static restart: SIGKILL → RUNNING with its old tasks in ${runningMs} ms; → new input processed and committed in ${processingMs} ms (session timeout ${SESSION_TIMEOUT_MS} ms)`);
  assert.deepEqual(rebalanceLines(a, aFrom), [], 'the other member saw no rebalance: no state change, no new assignment');
  await groupHolds('after the restart', ['static-a-1', 'static-b-1']);

  // 2. A clean close keeps the member's place; its restart takes it back.
  aFrom = a.mark();
  bFrom = b.mark();
  assert.equal(await b.stop(), true, 'b closes cleanly on SIGTERM');
  await groupHolds('after a clean close of b', ['static-a-1', 'static-b-1']);
  b.start();
  await h.until('b RUNNING again after its clean close', () => b.running && lastState(b, bFrom) === 'RUNNING', SESSION_TIMEOUT_MS);
  assert.deepEqual(lastActiveTasks(b, bFrom), bTasks, 'after a clean close, the restarted member got its old tasks back');
  assert.deepEqual(rebalanceLines(a, aFrom), [], 'a clean close and restart of a static member is no rebalance for the other');
  await groupHolds('after the restart from a clean close', ['static-a-1', 'static-b-1']);

  // 3. Scale-down: close with leaveGroup.
  aFrom = a.mark();
  const leftAt = Date.now();
  b.signal('SIGHUP');
  await b.waitExit('closing with leaveGroup', 30_000);
  assert.equal(b.exit?.code, 0, 'b closes cleanly with leaveGroup');
  await h.until('a RUNNING with all 4 tasks after b left the group', () => lastState(a, aFrom) === 'RUNNING' && (lastActiveTasks(a, aFrom) ?? []).length === PARTITIONS, SESSION_TIMEOUT_MS / 2);
  h.log(`leaveGroup: a took over all ${PARTITIONS} tasks ${Date.now() - leftAt} ms after b was asked to leave`);
  await groupHolds('after b left', ['static-a-1']);
  await feed(2, 'after b left');

  const report = await verifyAggregation(h, topics, PARTITIONS, records);
  h.log(`verified: ${JSON.stringify(report)}`);
  assert.equal(await a.stop(), true, 'a closes cleanly on SIGTERM');
  h.passed();
});

/**
 * Acceptance, serial (it SIGKILLs a broker): exactly_once_v2 through a broker crash and a
 * zombie. The test runs its own single-node Kafka on other ports with its own home
 * (`<tmp>/…/stack`, the shared stack's distribution cache), never the shared broker. Two
 * static-member processes aggregate keyed numbers from a 4-partition topic while:
 *
 * 1. the broker is SIGKILLed mid-stream and started again on the same data: the apps ride
 *    through the outage (no process dies) and catch up;
 * 2. one process stops itself (SIGSTOP) inside an open transaction that wrote output and
 *    stays stopped past its session timeout: the other takes all four tasks (the zombie is
 *    out of the group), then the zombie is SIGCONTed, finds itself fenced, and rejoins
 *    cleanly — it shares the tasks again and never fails.
 *
 * Read back read_committed, the sums are exact and every increment is there once.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OwnBroker } from '../../support/own-broker.ts';
import { uniqueName } from '../../support/names.ts';
import { verifyAggregation } from './support/aggregation.ts';
import { APPS, StreamsHarness } from './support/harness.ts';
import { keyedNumbers } from './support/inputs.ts';
import { lastActiveTasks, lastState, sharing } from './support/reports.ts';

const PARTITIONS = 4;
const RECORDS = 40_000;
const BATCH = 2_000;
const KEYS = 64;
const SESSION_TIMEOUT_MS = 10_000;

test('exactly_once_v2 through a broker SIGKILL and restart and a zombie past its session timeout: exact sums, every increment once', { timeout: 420_000 }, async (t) => {
  const startedAt = Date.now();
  const broker = await OwnBroker.start((line: string) => console.log(line));
  console.log(`[own broker] up on ${broker.bootstrap} in ${Date.now() - startedAt} ms`);
  t.after(() => broker.close());
  const h = new StreamsHarness('eos-faults', { bootstrap: broker.bootstrap });
  t.after(() => h.close());
  const appId = uniqueName('kst-it-eosf');
  const topics = { input: uniqueName('kst-it-eosf-in'), sums: uniqueName('kst-it-eosf-sums'), increments: uniqueName('kst-it-eosf-incr') };
  await h.createTopics([topics.input, topics.sums, topics.increments], PARTITIONS);
  const env = (instance: string): Record<string, string> => ({
    KST_INPUT_TOPIC: topics.input,
    KST_SUMS_TOPIC: topics.sums,
    KST_INCREMENTS_TOPIC: topics.increments,
    KST_COMMIT_INTERVAL_MS: '500',
    KST_TRANSACTION_PROBE: 'stop',
    KST_CONFIG: JSON.stringify({ 'producer.batch.records': 100, 'group.instance.id': instance, 'session.timeout.ms': SESSION_TIMEOUT_MS, 'heartbeat.interval.ms': 1_000 }),
  });
  const apps = [h.app('eosf-a', APPS.aggregation, appId, 'exactly_once_v2', env('eosf-a')), h.app('eosf-b', APPS.aggregation, appId, 'exactly_once_v2', env('eosf-b'))] as const;
  const [a, b] = apps;
  for (const app of apps) app.start();
  await h.until('both processes RUNNING with a share of the 4 tasks', () => sharing(apps, PARTITIONS), 60_000);

  const { records } = keyedNumbers(topics.input, 0, RECORDS, KEYS);
  let sent = 0;
  const sendBatch = async (): Promise<void> => {
    await h.producer.send(records.slice(sent, sent + BATCH));
    sent += BATCH;
  };
  for (let i = 0; i < 5; i++) await sendBatch();

  // 1. The broker crashes while both apps work, and comes back on the same data.
  const killedAt = Date.now();
  h.log(`broker SIGKILL with ${sent} records sent`);
  // A 2 s outage at least: clients find the broker gone.
  const { before, after } = await broker.restart(Number(process.env['KST_IT_OUTAGE_MS'] ?? '2000'));
  assert.notEqual(after, before, 'a new broker process serves after the SIGKILL');
  h.log(`broker back after ${Date.now() - killedAt} ms (pid ${before} → ${after})`);
  for (let i = 0; i < 5; i++) await sendBatch();
  await h.awaitCaughtUp(appId, [[{ topic: topics.input, partitions: PARTITIONS }]], 120_000);
  assert.deepEqual(apps.map((app) => app.running), [true, true], 'both apps rode through the broker crash');
  h.log(`after the broker crash: the group committed all ${sent} records`);

  // 2. A zombie: b stops itself inside an open transaction that wrote output, past its session timeout.
  await h.until('both processes RUNNING with a share of the 4 tasks before the zombie', () => sharing(apps, PARTITIONS), 60_000);
  const aFrom = a.mark();
  const bFrom = b.mark();
  b.signal('SIGUSR2');
  await sendBatch();
  await h.until('b stopped itself inside an open transaction', () => b.matching(/^STOP_IN_TRANSACTION /, bFrom).length > 0, 30_000);
  const stoppedAt = Date.now();
  h.log(`zombie: ${b.matching(/^STOP_IN_TRANSACTION /, bFrom)[0]}`);
  await sendBatch();
  await h.until('a RUNNING with all 4 tasks while b is stopped (b is out of the group)',
    () => lastState(a, aFrom) === 'RUNNING' && (lastActiveTasks(a, aFrom) ?? []).length === PARTITIONS, SESSION_TIMEOUT_MS * 6);
  h.log(`a took over all tasks ${Date.now() - stoppedAt} ms after b stopped`);
  assert.ok(Date.now() - stoppedAt >= SESSION_TIMEOUT_MS - 1_000, 'the takeover waited for the session timeout: b was stopped, not gone');
  const aTakeover = a.mark();
  if (b.pid !== undefined) process.kill(b.pid, 'SIGCONT');
  await h.until('the zombie rejoined: both processes RUNNING with a share of the 4 tasks again', () => sharing(apps, PARTITIONS, [aTakeover, bFrom]), 90_000);
  assert.ok(b.running, 'the zombie did not die: it was fenced and rejoined');
  assert.match(b.tail(400), /lost its transaction|could not commit|group membership lost|fenced/i, 'the zombie found its transaction or membership fenced');
  h.log('the zombie is back, fenced and rejoined');

  while (sent < RECORDS) await sendBatch();
  await h.awaitCaughtUp(appId, [[{ topic: topics.input, partitions: PARTITIONS }]], 120_000);
  const report = await verifyAggregation(h, topics, PARTITIONS, records);
  h.log(`verified: ${JSON.stringify(report)}`);
  const closed = await Promise.all(apps.map((app) => app.stop()));
  assert.deepEqual(closed, [true, true], 'both processes close cleanly on SIGTERM');
  h.passed();
});

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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpoints, loadStackConfig, type StackConfig } from '../../../scripts/stack/config.ts';
import { readRecord, waitForExit } from '../../../scripts/stack/processes.ts';
import { down, up } from '../../../scripts/stack/stack.ts';
import { freeServerPorts } from '../../support/free-ports.ts';
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

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** This test's own broker, on free ports away from the shared stack's. */
async function ownBrokerConfig(home: string): Promise<StackConfig> {
  const shared = loadStackConfig();
  const [kafka, controller, sasl, registry, management, opensearch, transport, postgres] = (await freeServerPorts(8)).map(String);
  return loadStackConfig({
    STACK_HOME: home,
    STACK_CACHE_DIR: shared['cache.dir'],
    STACK_KAFKA_PORT: kafka,
    STACK_KAFKA_CONTROLLER_PORT: controller,
    STACK_KAFKA_SASL_PORT: sasl,
    STACK_KAFKA_HEAP_MB: '512',
    // Unused (only Kafka starts), but distinct from the shared stack's, as `up` checks.
    STACK_REGISTRY_PORT: registry,
    STACK_REGISTRY_MANAGEMENT_PORT: management,
    STACK_OPENSEARCH_PORT: opensearch,
    STACK_OPENSEARCH_TRANSPORT_PORT: transport,
    STACK_POSTGRES_PORT: postgres,
  });
}

test('exactly_once_v2 through a broker SIGKILL and restart and a zombie past its session timeout: exact sums, every increment once', { timeout: 420_000 }, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'kst-it-own-broker-'));
  const config = await ownBrokerConfig(home);
  const startedAt = Date.now();
  await up(config, ['kafka'], (line) => console.log(`[own broker] ${line}`));
  console.log(`[own broker] up on ${endpoints(config).kafkaBootstrap} in ${Date.now() - startedAt} ms`);
  t.after(async () => {
    await down(config, ['kafka']).catch((error: unknown) => console.log(`stopping the own broker failed: ${String(error)}`));
    rmSync(home, { recursive: true, force: true });
  });
  const h = new StreamsHarness('eos-faults', { bootstrap: endpoints(config).kafkaBootstrap });
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
  const record = readRecord(config.home, 'kafka');
  assert.ok(record !== undefined, 'the own broker has a PID record');
  process.kill(record.pid, 'SIGKILL');
  assert.ok(await waitForExit(record.pid, 30_000), 'the broker process is gone after SIGKILL');
  const killedAt = Date.now();
  h.log(`broker SIGKILLed (pid ${record.pid}) with ${sent} records sent`);
  await pause(Number(process.env["KST_IT_OUTAGE_MS"] ?? "2000")); // the outage: clients find the broker gone
  await up(config, ['kafka'], (line) => h.log(`[own broker] ${line}`));
  h.log(`broker back after ${Date.now() - killedAt} ms`);
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

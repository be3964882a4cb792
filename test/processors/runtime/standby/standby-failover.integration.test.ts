/**
 * Standby failover: two processes aggregate with `num.standby.replicas: 1`, so each keeps
 * a standby of the other's tasks warm from their changelogs. The active's process is
 * SIGKILLed; the survivor takes its tasks over, restoring only the changelog records
 * written since its standbys' last update (far fewer than the changelog holds), and the
 * sums stay exact (exactly_once_v2).
 */

import '../../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionReader } from '../../../../processors/kafka/index.ts';
import { uniqueName } from '../../../support/names.ts';
import { SUMS_STORE } from '../../../fixtures/apps/topologies.ts';
import { verifyAggregation } from '../../../integration/streams/support/aggregation.ts';
import { APPS, StreamsHarness } from '../../../integration/streams/support/harness.ts';
import { keyedNumbers } from '../../../integration/streams/support/inputs.ts';
import { readToEnd } from '../../../integration/streams/support/kafka-io.ts';
import { lastActiveTasks, restoredRecords, sharing } from '../../../integration/streams/support/reports.ts';

const PARTITIONS = 4;
const KEYS = 64;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('standby replicas: the survivor of a SIGKILL takes over restoring only what its standbys had not applied; sums stay exact', { timeout: 150_000 }, async (t) => {
  const h = new StreamsHarness('standby');
  t.after(() => h.close());
  const appId = uniqueName('kst-it-standby');
  const topics = { input: uniqueName('kst-it-sb-in'), sums: uniqueName('kst-it-sb-sums'), increments: uniqueName('kst-it-sb-incr') };
  await h.createTopics([topics.input, topics.sums, topics.increments], PARTITIONS);
  const env = {
    KST_INPUT_TOPIC: topics.input,
    KST_SUMS_TOPIC: topics.sums,
    KST_INCREMENTS_TOPIC: topics.increments,
    // No record cache: every update reaches the changelog, so it is as long as the input.
    // A short transaction timeout (request.timeout.ms): the victim's open transaction, which
    // holds back read_committed readers of the output, is aborted by the broker soon.
    KST_CONFIG: JSON.stringify({ 'num.standby.replicas': 1, 'cache.max.bytes.buffering': 0, 'request.timeout.ms': 10_000 }),
  };
  const apps = [h.app('sb-a', APPS.aggregation, appId, 'exactly_once_v2', env), h.app('sb-b', APPS.aggregation, appId, 'exactly_once_v2', env)] as const;
  for (const app of apps) app.start();
  await h.until('both processes RUNNING with a share of the 4 tasks', () => sharing(apps, PARTITIONS), 60_000);

  const first = keyedNumbers(topics.input, 0, 30_000, KEYS).records;
  for (let i = 0; i < first.length; i += 5_000) await h.producer.send(first.slice(i, i + 5_000));
  await h.awaitCaughtUp(appId, [[{ topic: topics.input, partitions: PARTITIONS }]], 60_000);
  const [victim, survivor] = apps;
  const victimTasks = lastActiveTasks(victim) ?? [];
  h.log(`caught up; ${victim.name} runs ${JSON.stringify(victimTasks)}, ${survivor.name} runs ${JSON.stringify(lastActiveTasks(survivor))}`);
  // The survivor's standbys of the victim's tasks checkpoint what they applied.
  const survivorState = join(h.dir, `${survivor.name}-state`, appId);
  await h.until('the survivor checkpointed standbys of the victim\'s tasks', () => victimTasks.every((task) => existsSync(join(survivorState, task, '.checkpoint'))), 30_000);
  // Kill the victim at work: records in flight, its standbys a little behind.
  const mid = keyedNumbers(topics.input, 30_000, 4_000, KEYS).records;
  await h.producer.send(mid);
  await pause(150);

  const from = survivor.mark();
  await victim.kill('SIGKILL');
  h.log(`SIGKILL ${victim.name}`);
  await h.until(`${survivor.name} RUNNING all 4 tasks`, () => (lastActiveTasks(survivor, from) ?? []).length === PARTITIONS, 60_000);
  const restored = restoredRecords(survivor, from);

  const reader = new PartitionReader(h.client);
  const changelog = `${appId}-${SUMS_STORE}-changelog`;
  const ends = await reader.endOffsets(victimTasks.map((task) => ({ topic: changelog, partition: Number(task.split('_')[1]) })));
  await reader.close();
  const changelogSize = ends.reduce((sum, end) => sum + Number(end.offset), 0);
  h.log(`failover: ${survivor.name} restored ${restored} records of the ${changelogSize} in the changelog partitions of the victim's tasks ${JSON.stringify(victimTasks)}`);
  assert.ok(changelogSize >= 10_000, `the victim's changelog partitions hold ${changelogSize} records`);
  assert.ok(restored * 20 < changelogSize, `restored ${restored}: only what the standbys had not applied (changelog ${changelogSize})`);

  const second = keyedNumbers(topics.input, 34_000, 10_000, KEYS).records;
  for (let i = 0; i < second.length; i += 5_000) await h.producer.send(second.slice(i, i + 5_000));
  await h.awaitCaughtUp(appId, [[{ topic: topics.input, partitions: PARTITIONS }]], 60_000);
  // The victim's open transaction holds read_committed readers back until the broker aborts it.
  const total = first.length + mid.length + second.length;
  const deadline = Date.now() + 60_000;
  for (let read = 0; read < total && Date.now() < deadline; await pause(500)) read = (await readToEnd(h.client, topics.increments, PARTITIONS, 30_000)).records.length;
  const report = await verifyAggregation(h, topics, PARTITIONS, [...first, ...mid, ...second]);
  h.log(`verified: ${JSON.stringify(report)}`);
  assert.equal(await survivor.stop(), true, 'the survivor closes cleanly');
  h.passed();
});

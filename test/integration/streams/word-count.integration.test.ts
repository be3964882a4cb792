/**
 * Acceptance: word count, two app processes sharing a 4-partition input (and the
 * repartition topic the word re-keying needs), at_least_once, on the real broker. The
 * final count per word read back read_committed must be exactly what the test counts.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from '../../support/names.ts';
import { wordCountTopology } from '../../fixtures/apps/topologies.ts';
import { APPS, StreamsHarness } from './support/harness.ts';
import { wordLines } from './support/inputs.ts';
import { latestPerKey, produceAll, readToEnd } from './support/kafka-io.ts';
import { lastActiveTasks, sharing } from './support/reports.ts';

const PARTITIONS = 4;
const LINES = 20_000;

test('word count over 4 partitions in 2 processes gives exactly the expected counts', { timeout: 60_000 }, async (t) => {
  const h = new StreamsHarness('wc');
  t.after(() => h.close());
  const appId = uniqueName('kst-it-wc');
  const input = uniqueName('kst-it-wc-lines');
  const output = uniqueName('kst-it-wc-counts');
  await h.createTopics([input, output], PARTITIONS);
  const repartition = wordCountTopology({ input, counts: output }).plan().internalTopics
    .filter((topic) => topic.kind === 'repartition').map((topic) => `${appId}-${topic.name}`);
  assert.equal(repartition.length, 1, 'word count re-keys once');

  const env = { KST_INPUT_TOPIC: input, KST_OUTPUT_TOPIC: output };
  const apps = [h.app('wc-a', APPS.wordCount, appId, 'at_least_once', env), h.app('wc-b', APPS.wordCount, appId, 'at_least_once', env)] as const;
  for (const app of apps) app.start();
  // Two sub-topologies (split, count) × 4 partitions = 8 tasks, shared by both processes.
  await h.until('both processes RUNNING with a share of the 8 tasks', () => sharing(apps, 2 * PARTITIONS), 45_000);
  h.log(`running: a=${JSON.stringify(lastActiveTasks(apps[0]))} b=${JSON.stringify(lastActiveTasks(apps[1]))}`);

  const { records, counts } = wordLines(input, LINES);
  await produceAll(h.producer, records);
  h.log(`produced ${LINES} lines (${[...counts.values()].reduce((a, b) => a + b, 0)} words, ${counts.size} distinct)`);

  // Input first, then the repartition topic: its end is final once all input is consumed.
  await h.awaitCaughtUp(appId, [[{ topic: input, partitions: PARTITIONS }], repartition.map((topic) => ({ topic, partitions: PARTITIONS }))], 45_000);
  h.log('the group committed every input and repartition offset');
  const { records: out, ends } = await readToEnd(h.client, output, PARTITIONS);
  h.log(`read ${out.length} count updates up to offsets ${[...ends.values()].join(',')}`);

  const expected = [...counts].sort(([a], [b]) => a.localeCompare(b));
  const actual = [...latestPerKey(out)].sort(([a], [b]) => a.localeCompare(b));
  assert.deepEqual(actual, expected);

  const closed = await Promise.all(apps.map((app) => app.stop()));
  assert.deepEqual(closed, [true, true], 'both processes close cleanly on SIGTERM');
  h.passed();
});

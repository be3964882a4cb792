import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContenderResult } from '../../../bench/streams/contender.ts';
import { formatTable, isValidRun, median, summarise, verdict } from '../../../bench/streams/report.ts';

type Overrides = Partial<Omit<ContenderResult, 'engine'>> & { readonly ok?: boolean | 'unchecked' };

function run(engine: ContenderResult['engine'], steady: number | undefined, overrides: Overrides = {}): ContenderResult {
  const { ok = true, ...rest } = overrides;
  return {
    engine,
    topology: 'join',
    guarantee: 'at_least_once',
    repetition: 1,
    applicationId: 'app',
    seconds: 10,
    recordsPerSecond: 100,
    firstCommitSeconds: 2,
    startedSeconds: engine === 'ours' ? 1 : 2.5,
    steadyRecordsPerSecond: steady,
    cpuSeconds: 8,
    steadyCpuMicrosPerRecord: engine === 'ours' ? 4 : 6,
    outputTopic: 'out',
    commitsSeen: 5,
    loadAverage: 3,
    outputOffsets: 10,
    outputCheck: ok === 'unchecked' ? undefined : { ok, records: 10, detail: ok ? 'fine' : 'dropped records', offsetGaps: 0 },
    internalTopics: [],
    log: '/tmp/log',
    ...rest,
  };
}

const settings = { cases: ['join'], guarantees: ['at_least_once'] } as const;

test('median of an odd and an even count, and of nothing', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), undefined);
});

test('only a run whose output checked OK is valid: a wrong or an unchecked output is not', () => {
  assert.equal(isValidRun(run('ours', 1)), true);
  assert.equal(isValidRun(run('ours', 1, { ok: false })), false);
  assert.equal(isValidRun(run('ours', 1, { ok: 'unchecked' })), false);
});

test('the headline is the steady-state median of valid runs; a wrong output is left out of every median', () => {
  const results = [
    run('ours', 300, { recordsPerSecond: 250 }),
    run('ours', 900, { recordsPerSecond: 800, ok: false, startedSeconds: 9 }), // fast because it skipped work
    run('ours', 500, { recordsPerSecond: 400 }),
    run('kafka-streams', 400, { recordsPerSecond: 200 }),
    run('kafka-streams', 200, { recordsPerSecond: 100 }),
    run('kafka-streams', 600, { recordsPerSecond: 300 }),
  ];
  const [row] = summarise(settings, results);
  assert.ok(row !== undefined);
  assert.equal(row.ours, 400); // median of 300 and 500, not of 300, 500, 900
  assert.equal(row.kafkaStreams, 400);
  assert.equal(row.ratio, 1);
  assert.equal(row.oursFromSpawn, 325); // from spawn: the same valid runs
  assert.equal(row.kafkaStreamsFromSpawn, 200);
  assert.equal(row.oursStartSeconds, 1); // the wrong run's 9 s start-up is left out too
  assert.equal(row.kafkaStreamsStartSeconds, 2.5);
  assert.equal(row.oursCpuMicros, 4);
  assert.equal(row.excluded, 1);
  assert.deepEqual(verdict([row], []), ['join at_least_once: 1 run(s) with a wrong or unchecked output left out of the medians']);
});

test('a case whose runs were all wrong has no figure, and the verdict names it', () => {
  const [row] = summarise(settings, [run('ours', 500, { ok: false }), run('kafka-streams', 400)]);
  assert.ok(row !== undefined);
  assert.equal(row.ours, undefined);
  assert.equal(row.ratio, undefined);
  assert.deepEqual(verdict([row], ['ours join at_least_once #2: failed twice, no result']), [
    'ours join at_least_once #2: failed twice, no result',
    'join at_least_once: 1 run(s) with a wrong or unchecked output left out of the medians',
    'join at_least_once: no steady-state figure for ours',
  ]);
});

test('a clean run has no verdict, and the table leads with the steady ratio and shows start-up apart', () => {
  const results = [run('ours', 500), run('kafka-streams', 250)];
  const rows = summarise(settings, results);
  assert.deepEqual(verdict(rows, []), []);
  const table = formatTable(rows, results, {});
  assert.match(table, /\| join \| at_least_once \| 500 \| 250 \| \*\*2\.00x\*\* \| 100 \/ 100 \| 1\.00x \| 1\.00 \/ 2\.50 \| 4\.00 \/ 6\.00 \| 1\.50x \| 0 \|/);
  assert.match(table, /\| ours join at_least_once #1 \| 10\.00 \| 100 \| 500 \| 1\.00 \| 2\.00 \| 8\.00 \| 4\.00 \|/);
});

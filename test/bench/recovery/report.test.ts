import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRecoveryTable, percentile, summariseTrials } from '../../../bench/recovery/report.ts';
import type { KillRound, TrialResult } from '../../../bench/recovery/trial.ts';

function round(resumeSeconds: number): KillRound {
  return { round: 1, victim: 'b', resumeSeconds, firstOutputSeconds: resumeSeconds / 2, runningSeconds: 1, bootSeconds: 0.5, ownedPartitions: 4, loadAverage: 3 };
}

function trial(engine: TrialResult['engine'], seconds: readonly number[], ok = true): TrialResult {
  return { engine, scenario: 'two', applicationId: 'app', rounds: seconds.map(round), failures: [], outputCheck: { ok, detail: '' }, recordsSent: 1, logDir: '/tmp' };
}

test('percentile is nearest-rank: with ten samples p50 is the fifth and p99 the largest', () => {
  const values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  assert.equal(percentile(values, 50), 5);
  assert.equal(percentile(values, 99), 10);
  assert.equal(percentile([4], 99), 4);
  assert.equal(percentile([], 50), undefined);
});

test('the table gives each engine its p50 and p99 and judges ours against Kafka Streams and the 3 s target', () => {
  const rows = summariseTrials([trial('ours', [1, 2, 3.5]), trial('kafka-streams', [2, 4, 8], false)]);
  assert.deepEqual(rows.map((row) => [row.engine, row.p50, row.p99, row.outputOk]), [['ours', 2, 3.5, true], ['kafka-streams', 4, 8, false]]);
  const table = formatRecoveryTable(rows);
  assert.match(table, /\| two \| ours \| 3 \| 0 \| 2\.00 s \| 3\.50 s \| 1\.00 s \| 0\.50 s \| OK \|/);
  assert.match(table, /\| two \| kafka-streams \| 3 \| 0 \| 4\.00 s \| 8\.00 s \| 1\.00 s \| 0\.50 s \| WRONG \|/);
  assert.match(table, /two: p50 ours ÷ Kafka Streams 0\.50, p99 0\.44; our p99 misses the < 3 s target/);
});

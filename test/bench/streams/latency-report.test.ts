import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HopLatencyResult } from '../../../bench/streams/hop-latency.ts';
import { parseProbe } from '../../../bench/streams/hop-latency.ts';
import { formatLatencyTable, parseLatencyFlags, summariseLatency } from '../../../bench/streams/latency-report.ts';

const run = (engine: HopLatencyResult['engine'], latenciesMs: number[], missing = 0): HopLatencyResult => ({ engine, guarantee: 'exactly_once_v2', repetition: 1, latenciesMs, missing, cpuSeconds: 1, loadAverage: 2, log: '/tmp/x' });

test('a probe value carries its sequence and send time, upper-cased or not', () => {
  assert.deepEqual(parseProbe('0:12:3456.789'), { sequence: 12, sentAt: 3456.789 });
  assert.deepEqual(parseProbe('0:-3:1.5'), { sequence: -3, sentAt: 1.5 });
  assert.equal(parseProbe('0:x:1'), undefined);
  assert.equal(parseProbe('garbage'), undefined);
});

test('percentiles pool every timed record of an engine, and missing records are counted', () => {
  const ours = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100 ms
  const rows = summariseLatency([run('ours', ours.slice(0, 50)), run('ours', ours.slice(50), 2), run('kafka-streams', [100, 120])]);
  const [mine, theirs] = rows;
  assert.deepEqual([mine?.engine, mine?.runs, mine?.timed, mine?.missing, mine?.p50, mine?.p99, mine?.max], ['ours', 2, 100, 2, 50, 99, 100]);
  assert.equal(mine?.cpuMsPerRecord, 20); // 2 CPU seconds over 100 records
  assert.equal(theirs?.p50, 100);
  assert.match(formatLatencyTable([run('ours', [5, 7])]), /\| ours \| exactly_once_v2 \| 1 \| 2 \| 0 \| 5\.0 \| 7\.0 \| 7\.0 \| 7\.0 \| 500\.0 \|/);
});

test('latency flags have their defaults, and the others go on to the shared settings', () => {
  const flags = parseLatencyFlags(['--rate=50', '--engines=ours']);
  assert.deepEqual([flags.records, flags.rate, flags.commitMs], [400, 50, 100]);
  assert.deepEqual(flags.rest, ['--guarantees=exactly_once_v2', '--repetitions=2', '--engines=ours']);
  assert.throws(() => parseLatencyFlags(['--rate=0']), /--rate must be a positive number/);
});

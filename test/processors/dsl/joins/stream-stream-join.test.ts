/**
 * Stream-stream joins through the TopologyTestDriver: window boundaries (before/after),
 * when left/outer results with null leave (only once the window plus grace closed, by
 * stream time, and only once), and late records (dropped and counted).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register, type Counter } from 'prom-client';
import { TopologyTestDriver } from '../../../../processors/testing/index.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import { JoinWindows, StreamJoined, StreamsBuilder, type KStream } from '../../../../processors/dsl/index.ts';

const S = Serdes.String();
type Out = { key: unknown; value: unknown; timestamp: number };
const at = (key: unknown, value: unknown, timestamp: number): Out => ({ key, value, timestamp });
const show = (v: string | null): string => v ?? '-';

async function dropped(processor: string, reason = 'expired-window'): Promise<number> {
  const metric = register.getSingleMetric('kstreams_dropped_records_total') as Counter | undefined;
  if (metric === undefined) return 0;
  return (await metric.get()).values.filter((v) => v.labels['processor'] === processor && v.labels['reason'] === reason).reduce((sum, v) => sum + v.value, 0);
}

interface Rig {
  left(key: string | null, value: string, timestamp: number): Promise<void>;
  right(key: string | null, value: string, timestamp: number): Promise<void>;
  read(): Out[];
}

async function withJoin(define: (left: KStream<string, string>, right: KStream<string, string>) => KStream<string, string>, check: (rig: Rig) => Promise<void>): Promise<void> {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  define(builder.stream<string, string>('left'), builder.stream<string, string>('right')).to('out');
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  try {
    const left = driver.createInputTopic('left', S, S);
    const right = driver.createInputTopic('right', S, S);
    const out = driver.createOutputTopic('out', S, S);
    await check({
      left: (key, value, timestamp) => left.pipeInput(key, value, timestamp),
      right: (key, value, timestamp) => right.pipeInput(key, value, timestamp),
      read: () => out.readRecordsToList().map((r) => at(r.key, r.value, r.timestamp)),
    });
  } finally {
    await driver.close();
  }
}

test('inner join: records within the time difference join both ways (boundaries inclusive), each result at the larger timestamp', async () => {
  await withJoin((l, r) => l.join(r, (a, b, key) => `${key}:${a}+${b}`, JoinWindows.ofTimeDifferenceAndGrace(10, 100)), async (rig) => {
    await rig.left('a', 'L100', 100);
    await rig.right('a', 'R89', 89);
    await rig.right('a', 'R90', 90);
    await rig.right('a', 'R110', 110);
    await rig.right('a', 'R111', 111);
    await rig.right('b', 'R100', 100);
    assert.deepEqual(rig.read(), [at('a', 'a:L100+R90', 100), at('a', 'a:L100+R110', 110)]);
    await rig.left('a', 'L105', 105);
    assert.deepEqual(rig.read(), [at('a', 'a:L105+R110', 110), at('a', 'a:L105+R111', 111)]);
  });
});

test('before and after bound the window on each side: right records in [t - before, t + after] of a left record at t', async () => {
  await withJoin((l, r) => l.join(r, (a, b) => `${a}+${b}`, JoinWindows.ofTimeDifferenceAndGrace(10, 100).before(0).after(5)), async (rig) => {
    await rig.right('a', 'R103', 103);
    await rig.right('a', 'R99', 99);
    await rig.left('a', 'L100', 100);
    assert.deepEqual(rig.read(), [at('a', 'L100+R103', 103)]);
    await rig.right('a', 'R100', 100);
    await rig.right('a', 'R105', 105);
    await rig.right('a', 'R106', 106);
    assert.deepEqual(rig.read(), [at('a', 'L100+R100', 100), at('a', 'L100+R105', 105)]);
  });
});

test('left join: an unmatched left record leaves with null only after its window end plus grace, by stream time, and only once', async () => {
  await withJoin((l, r) => l.leftJoin(r, (a, b) => `${a}+${show(b)}`, JoinWindows.ofTimeDifferenceAndGrace(10, 5)), async (rig) => {
    await rig.left('a', 'La', 100);
    await rig.left('b', 'Lb', 110);
    assert.deepEqual(rig.read(), [], 'nothing leaves eagerly');
    await rig.right('a', 'Ra', 105);
    assert.deepEqual(rig.read(), [at('a', 'La+Ra', 105)]);
    await rig.left('c', 'Lc', 115);
    assert.deepEqual(rig.read(), [], 'a\'s window closes after 115; a matched anyway');
    await rig.left('d', 'Ld', 126);
    assert.deepEqual(rig.read(), [at('b', 'Lb+-', 110)], 'b closed at 125 < 126; a had a partner; c and d are still open');
    await rig.right('z', 'Rz', 131);
    assert.deepEqual(rig.read(), [at('c', 'Lc+-', 115)]);
    await rig.right('z', 'Rz2', 200);
    assert.deepEqual(rig.read(), [at('d', 'Ld+-', 126)], 'each unmatched record leaves once; right records never leave alone');
    await rig.right('z', 'Rz3', 300);
    assert.deepEqual(rig.read(), []);
  });
});

test('outer join: unmatched records of both sides leave with null once closed, in timestamp order', async () => {
  await withJoin((l, r) => l.outerJoin(r, (a, b) => `${show(a)}+${show(b)}`, JoinWindows.ofTimeDifferenceWithNoGrace(10)), async (rig) => {
    await rig.right('x', 'Rx', 100);
    await rig.left('y', 'Ly', 101);
    await rig.left('k', 'Lk', 105);
    await rig.right('k', 'Rk', 108);
    assert.deepEqual(rig.read(), [at('k', 'Lk+Rk', 108)]);
    await rig.left('z', 'Lz', 111);
    assert.deepEqual(rig.read(), [at('x', '-+Rx', 100)], 'x closed at 110 < 111; y closes at 111, not before 111');
    await rig.right('w', 'Rw', 122);
    assert.deepEqual(rig.read(), [at('y', 'Ly+-', 101), at('z', 'Lz+-', 111)], 'matched k never leaves alone; x is not repeated');
  });
});

test('a record later than its window end plus grace is dropped, counted, and never emitted', async () => {
  await withJoin((l, r) => l.leftJoin(r, (a, b) => `${a}+${show(b)}`, JoinWindows.ofTimeDifferenceAndGrace(10, 5), StreamJoined.with(S, S, S).withName('late')), async (rig) => {
    await rig.right('a', 'Ra', 95);
    await rig.left('b', 'Lb', 200);
    const before = await dropped('late-this-windowed');
    await rig.left('a', 'La', 100);
    assert.equal(await dropped('late-this-windowed'), before + 1);
    await rig.left('c', 'Lc', 1000);
    assert.deepEqual(rig.read(), [at('b', 'Lb+-', 200)]);
  });
});

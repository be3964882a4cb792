import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaCompatiblePartitioner } from '../../../../processors/kafka/records.ts';
import type { SinkNodePlan } from '../../../../processors/plan/topology-plan.ts';
import { Consumed, Produced, TimeWindows, WindowedSerdes, keyValue } from '../../../../processors/dsl/index.ts';
import { windowedStreamPartitioner } from '../../../../processors/dsl/windows/windowed-partitioner.ts';
import { windowed } from '../../../../processors/dsl/windows/windowed-serdes.ts';
import { builder, L, S } from './support.ts';

const PARTITIONS = 8;
const keyPartition = (key: string): number => javaCompatiblePartitioner(undefined, Buffer.from(key)) % PARTITIONS;

test('windowed keys go to their key\'s partition, whatever the window, for time and session windows', () => {
  const serdes = [WindowedSerdes.timeWindowedSerdeFrom(S, 60_000), WindowedSerdes.sessionWindowedSerdeFrom(S)];
  let differsFromWholeKey = 0;
  for (const serde of serdes) {
    const partitioner = windowedStreamPartitioner(serde);
    for (let k = 0; k < 50; k++) {
      const key = `user-${k}`;
      for (const start of [0, 60_000, 3_600_000]) {
        const key_ = windowed(key, start, start + 60_000);
        assert.equal(partitioner('out', key_, null, PARTITIONS), keyPartition(key));
        const whole = serde.serialize('out', key_) as Buffer;
        if (javaCompatiblePartitioner(undefined, whole) % PARTITIONS !== keyPartition(key)) differsFromWholeKey++;
      }
    }
    assert.equal(partitioner('out', null, null, PARTITIONS), undefined);
  }
  assert.ok(differsFromWholeKey > 0, 'hashing the whole windowed key would have put some windows elsewhere');
});

test('the compiler gives a sink with a windowed key serde the windowed partitioner, and keeps a partitioner of the user\'s', () => {
  const b = builder();
  const counts = b.stream('input', Consumed.with(S, S)).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(60_000)).count();
  counts.toStream().to('by-window', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 60_000), L));
  counts.toStream().to('own', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 60_000), L, () => 5));
  counts.toStream().map((key, value) => keyValue(key.key, value)).to('plain', Produced.with(S, L));
  const sinks = new Map(b.build().plan().subtopologies.flatMap((s) => s.nodes).filter((n): n is SinkNodePlan => n.kind === 'sink').map((n) => [n.topic, n]));
  assert.equal(sinks.get('by-window')?.partitioner?.('by-window', windowed('user-1', 0, 60_000), 1n, PARTITIONS), keyPartition('user-1'));
  assert.equal(sinks.get('own')?.partitioner?.('own', windowed('user-1', 0, 60_000), 1n, PARTITIONS), 5);
  assert.equal(sinks.get('plain')?.partitioner, undefined);
});

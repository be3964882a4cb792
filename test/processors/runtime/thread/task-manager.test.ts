import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaRecord, TopicPartition, TopicPartitionOffset } from '../../../../processors/kafka/index.ts';
import type { ManagedTask, TaskFactory } from '../../../../processors/runtime/thread/task-factory.ts';
import { TaskManager, type InputControl } from '../../../../processors/runtime/thread/task-manager.ts';

function record(topic: string, partition: number, offset: number, timestamp: number): KafkaRecord {
  return { topic, partition, offset: BigInt(offset), timestamp: BigInt(timestamp), key: null, value: null, headers: [], leaderEpoch: 0 };
}

/** A task that records what it processed and commits `last + 1` per partition, as StreamTask does. */
function fakeTask(processed: KafkaRecord[]): ManagedTask['task'] {
  const last = new Map<string, TopicPartitionOffset>();
  const task = {
    commitNeeded: false,
    processBatch(records: readonly KafkaRecord[]) {
      for (const r of records) {
        processed.push(r);
        last.set(`${r.topic}:${r.partition}`, { topic: r.topic, partition: r.partition, offset: r.offset + 1n });
      }
      task.commitNeeded = true;
      return undefined;
    },
    committableOffsets: () => [...last.values()],
    postCommit() {
      task.commitNeeded = false;
    },
    close: () => Promise.resolve(),
  };
  return task as unknown as ManagedTask['task'];
}

function setup(options: { readonly lags?: Map<string, bigint>; readonly maxBuffered?: number } = {}) {
  const processed: KafkaRecord[] = [];
  const paused = new Set<string>();
  const calls: string[] = [];
  const input: InputControl = {
    currentLag: (tp) => options.lags?.get(tp.topic) ?? 0n,
    pause: (tps) => tps.forEach((tp) => (paused.add(`${tp.topic}-${tp.partition}`), calls.push(`pause ${tp.topic}-${tp.partition}`))),
    resume: (tps) => tps.forEach((tp) => (paused.delete(`${tp.topic}-${tp.partition}`), calls.push(`resume ${tp.topic}-${tp.partition}`))),
  };
  const factory = {
    create: (id: string, partitions: readonly TopicPartition[]) => Promise.resolve({ id, task: fakeTask(processed), partitions, changelogs: [], transaction: undefined }),
    close: () => Promise.resolve(-1n),
    writeCheckpoint: () => Promise.resolve(0n),
  } as unknown as TaskFactory;
  const manager = new TaskManager({ factory, cacheMaxBytes: 0, input, maxTaskIdleMs: 0, maxBufferedPerPartition: options.maxBuffered ?? 1000 });
  return { manager, processed, paused, calls };
}

const JOIN_TASK = new Map([['0_1', [{ topic: 'stream', partition: 1 }, { topic: 'table', partition: 1 }]]]);

test('a stream record waits for the table rows still on the broker, then goes after the older rows', async () => {
  const lags = new Map([['table', 3n], ['stream', 0n]]);
  const { manager, processed } = setup({ lags });
  await manager.assign(JOIN_TASK);
  manager.addRecords([record('stream', 1, 0, 100), record('stream', 1, 1, 101)]);
  assert.equal(await manager.process(1000, 0), 0, 'the table partition has data on the broker');
  // Nothing processed: the commit must not cover the buffered records, whatever the position.
  assert.deepEqual(manager.offsetsToCommit([{ topic: 'stream', partition: 1, offset: 2n }]), []);
  lags.set('table', 0n);
  manager.addRecords([record('table', 1, 0, 50), record('table', 1, 1, 60), record('table', 1, 2, 150)]);
  assert.equal(await manager.process(1000, 0), 5);
  assert.deepEqual(processed.map((r) => `${r.topic}@${r.timestamp}`), ['table@50', 'table@60', 'stream@100', 'stream@101', 'table@150']);
  const offsets = manager.offsetsToCommit([{ topic: 'stream', partition: 1, offset: 5n }, { topic: 'table', partition: 1, offset: 3n }]);
  assert.deepEqual(offsets.map((o) => `${o.topic}:${o.offset}`).sort(), ['stream:5', 'table:3'], 'buffers empty: positions past markers may be committed');
});

test('commits stop at the processed records while later ones are buffered', async () => {
  const lags = new Map([['table', 0n], ['stream', 0n]]);
  const { manager } = setup({ lags });
  await manager.assign(JOIN_TASK);
  manager.addRecords([record('table', 1, 0, 10), record('stream', 1, 0, 20), record('stream', 1, 1, 30)]);
  assert.equal(await manager.process(2, 0), 2);
  const offsets = manager.offsetsToCommit([{ topic: 'stream', partition: 1, offset: 2n }, { topic: 'table', partition: 1, offset: 1n }]);
  assert.deepEqual(offsets.map((o) => `${o.topic}:${o.offset}`).sort(), ['stream:1', 'table:1'], 'stream offset 1 is buffered, not processed');
});

test('a partition over its bound is paused until its task worked it down', async () => {
  const lags = new Map([['table', 7n], ['stream', 0n]]);
  const { manager, paused, calls } = setup({ lags, maxBuffered: 2 });
  await manager.assign(JOIN_TASK);
  manager.addRecords([record('stream', 1, 0, 100), record('stream', 1, 1, 101), record('stream', 1, 2, 102)]);
  assert.deepEqual([...paused], ['stream-1']);
  await manager.process(1000, 0);
  assert.deepEqual([...paused], ['stream-1'], 'still waiting for the table: still full');
  lags.set('table', 0n);
  await manager.process(1000, 0);
  assert.deepEqual([...paused], []);
  assert.deepEqual(calls, ['pause stream-1', 'resume stream-1']);
});

test('a task rebuilt after a lost transaction starts with empty buffers and resumed partitions', async () => {
  const lags = new Map([['table', 7n], ['stream', 0n]]);
  const { manager, processed, paused } = setup({ lags, maxBuffered: 1 });
  await manager.assign(JOIN_TASK);
  manager.addRecords([record('stream', 1, 0, 100), record('stream', 1, 1, 101)]);
  assert.deepEqual([...paused], ['stream-1']);
  await manager.recreate();
  assert.deepEqual([...paused], []);
  lags.set('table', 0n);
  assert.equal(await manager.process(1000, 0), 0, 'the buffered records were dropped');
  assert.deepEqual(processed, []);
  assert.deepEqual(manager.rewindPoints(), [{ topic: 'stream', partition: 1, offset: 0n }], 'they are read again from the rewind point');
});

test('a task keeps the thread until its buffered records are done, then the next one follows', async () => {
  const { manager, processed } = setup();
  await manager.assign(new Map([['0_0', [{ topic: 'in', partition: 0 }]], ['0_1', [{ topic: 'in', partition: 1 }]]]));
  const records: KafkaRecord[] = [];
  for (let i = 0; i < 4; i++) records.push(record('in', 0, i, i));
  for (let i = 0; i < 4; i++) records.push(record('in', 1, i, i));
  manager.addRecords(records);
  assert.equal(await manager.process(3, 0), 3);
  assert.equal(await manager.process(3, 0), 3);
  assert.equal(await manager.process(3, 0), 2);
  assert.equal(await manager.process(3, 0), 0);
  const partitions = processed.map((r) => r.partition);
  // Between two calls the thread may commit: a commit then flushes one task's caches, not both.
  assert.deepEqual(partitions, [0, 0, 0, 0, 1, 1, 1, 1]);
  manager.addRecords([record('in', 0, 4, 4), record('in', 1, 4, 4)]);
  assert.equal(await manager.process(3, 0), 2, 'every task with records gets its turn in one round');
});

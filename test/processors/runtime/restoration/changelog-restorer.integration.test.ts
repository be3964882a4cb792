import '../../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../../common/errors.ts';
import { KafkaAdmin, KafkaProducer, TransactionalProducer, type ProducerRecord } from '../../../../processors/kafka/index.ts';
import { ChangelogRestorer, type RestoreTarget, type StateRestoreListener } from '../../../../processors/runtime/restoration/index.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import type { KeyValueBytesStoreSupplier } from '../../../../state/api/bytes-store.ts';
import { Stores } from '../../../../state/stores.ts';
import { collect, tempDir, testContext } from '../../../state/support.ts';
import { clientConfig, unique } from '../../kafka/helpers.ts';

const rec = (topic: string, partition: number, key: string, value: string | null): ProducerRecord => ({ topic, partition, key: Buffer.from(key), value: value === null ? null : Buffer.from(value) });

async function openStore(supplier: KeyValueBytesStoreSupplier, stateDir: string, partition: number) {
  const store = Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.String()).build();
  const context = testContext(stateDir, { partition, taskId: `0_${partition}` });
  await store.init(context);
  return { store, context };
}

function recordingListener() {
  const calls: string[] = [];
  const listener: StateRestoreListener = {
    onRestoreStart: (t, start, end) => void calls.push(`start ${t.storeName} ${start}-${end}`),
    onBatchRestored: (_t, end, n) => void calls.push(`batch ${end} ${n}`),
    onRestoreEnd: (t, total) => void calls.push(`end ${t.storeName} ${total}`),
    onRestoreReset: (_t, from, to) => void calls.push(`reset ${from}->${to}`),
  };
  return { calls, listener };
}

const contents = async (store: { all(): AsyncIterable<{ key: string; value: string }> }): Promise<Record<string, string>> =>
  Object.fromEntries((await collect(store.all())).map((kv) => [kv.key, kv.value]));

test('restores a plain changelog from the beginning and from a checkpoint, into memory and RocksDB stores', { timeout: 60_000 }, async () => {
  const client = clientConfig('kst-test-restore');
  const admin = new KafkaAdmin(client);
  const producer = new KafkaProducer(client);
  const topic = unique('kst-restore-changelog');
  const dir = tempDir();
  const { calls, listener } = recordingListener();
  const restorer = new ChangelogRestorer(client, { listener, log: () => undefined });
  try {
    await admin.createTopics([{ name: topic, partitions: 2, configs: { 'cleanup.policy': 'compact' } }]);
    const writes = Array.from({ length: 500 }, (_, i) => rec(topic, 1, `k${i % 100}`, `v${i}`));
    writes.push(rec(topic, 1, 'k7', null), rec(topic, 0, 'other', 'partition'));
    await producer.send(writes);
    const expected: Record<string, string> = {};
    for (let i = 0; i < 100; i++) expected[`k${i}`] = `v${400 + i}`;
    delete expected['k7'];

    const memory = await openStore(Stores.inMemoryKeyValueStore('counts'), dir.path, 1);
    const target: RestoreTarget = { taskId: '0_1', storeName: 'counts', store: memory.store, topic, partition: 1, startOffset: undefined };
    const results = await restorer.restore([target]);
    assert.deepEqual(results.get(target), { checkpointOffset: 501n, restored: 501 });
    assert.deepEqual(await contents(memory.store), expected);
    assert.equal(memory.context.changelog.records.length, 0, 'restoring does not log the changes again');
    assert.equal(calls[0], 'start counts 0-501');
    assert.equal(calls.at(-1), 'end counts 501');
    const batches = calls.filter((c) => c.startsWith('batch'));
    assert.equal(batches.reduce((n, c) => n + Number(c.split(' ')[2]), 0), 501);
    assert.equal(batches.at(-1)?.split(' ')[1], '500');

    // From a checkpoint: only what came after it is applied.
    const rocks = await openStore(Stores.persistentKeyValueStore('counts'), dir.path, 1);
    await rocks.store.put('k0', 'stale');
    await rocks.store.flush();
    const fromCheckpoint: RestoreTarget = { ...target, store: rocks.store, startOffset: 498n };
    const partial = await restorer.restore([fromCheckpoint]);
    assert.deepEqual(partial.get(fromCheckpoint), { checkpointOffset: 501n, restored: 3 });
    assert.deepEqual(await contents(rocks.store), { k0: 'stale', k98: 'v498', k99: 'v499' });

    // At the end already: nothing to do, no listener calls.
    calls.length = 0;
    const upToDate: RestoreTarget = { ...target, startOffset: 501n };
    assert.deepEqual((await restorer.restore([upToDate])).get(upToDate), { checkpointOffset: 501n, restored: 0 });
    assert.equal(calls.length, 0);

    // A checkpoint past the end (changelog recreated): the task is corrupted, nothing is applied.
    const other = await openStore(Stores.inMemoryKeyValueStore('counts'), dir.path, 0);
    const fresh = await openStore(Stores.inMemoryKeyValueStore('counts'), dir.path, 1);
    const corrupted: RestoreTarget[] = [
      { taskId: '0_0', storeName: 'counts', store: other.store, topic, partition: 0, startOffset: 9_999n },
      { ...target, store: fresh.store },
    ];
    await assert.rejects(restorer.restore(corrupted), (error) => {
      assert.ok(isKstError(error, 'KST_TASK_CORRUPTED'));
      assert.deepEqual(error.details['taskIds'], ['0_0']);
      assert.match(error.message, /checkpoint 9999 is past the log's end 1/);
      return true;
    });
    assert.deepEqual(await contents(other.store), {});
    assert.deepEqual(await contents(fresh.store), {});
    assert.equal(calls.length, 0);

    // Two partitions in one loop.
    const both: RestoreTarget[] = [
      { taskId: '0_0', storeName: 'counts', store: other.store, topic, partition: 0, startOffset: undefined },
      { ...target, store: fresh.store },
    ];
    const together = await restorer.restore(both);
    assert.deepEqual(together.get(both[0] as RestoreTarget), { checkpointOffset: 1n, restored: 1 });
    assert.deepEqual(together.get(both[1] as RestoreTarget), { checkpointOffset: 501n, restored: 501 });
    assert.deepEqual(await contents(other.store), { other: 'partition' });
    for (const s of [memory, rocks, other, fresh]) await s.store.close();
  } finally {
    await restorer.close();
    await producer.close();
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
    dir.remove();
  }
});

test('read_committed restoration skips aborted records and ends on a transaction marker', { timeout: 60_000 }, async () => {
  const client = clientConfig('kst-test-restore-tx');
  const admin = new KafkaAdmin(client);
  const producer = new TransactionalProducer(client, unique('kst-restore-tx'));
  const topic = unique('kst-restore-tx-changelog');
  const dir = tempDir();
  const { calls, listener } = recordingListener();
  const restorer = new ChangelogRestorer(client, { listener, isolation: 'read_committed', log: () => undefined });
  try {
    await admin.createTopics([{ name: topic, partitions: 1 }]);
    await producer.initTransactions();
    const transactions: Array<[ProducerRecord[], boolean]> = [
      [[rec(topic, 0, 'a', '1'), rec(topic, 0, 'b', '1'), rec(topic, 0, 'c', '1')], true], // offsets 0-2, marker 3
      [[rec(topic, 0, 'a', 'aborted'), rec(topic, 0, 'x', 'aborted')], false], // 4-5, marker 6
      [[rec(topic, 0, 'b', '2'), rec(topic, 0, 'c', null)], true], // 7-8, marker 9
    ];
    for (const [records, commit] of transactions) {
      producer.begin();
      await producer.send(records);
      await (commit ? producer.commit() : producer.abort());
    }
    const memory = await openStore(Stores.inMemoryKeyValueStore('saga'), dir.path, 0);
    const target: RestoreTarget = { taskId: '0_0', storeName: 'saga', store: memory.store, topic, partition: 0, startOffset: undefined };
    const results = await restorer.restore([target]);
    assert.deepEqual(results.get(target), { checkpointOffset: 10n, restored: 5 });
    assert.deepEqual(await contents(memory.store), { a: '1', b: '2' });
    assert.deepEqual([calls[0], calls.at(-1)], ['start saga 0-10', 'end saga 5']);

    // From a checkpoint inside the aborted transaction: only the last committed one applies.
    const again = await openStore(Stores.inMemoryKeyValueStore('saga'), dir.path, 0);
    const fromCheckpoint: RestoreTarget = { ...target, store: again.store, startOffset: 5n };
    assert.deepEqual((await restorer.restore([fromCheckpoint])).get(fromCheckpoint), { checkpointOffset: 10n, restored: 2 });
    assert.deepEqual(await contents(again.store), { b: '2' });
    await memory.store.close();
    await again.store.close();
  } finally {
    await restorer.close();
    await producer.close();
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
    dir.remove();
  }
});

test('an aborted signal stops the restoration', { timeout: 30_000 }, async () => {
  const client = clientConfig('kst-test-restore-abort');
  const restorer = new ChangelogRestorer(client, { log: () => undefined });
  const dir = tempDir();
  try {
    const { store } = await openStore(Stores.inMemoryKeyValueStore('s'), dir.path, 0);
    const controller = new AbortController();
    controller.abort(new Error('rebalance'));
    await assert.rejects(restorer.restore([{ taskId: '0_0', storeName: 's', store, topic: 'any', partition: 0, startOffset: undefined }], controller.signal), /rebalance/);
  } finally {
    await restorer.close();
    dir.remove();
  }
});

/**
 * Local state is a cache of this cluster's changelogs, and only of them. A key that only
 * the local folder holds must never be served:
 *
 * - a state folder recorded for another cluster is wiped at start and rebuilt from the
 *   changelog (the same folder against the same cluster is kept, as the control shows);
 * - a task whose checkpoint is past its changelog's end (the changelog was recreated) is
 *   wiped and restored, so its store equals the changelog.
 *
 * The local-only key is written straight into the task's RocksDB store, past the
 * changelog, as a store left by another cluster or a lost changelog would hold it.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKstError } from '../../../common/errors.ts';
import { KafkaStreams, QueryableStoreTypes, type StreamsConfigInput } from '../../../processors/client/index.ts';
import type { ProcessorSupplier } from '../../../processors/api/processor.ts';
import { KafkaAdmin, PartitionReader } from '../../../processors/kafka/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import { CLUSTER_ID_FILE } from '../../../state/cluster-binding.ts';
import { CHECKPOINT_FILE, OffsetCheckpoint } from '../../../state/checkpoint.ts';
import { Stores } from '../../../state/stores.ts';
import { Consumed, Named, StreamsBuilder, type Topology } from '../../../processors/dsl/index.ts';
import { testContext } from '../../state/support.ts';
import { bootstrap, clientConfig, createTopics, produce, tempStateDir, text, uniqueName, waitForState } from './helpers.ts';

const STORE = 'kv';
const S = Serdes.String();
const storeBuilder = () => Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), S, S);

/** input (String → String) → the latest value per key in the persistent store `kv`. */
function latestValues(input: string): Topology {
  const builder = new StreamsBuilder();
  builder.addStateStore(storeBuilder());
  const keep: ProcessorSupplier<string, string> = () => {
    let store: KeyValueStore<string, string>;
    return {
      init(context) { store = context.getStateStore<KeyValueStore<string, string>>(STORE); },
      process(record) { return store.put(record.key, record.value); },
    };
  };
  builder.stream(input, Consumed.with(S, S)).process(keep, Named.as('keep'), STORE);
  return builder.build();
}

interface App {
  readonly applicationId: string;
  readonly stateDir: string;
  readonly taskDir: string;
  readonly changelog: string;
  /** Starts the app, waits until it serves `expected` from its store (nothing to wait for when empty), returns it running. */
  run(expected: Readonly<Record<string, string>>): Promise<KafkaStreams>;
  /** Another instance of the same application, with a state folder of its own. */
  instance(extra?: Partial<StreamsConfigInput>): App;
}

async function setUp(t: { after: (fn: () => Promise<void> | void) => void }, prefix: string, extra: Partial<StreamsConfigInput> = {}): Promise<App> {
  const input = uniqueName(`${prefix}-in`);
  const applicationId = uniqueName(prefix);
  await createTopics([{ name: input, partitions: 1 }]);
  const running = new Set<KafkaStreams>();
  const folders: Array<{ remove: () => void }> = [];
  t.after(async () => {
    await Promise.all([...running].map((streams) => streams.close({ timeoutMs: 30_000 })));
    for (const folder of folders) folder.remove();
  });
  await produce([{ topic: input, key: text('a'), value: text('1') }, { topic: input, key: text('b'), value: text('2') }]);
  const instance = (more: Partial<StreamsConfigInput> = {}): App => {
    const state = tempStateDir();
    folders.push(state);
    const config: StreamsConfigInput = {
      'application.id': applicationId,
      'bootstrap.servers': bootstrap(),
      'state.dir': state.dir,
      'processing.guarantee': 'at_least_once',
      'auto.offset.reset': 'earliest',
      'commit.interval.ms': 100,
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 500,
      ...extra,
      ...more,
    };
    return {
      applicationId,
      stateDir: state.dir,
      taskDir: join(state.dir, applicationId, '0_0'),
      changelog: `${applicationId}-${STORE}-changelog`,
      instance,
      async run(expected) {
        const streams = new KafkaStreams(latestValues(input), config);
        running.add(streams);
        await streams.start();
        await waitForState(streams, 'RUNNING');
        if (Object.keys(expected).length === 0) return streams;
        await until(`the store serves ${JSON.stringify(expected)}`, async () => {
          const served = await contents(streams).catch((error: unknown) => {
            if (isKstError(error, 'KST_STREAMS_STORE_UNAVAILABLE')) return undefined;
            throw error;
          });
          return served !== undefined && Object.keys(expected).every((key) => served[key] === expected[key]);
        });
        return streams;
      },
    };
  };
  return instance();
}

async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function contents(streams: KafkaStreams): Promise<Record<string, string>> {
  const store = streams.store({ storeName: STORE, queryableStoreType: QueryableStoreTypes.keyValueStore<string, string>() });
  const out: Record<string, string> = {};
  for await (const { key, value } of store.all()) out[key] = value;
  return out;
}

async function stop(streams: KafkaStreams): Promise<void> {
  assert.equal(await streams.close({ timeoutMs: 30_000 }), true, 'a clean close');
}

/** Writes a key into the task's store folder only, as state of another cluster would hold it. */
async function writeLocalOnly(app: App, key: string, value: string): Promise<void> {
  const store = storeBuilder().withLoggingDisabled().withCachingDisabled().build();
  await store.init(testContext(app.taskDir, { applicationId: app.applicationId, taskId: '0_0', partition: 0 }));
  await store.put(key, value);
  assert.equal(await store.get(key), value, 'the local-only key landed in the store');
  await store.flush();
  await store.close();
}

async function wipes(streams: KafkaStreams, reason: string): Promise<number> {
  const metric = (await streams.metricsRegistry.getMetricsAsJSON()).find((entry) => entry.name === 'kstreams_state_wiped_total');
  return (metric?.values ?? []).filter((value) => value.labels['reason'] === reason).reduce((sum, value) => sum + value.value, 0);
}

async function clusterId(): Promise<string> {
  const admin = new KafkaAdmin(clientConfig('kst-sc-admin'));
  try {
    return await admin.clusterId();
  } finally {
    await admin.close();
  }
}

test('a state folder of another cluster is wiped at start and rebuilt from the changelog; a key only it held is not served', { timeout: 240_000 }, async (t) => {
  const app = await setUp(t, 'kst-sc-cluster');
  const recordFile = join(app.stateDir, app.applicationId, CLUSTER_ID_FILE);
  await stop(await app.run({ a: '1', b: '2' }));
  assert.equal(readFileSync(recordFile, 'utf8').trim(), await clusterId(), 'first use records the cluster id');
  await writeLocalOnly(app, 'ghost', 'local only');

  // Control: the same folder against the same cluster is kept, local-only key and all.
  const same = await app.run({ a: '1', b: '2', ghost: 'local only' });
  assert.equal(await wipes(same, 'cluster-changed'), 0);
  await stop(same);

  writeFileSync(recordFile, 'another-cluster-id\n');
  const moved = await app.run({ a: '1', b: '2' });
  assert.deepEqual(await contents(moved), { a: '1', b: '2' }, 'only what the changelog holds');
  assert.equal(await wipes(moved, 'cluster-changed'), 1);
  assert.equal(readFileSync(recordFile, 'utf8').trim(), await clusterId(), 'the folder now names this cluster');
  await stop(moved);
});

test('a task whose checkpoint is past its changelog\'s end is wiped and restored: its store equals the changelog', { timeout: 240_000 }, async (t) => {
  const app = await setUp(t, 'kst-sc-corrupt');
  await stop(await app.run({ a: '1', b: '2' }));
  const checkpoint = new OffsetCheckpoint(join(app.taskDir, CHECKPOINT_FILE));
  const written = await checkpoint.read();
  assert.deepEqual(written.map((entry) => [entry.topic, entry.partition]), [[app.changelog, 0]], 'a clean close checkpointed the changelog');
  await writeLocalOnly(app, 'ghost', 'local only');
  await checkpoint.write([{ topic: app.changelog, partition: 0, offset: 1_000_000n }]);

  const restarted = await app.run({ a: '1', b: '2' });
  const reader = new PartitionReader(clientConfig('kst-sc-reader'));
  const changelog: Record<string, string> = {};
  try {
    const [end] = await reader.endOffsets([{ topic: app.changelog, partition: 0 }]);
    reader.assign([{ topic: app.changelog, partition: 0, offset: 'earliest' }]);
    const deadline = Date.now() + 30_000;
    while ((reader.position({ topic: app.changelog, partition: 0 }) ?? -1n) < (end?.offset ?? 0n)) {
      if (Date.now() > deadline) throw new Error(`reading ${app.changelog} to ${end?.offset} timed out`);
      for (const record of await reader.poll()) {
        const key = record.key?.toString('utf8') as string;
        if (record.value === null) delete changelog[key];
        else changelog[key] = record.value.toString('utf8');
      }
    }
  } finally {
    await reader.close();
  }
  assert.deepEqual(changelog, { a: '1', b: '2' });
  assert.deepEqual(await contents(restarted), changelog, 'the restored store equals the changelog; the local-only key is gone');
  assert.equal(await wipes(restarted, 'task-corrupted'), 1);
  await stop(restarted);
  const [after] = await checkpoint.read();
  assert.ok(after !== undefined && after.offset <= 2n, `the new checkpoint is inside the changelog (${after?.offset})`);
});

test('a standby whose checkpoint is past its changelog\'s end is wiped; once promoted it serves only what the changelog holds', { timeout: 240_000 }, async (t) => {
  const active = await setUp(t, 'kst-sc-standby', { 'num.standby.replicas': 1 });
  const standby = active.instance();
  const a = await active.run({ a: '1', b: '2' });
  let b = await standby.run({});
  const standbyOf = (streams: KafkaStreams): string[] => streams.localThreadsMetadata().flatMap((thread) => thread.standbyTasks.map((task) => task.taskId));
  await until('the second instance keeps a standby of 0_0 with a checkpoint', () => standbyOf(b).includes('0_0') && existsSync(join(standby.taskDir, CHECKPOINT_FILE)));
  await stop(b);
  const checkpoint = new OffsetCheckpoint(join(standby.taskDir, CHECKPOINT_FILE));
  assert.deepEqual((await checkpoint.read()).map((entry) => [entry.topic, entry.offset]), [[standby.changelog, 2n]], 'the standby checkpointed the changelog\'s end');
  await writeLocalOnly(standby, 'ghost', 'local only');
  await checkpoint.write([{ topic: standby.changelog, partition: 0, offset: 1_000_000n }]);

  b = await standby.run({});
  await until('the standby was wiped', async () => (await wipes(b, 'task-corrupted')) === 1);
  assert.deepEqual(standbyOf(b), ['0_0'], 'it is the standby that was wiped, not an active task');
  await stop(a);
  await until('the promoted standby serves the changelog\'s keys', async () => {
    const served = await contents(b).catch(() => undefined);
    return served?.['a'] === '1' && served['b'] === '2';
  });
  assert.deepEqual(await contents(b), { a: '1', b: '2' }, 'the local-only key is not served');
  await stop(b);
});

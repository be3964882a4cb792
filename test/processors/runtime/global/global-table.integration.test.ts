/**
 * A global store (what `builder.globalTable` compiles to), from a hand-built plan: the
 * client restores it from every partition of its topic before it runs, keeps it up to
 * date while it runs, stream tasks read it, queries see its updates, and a restart
 * restores only from its checkpoint on.
 */

import '../../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isKstError } from '../../../../common/errors.ts';
import type { ProcessorContext } from '../../../../processors/api/processor.ts';
import { withValue } from '../../../../processors/api/record.ts';
import { KafkaStreams, QueryableStoreTypes } from '../../../../processors/client/index.ts';
import type { SinkNodePlan, SourceNodePlan, TopologyPlan } from '../../../../processors/plan/topology-plan.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import type { KeyValueStore } from '../../../../state/api/key-value-store.ts';
import { CHECKPOINT_FILE, OffsetCheckpoint } from '../../../../state/checkpoint.ts';
import { Stores } from '../../../../state/stores.ts';
import { testContext } from '../../../state/support.ts';
import type { StateRestoreListener } from '../../../../processors/runtime/restoration/index.ts';
import { bootstrap, createTopics, produce, readUntil, tempStateDir, text, uniqueName, waitForState } from '../../client/helpers.ts';

const PRICES_STORE = 'prices';
const S = Serdes.String();

/** orders (product → quantity) priced from the global `prices` store into `out` ("quantity x price"). */
function plan(pricesTopic: string, ordersTopic: string, outTopic: string): TopologyPlan {
  const globalSource: SourceNodePlan = { kind: 'source', name: 'GLOBAL-SOURCE', topics: [pricesTopic], internal: false, keySerde: S, valueSerde: S, timestampExtractor: undefined, offsetReset: undefined, children: ['GLOBAL-PUT'] };
  const ordersSource: SourceNodePlan = { kind: 'source', name: 'ORDERS', topics: [ordersTopic], internal: false, keySerde: S, valueSerde: S, timestampExtractor: undefined, offsetReset: undefined, children: ['PRICE'] };
  const sink: SinkNodePlan = { kind: 'sink', name: 'OUT', topic: outTopic, internal: false, keySerde: S, valueSerde: S, partitioner: undefined };
  return {
    subtopologies: [{
      id: 0,
      sourceTopics: [ordersTopic],
      stores: [],
      nodes: [ordersSource, {
        kind: 'processor',
        name: 'PRICE',
        stores: [],
        children: ['OUT'],
        supplier: () => {
          let context!: ProcessorContext<unknown, unknown>;
          return {
            init: (c: ProcessorContext<unknown, unknown>) => void (context = c),
            process: async (record) => {
              const prices = context.getStateStore<KeyValueStore<string, string>>(PRICES_STORE);
              const price = await prices.get(record.key as string);
              return context.forward(withValue(record, `${String(record.value)} x ${price ?? 'unknown'}`));
            },
          };
        },
      }, sink],
    }],
    stores: {},
    globalStores: [{
      store: { name: PRICES_STORE, builder: Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRICES_STORE), S, S).withLoggingDisabled(), changelogTopic: undefined },
      source: globalSource,
      processor: {
        kind: 'processor',
        name: 'GLOBAL-PUT',
        stores: [PRICES_STORE],
        children: [],
        supplier: () => {
          let store!: KeyValueStore<string, string>;
          return {
            init: (c: ProcessorContext<never, never>) => void (store = c.getStateStore(PRICES_STORE)),
            process: (record) => store.put(record.key as string, record.value as string),
          };
        },
      },
    }],
    internalTopics: [],
    copartitionGroups: [],
  };
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    try {
      value = await read();
      if (ok(value)) return value;
    } catch (error) {
      if (!isKstError(error, 'KST_STREAMS_STORE_UNAVAILABLE')) throw error;
    }
    if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('global store: restored from all partitions before RUNNING, updated while running, read by tasks and queries, restored from its checkpoint after a restart', { timeout: 120_000 }, async (t) => {
  const prices = uniqueName('kst-gt-prices');
  const orders = uniqueName('kst-gt-orders');
  const out = uniqueName('kst-gt-out');
  await createTopics([{ name: prices, partitions: 3 }, { name: orders, partitions: 2 }, { name: out, partitions: 2 }]);
  const state = tempStateDir();
  t.after(() => state.remove());
  const applicationId = uniqueName('kst-gt');
  const config = { 'application.id': applicationId, 'bootstrap.servers': bootstrap(), 'state.dir': state.dir, 'application.server': 'localhost:7100', 'commit.interval.ms': 200, 'session.timeout.ms': 10_000, 'heartbeat.interval.ms': 500 } as const;
  await produce(Array.from({ length: 300 }, (_, i) => ({ topic: prices, key: text(`p${i % 100}`), value: text(`${i}`) })));

  const restored = { global: 0, starts: 0 };
  const listener: StateRestoreListener = {
    onRestoreStart: (target) => void (target.storeName === PRICES_STORE && restored.starts++),
    onRestoreEnd: (target, total) => void (target.storeName === PRICES_STORE && (restored.global += total)),
  };
  const first = new KafkaStreams(plan(prices, orders, out), config);
  first.setGlobalStateRestoreListener(listener);
  await first.start();
  assert.equal(restored.global, 300, 'start() restored every record of the 3 partitions first');
  await waitForState(first, 'RUNNING');
  const view = first.store({ storeName: PRICES_STORE, queryableStoreType: QueryableStoreTypes.keyValueStore<string, string>() });
  assert.equal(await view.get('p7'), '207');
  let entries = 0;
  for await (const _entry of view.all()) entries++;
  assert.equal(entries, 100);
  assert.deepEqual(first.queryMetadataForKey(PRICES_STORE, 'p7', S), { activeHost: { host: 'localhost', port: 7100 }, standbyHosts: [], partition: -1 }, 'global: every instance has it');

  await produce([{ topic: prices, key: text('p7'), value: text('999') }, { topic: prices, key: text('new'), value: text('1') }]);
  assert.equal(await eventually(() => Promise.resolve(view.get('p7')), (v) => v === '999'), '999', 'updates reach the store while running');
  await produce([{ topic: orders, key: text('p7'), value: text('3') }, { topic: orders, key: text('new'), value: text('2') }]);
  const priced = await readUntil(out, (records) => records.length >= 2);
  assert.deepEqual(priced.map((r) => `${r.key?.toString()}=${r.value?.toString()}`).sort(), ['new=2 x 1', 'p7=3 x 999'], 'stream tasks read the global store');
  assert.equal(await first.close({ timeoutMs: 30_000 }), true);
  assert.ok(existsSync(join(state.dir, applicationId, 'global', '.checkpoint')), 'a close checkpoints the global store');

  await produce([{ topic: prices, key: text('p8'), value: text('888') }]);
  const again = { global: 0, starts: 0 };
  const second = new KafkaStreams(plan(prices, orders, out), config);
  second.setGlobalStateRestoreListener({ onRestoreEnd: (target, total) => void (target.storeName === PRICES_STORE && (again.global += total)) });
  await second.start();
  assert.equal(again.global, 1, 'a restart restores only what was written after the checkpoint');
  await waitForState(second, 'RUNNING');
  const reopened = second.store({ storeName: PRICES_STORE, queryableStoreType: QueryableStoreTypes.keyValueStore<string, string>() });
  assert.deepEqual([await reopened.get('p7'), await reopened.get('p8'), await reopened.get('new')], ['999', '888', '1']);
  assert.equal(await second.close({ timeoutMs: 30_000 }), true);
});

test('global store: a checkpoint past its topic\'s end wipes the store before it opens; a key only the local folder held is not served', { timeout: 120_000 }, async (t) => {
  const prices = uniqueName('kst-gt-prices');
  const orders = uniqueName('kst-gt-orders');
  const out = uniqueName('kst-gt-out');
  await createTopics([{ name: prices, partitions: 1 }, { name: orders, partitions: 1 }, { name: out, partitions: 1 }]);
  const state = tempStateDir();
  t.after(() => state.remove());
  const applicationId = uniqueName('kst-gt');
  const config = { 'application.id': applicationId, 'bootstrap.servers': bootstrap(), 'state.dir': state.dir, 'commit.interval.ms': 200, 'session.timeout.ms': 10_000, 'heartbeat.interval.ms': 500 } as const;
  await produce([{ topic: prices, key: text('p1'), value: text('1') }, { topic: prices, key: text('p2'), value: text('2') }]);
  const first = new KafkaStreams(plan(prices, orders, out), config);
  await first.start();
  assert.equal(await first.close({ timeoutMs: 30_000 }), true);

  const folder = join(state.dir, applicationId, 'global');
  const checkpoint = new OffsetCheckpoint(join(folder, CHECKPOINT_FILE));
  assert.deepEqual(await checkpoint.read(), [{ topic: prices, partition: 0, offset: 2n }], 'a close checkpoints the global store');
  const local = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRICES_STORE), S, S).withLoggingDisabled().withCachingDisabled().build();
  await local.init(testContext(folder, { applicationId, taskId: 'global', partition: 0 }));
  await local.put('ghost', 'local only');
  assert.equal(await local.get('ghost'), 'local only', 'the local-only key landed in the store');
  await local.flush();
  await local.close();
  await checkpoint.write([{ topic: prices, partition: 0, offset: 1_000_000n }]);

  const second = new KafkaStreams(plan(prices, orders, out), config);
  await second.start();
  await waitForState(second, 'RUNNING');
  const view = second.store({ storeName: PRICES_STORE, queryableStoreType: QueryableStoreTypes.keyValueStore<string, string>() });
  const served: Record<string, string> = {};
  for await (const { key, value } of view.all()) served[key] = value;
  assert.deepEqual(served, { p1: '1', p2: '2' }, 'only what the topic holds');
  const metric = (await second.metricsRegistry.getMetricsAsJSON()).find((entry) => entry.name === 'kstreams_state_wiped_total');
  assert.deepEqual(metric?.values.map((value) => [value.labels['reason'], value.value]), [['task-corrupted', 1]]);
  assert.equal(await second.close({ timeoutMs: 30_000 }), true);
});

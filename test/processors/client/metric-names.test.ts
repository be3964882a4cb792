/**
 * The mapping of Kafka Streams' metric names to Prometheus families names only families
 * the engine registers, with the type it says, and every name follows Prometheus'
 * conventions (snake case, a unit, `_total` on counters and only on counters).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { KAFKA_STREAMS_METRICS } from '../../../processors/client/metric-names.ts';
import { ThreadMetrics } from '../../../processors/runtime/thread/thread-metrics.ts';
import { StoreMetrics } from '../../../state/internals/store-metrics.ts';

async function registeredFamilies(): Promise<Map<string, string>> {
  const registry = new Registry();
  const task = { counters: { processed: 3, skipped: 1, dropped: 1, punctuations: 2 }, nodeCounts: () => new Map([['KSTREAM-SOURCE-0000000000', 3], ['order-saga', 3]]) };
  const metrics = ThreadMetrics.register(registry, { applicationId: 'app', thread: 'app-StreamThread-1' }, {
    tasks: () => [{ id: '0_0', task }],
    enforcedProcessing: () => [['0_0', 1]],
    produced: () => 5,
    droppedOnSend: () => 0,
    abortedTransactions: () => 1,
  });
  metrics.startBatch()(3);
  metrics.observeCommit(0.01);
  metrics.setLag('orders', 0, 7);
  metrics.restoreProgress('orders', 'app-orders-changelog', 0, 10, 0);
  metrics.rebalanced();
  const store = StoreMetrics.register(registry, { store: 'orders', task: '0_0', backend: 'rocksdb' });
  store.counts.put = 2;
  store.restoredRecords = 10;
  store.observe('put', performance.now());
  const families = new Map<string, string>();
  for (const family of await registry.getMetricsAsJSON()) families.set(family.name, String(family.type));
  metrics.unregister();
  store.unregister();
  return families;
}

test('every Prometheus family of the mapping is registered by the engine, with the mapped type', async () => {
  const families = await registeredFamilies();
  for (const mapping of KAFKA_STREAMS_METRICS) {
    assert.equal(families.get(mapping.prometheus), mapping.type, `${mapping.kafkaStreams} → ${mapping.prometheus}`);
    assert.ok(mapping.query.includes(mapping.prometheus), `${mapping.kafkaStreams}: its query reads ${mapping.prometheus}`);
  }
});

test('the mapped families follow Prometheus naming: snake case, kstreams_ prefix, _total only on counters, a unit on histograms', () => {
  for (const { kafkaStreams, prometheus, type } of KAFKA_STREAMS_METRICS) {
    assert.match(prometheus, /^kstreams_[a-z0-9_]+$/, kafkaStreams);
    assert.equal(prometheus.endsWith('_total'), type === 'counter', `${prometheus}: _total exactly on counters`);
    if (type === 'histogram') assert.match(prometheus, /_seconds$/, `${prometheus}: a histogram of time says its unit`);
  }
});

test('the mapping covers thread, task, processor-node and state-store metrics, each Kafka Streams name once', () => {
  const groups = new Set(KAFKA_STREAMS_METRICS.map((m) => m.kafkaStreams.split('/')[0]));
  for (const group of ['stream-thread-metrics', 'stream-task-metrics', 'stream-processor-node-metrics', 'stream-state-metrics']) assert.ok(groups.has(group), group);
  const names = KAFKA_STREAMS_METRICS.map((m) => m.kafkaStreams);
  assert.equal(new Set(names).size, names.length);
});

test('the processor-node, rebalance and aborted-transaction families carry the values the thread reports', async () => {
  const registry = new Registry();
  const task = { counters: { processed: 4, skipped: 0, dropped: 0, punctuations: 0 }, nodeCounts: () => new Map([['order-saga', 4]]) };
  const metrics = ThreadMetrics.register(registry, { applicationId: 'app', thread: 't1' }, {
    tasks: () => [{ id: '0_1', task }], enforcedProcessing: () => [], produced: () => 0, droppedOnSend: () => 0, abortedTransactions: () => 2,
  });
  metrics.rebalanced();
  metrics.rebalanced();
  const text = await registry.metrics();
  metrics.unregister();
  assert.match(text, /kstreams_processor_node_processed_records_total\{application_id="app",thread="t1",task="0_1",processor_node="order-saga"\} 4/);
  assert.match(text, /kstreams_thread_rebalances_total\{application_id="app",thread="t1"\} 2/);
  assert.match(text, /kstreams_thread_aborted_transactions_total\{application_id="app",thread="t1"\} 2/);
});

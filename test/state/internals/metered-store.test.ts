import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { SAMPLE_EVERY } from '../../../state/internals/store-metrics.ts';
import { Stores } from '../../../state/stores.ts';
import { tempDir, testContext } from '../support.ts';

test('operations are counted per store and task, latency is sampled, and the series go when the store closes', async () => {
  const dir = tempDir();
  const context = testContext(dir.path);
  const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('metered'), Serdes.String(), Serdes.Long()).build();
  await store.init(context);
  for (let i = 0; i < 2 * SAMPLE_EVERY; i++) store.put(`k${i % 10}`, i);
  for (let i = 0; i < 10; i++) assert.equal(typeof (await store.get(`k${i}`)), 'number');
  await store.flush();
  await store.restoreBatch([{ key: Buffer.from('r'), value: Buffer.alloc(8) }]);

  const text = await context.metricsRegistry.metrics();
  const labels = 'store="metered",task="0_3",backend="in-memory"';
  assert.match(text, new RegExp(`kstreams_state_store_operations_total\\{${labels},operation="put"\\} ${2 * SAMPLE_EVERY}`));
  assert.match(text, new RegExp(`kstreams_state_store_operations_total\\{${labels},operation="get"\\} 10`));
  assert.match(text, new RegExp(`kstreams_state_store_operations_total\\{${labels},operation="flush"\\} 1`));
  assert.match(text, new RegExp(`kstreams_state_store_restored_records_total\\{${labels}\\} 1`));
  assert.match(text, new RegExp(`kstreams_state_store_latency_seconds_count\\{${labels},operation="put"\\} 2`));
  assert.match(text, new RegExp(`kstreams_state_store_latency_seconds_count\\{${labels},operation="flush"\\} 1`));

  await store.close();
  const after = await context.metricsRegistry.metrics();
  assert.doesNotMatch(after, /store="metered"/);
  dir.remove();
});

test('two stores on one registry share the metrics, each with its own series', async () => {
  const dir = tempDir();
  const context = testContext(dir.path);
  const make = (name: string) => Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.String()).build();
  const one = make('one');
  const two = make('two');
  await one.init(context);
  await two.init(context);
  one.put('a', '1');
  two.put('a', '1');
  two.put('b', '1');
  const text = await context.metricsRegistry.metrics();
  assert.match(text, /operations_total\{store="one",task="0_3",backend="in-memory",operation="put"\} 1/);
  assert.match(text, /operations_total\{store="two",task="0_3",backend="in-memory",operation="put"\} 2/);
  await one.close();
  await two.close();
  dir.remove();
});

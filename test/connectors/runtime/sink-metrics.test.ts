import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectMetrics } from '../../../connectors/runtime/sink-metrics.ts';

test('a sink task counts records read, written and dead-lettered, times its puts and reports lag per partition', async () => {
  const metrics = new ConnectMetrics({ processMetrics: false });
  const task = metrics.task('orders-pg', 0);
  task.read(10);
  task.written(9, 0.02);
  task.deadLettered();
  task.setLag([{ topic: 'orders.events', partition: 0, lag: 5 }, { topic: 'orders.events', partition: 1, lag: 0 }]);
  const text = await metrics.registry.metrics();
  const labels = 'connector="orders-pg",task="0"';
  assert.match(text, new RegExp(`^kafka_connect_sink_task_records_read_total\\{${labels}\\} 10$`, 'm'));
  assert.match(text, new RegExp(`^kafka_connect_sink_task_records_written_total\\{${labels}\\} 9$`, 'm'));
  assert.match(text, new RegExp(`^kafka_connect_sink_task_dead_letter_records_total\\{${labels}\\} 1$`, 'm'));
  assert.match(text, new RegExp(`^kafka_connect_sink_task_put_batch_duration_seconds_count\\{${labels}\\} 1$`, 'm'));
  assert.match(text, new RegExp(`^kafka_connect_sink_task_consumer_lag_records\\{${labels},topic="orders.events",partition="0"\\} 5$`, 'm'));
});

test('a partition the task no longer owns, and a stopped task, lose their lag series; counters start at 0', async () => {
  const metrics = new ConnectMetrics({ processMetrics: false });
  const task = metrics.task('products-os', 1);
  assert.match(await metrics.registry.metrics(), /^kafka_connect_sink_task_records_read_total\{connector="products-os",task="1"\} 0$/m);
  task.setLag([{ topic: 't', partition: 0, lag: 1 }, { topic: 't', partition: 1, lag: 2 }]);
  task.setLag([{ topic: 't', partition: 1, lag: 3 }]);
  let text = await metrics.registry.metrics();
  assert.doesNotMatch(text, /partition="0"/);
  assert.match(text, /partition="1"\} 3$/m);
  task.close();
  text = await metrics.registry.metrics();
  assert.doesNotMatch(text, /kafka_connect_sink_task_consumer_lag_records\{/);
});

/**
 * Observability of real processes against the shared stack: two service processes (order
 * and inventory, started by the platform launcher as `npm start` does) and a Connect
 * worker process with a sink on the order events. After a few orders (some reserved, one
 * rejected for an unknown product):
 *
 * - each service serves `/metrics` on the port it printed, the worker on its REST port;
 * - every metric the Grafana dashboards query exists on those live scrapes, and those that
 *   measure what just happened (records processed, commits, saga steps, records written…)
 *   are non-zero; only those that count trouble or catching up may be zero;
 * - the services' stdout is JSON log lines with service, instance, thread and orderId;
 * - the worker's log levels change at run time through `/admin/loggers`, and its JSON
 *   lines follow (a sink task's `started` line disappears when its namespace is set to ERROR).
 */

import '../support/exit-after-tests.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kafkaClientConfig } from '../../processors/kafka/index.ts';
import { RegistryClient } from '../../schemas/registry/registry-client.ts';
import { Platform } from '../../scripts/platform/services.ts';
import { endpoints, loadStackConfig } from '../../scripts/stack/config.ts';
import { prefixedTopics } from '../../topologies/ecommerce/contracts/topics.ts';
import { createEcommerceSerdes } from '../../topologies/ecommerce/serdes.ts';
import { clusterNames, http, until } from '../connectors/helpers.ts';
import { freePort, WorkerProcess } from '../connectors/worker-process.ts';
import { CommandSender } from '../integration/ecommerce/support/command-sender.ts';
import { dashboardExpressions, familyOf, metricNames, parseScrape, type Scrape } from '../support/promql-names.ts';
import { uniqueName } from '../support/names.ts';

const stack = endpoints(loadStackConfig());
const id = uniqueName('obs');
const prefix = `${id}-`;
const topics = prefixedTopics(prefix);
const dir = mkdtempSync(join(tmpdir(), `${id}-`));

/** Families that count trouble or catching up: on a healthy run they may be zero or have no series yet. */
const MAY_BE_ZERO = new Set([
  'kstreams_consumer_lag_records', 'kstreams_restore_remaining_records', 'kstreams_restore_records_total',
  'kstreams_task_skipped_records_total', 'kstreams_task_dropped_records_total', 'kstreams_task_enforced_processing_total',
  'kstreams_thread_aborted_transactions_total',
  'kafka_connect_sink_task_consumer_lag_records', 'kafka_connect_sink_task_dead_letter_records_total',
]);

let platform: Platform;
let worker: WorkerProcess;

async function scrape(url: string): Promise<{ text: string; parsed: Scrape }> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, parsed: parseScrape(text) };
}

const sinkConnector = (name: string): Record<string, string> => ({
  'connector.class': 'io.kstreams.connect.memory.MemorySinkConnector',
  topics: topics.orderEvents,
  'tasks.max': '1',
  'memory.sink.id': name,
  'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
  'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
});

before(async () => {
  platform = await Platform.start(
    { services: ['order', 'inventory'], supervise: false, 'query.base.port': 0, 'metrics.base.port': 0, 'state.dir': join(dir, 'state'), 'log.dir': join(dir, 'logs') },
    {
      'bootstrap.servers': stack.kafkaBootstrap, 'schema.registry.url': stack.registryUrl, 'topic.prefix': prefix, 'topic.partitions': 2,
      'session.timeout.ms': 6_000, 'heartbeat.interval.ms': 1_000, 'log.level': 'debug',
    },
  );
  worker = new WorkerProcess(clusterNames(`${id}-connect`), await freePort());
  await worker.start();
  const created = await http(worker.url, 'PUT', `/connectors/${id}-orders/config`, sinkConnector(`${id}-orders`));
  assert.equal(created.status, 201, JSON.stringify(created.body));

  const sender = new CommandSender(kafkaClientConfig.parse({ 'bootstrap.servers': stack.kafkaBootstrap, 'client.id': `${id}-client` }), topics, await createEcommerceSerdes(new RegistryClient({ url: stack.registryUrl }), topics));
  sender.upsertProduct('p-1', 100, 500);
  await sender.flush();
  for (let n = 0; n < 4; n++) sender.createOrder(`o-${n}`, 'c-1', [{ productId: 'p-1', quantity: 1 }]);
  sender.createOrder('o-unknown', 'c-1', [{ productId: 'p-none', quantity: 1 }]);
  await sender.flush();
  await sender.close();
}, { timeout: 300_000 });

after(async () => {
  await worker?.stop();
  await platform?.stop();
});

test('each service process serves /metrics on the port it printed, and the saga steps appear there once orders move', { timeout: 180_000 }, async () => {
  const order = platform.process('order', 0);
  const inventory = platform.process('inventory', 0);
  for (const service of [order, inventory]) assert.match(service.metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/, service.name);
  assert.notEqual(order.metricsUrl, inventory.metricsUrl);
  let last = '';
  await until('the order service counted PENDING → RESERVED and PENDING → REJECTED steps', async () => {
    last = (await scrape(order.metricsUrl)).text;
    return /ecommerce_saga_step_duration_seconds_count\{from="PENDING",to="RESERVED"\} [1-9]/.test(last)
      && /ecommerce_saga_step_duration_seconds_count\{from="PENDING",to="REJECTED"\} [1-9]/.test(last);
  }, 150_000, 1_000).catch((error: unknown) => assert.fail(`${(error as Error).message}\nlast scrape's saga lines:\n${last.split('\n').filter((l) => l.includes('saga')).join('\n')}\n${order.tail(20)}`));
  assert.match(last, new RegExp(`^kstreams_thread_processed_records_total\\{application_id="${prefix}ecommerce-order",thread="[^"]+"\\} [1-9]`, 'm'));
  assert.match(last, /^kstreams_processor_node_processed_records_total\{[^}]*processor_node="order-saga"\} [1-9]/m);
  assert.match(last, /^kstreams_thread_rebalances_total\{[^}]*\} [1-9]/m);
});

test('every metric the dashboards query exists on live scrapes of the services and the worker, non-zero unless it counts trouble', { timeout: 240_000 }, async () => {
  const urls = [platform.process('order', 0).metricsUrl, platform.process('inventory', 0).metricsUrl, `${worker.url}/metrics`];
  const folder = new URL('../../observability/grafana/dashboards/', import.meta.url);
  const wanted = new Map<string, string>();
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.json'))) {
    for (const expression of dashboardExpressions(JSON.parse(readFileSync(new URL(file, folder), 'utf8')))) {
      for (const metric of metricNames(expression)) wanted.set(metric, file);
    }
  }
  assert.ok(wanted.size > 20, `the dashboards query ${wanted.size} metrics`);
  let missing: string[] = [];
  // Lag is measured every 30 s and the sink's records arrive after the saga's: wait until all is there.
  await until('every dashboard metric is on a scrape (non-zero where it should be)', async () => {
    const scrapes = await Promise.all(urls.map(scrape));
    const families = new Set(scrapes.flatMap((s) => [...s.parsed.families]));
    const total = (family: string): number => scrapes.reduce((sum, s) => sum + (s.parsed.totals.get(family) ?? 0), 0);
    missing = [];
    for (const [metric, file] of wanted) {
      const family = familyOf(metric, families);
      if (!families.has(family)) missing.push(`${metric} (${file}): not on any scrape`);
      else if (!MAY_BE_ZERO.has(family) && total(family) === 0) missing.push(`${metric} (${file}): zero`);
    }
    return missing.length === 0;
  }, 200_000, 2_000).catch((error: unknown) => assert.fail(`${(error as Error).message}:\n${missing.join('\n')}\n${worker.output()}`));
  const worked = (await scrape(`${worker.url}/metrics`)).text;
  assert.match(worked, new RegExp(`^kafka_connect_sink_task_records_written_total\\{connector="${id}-orders",task="0"\\} [1-9]`, 'm'));
  assert.match(worked, new RegExp(`^kafka_connect_sink_task_consumer_lag_records\\{connector="${id}-orders",task="0",topic="${topics.orderEvents}",partition="\\d"\\} \\d+`, 'm'));
});

test('the services log JSON lines with service, instance, thread and, at debug, each order step with its orderId', { timeout: 60_000 }, async () => {
  const order = platform.process('order', 0);
  let entries: Array<Record<string, unknown>> = [];
  await until('the order log has a debug line for order o-0', () => {
    entries = readFileSync(order.logFile, 'utf8').split('\n')
      .map((line) => line.slice(line.indexOf(' ') + 1))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return entries.some((entry) => entry['orderId'] === 'o-0');
  }, 30_000, 500).catch(() => assert.fail(`no orderId line in ${order.logFile}:\n${order.tail(30)}`));
  assert.ok(entries.every((entry) => entry['service'] === 'order' && entry['instance'] === 'order-0' && typeof entry['level'] === 'string' && typeof entry['msg'] === 'string' && typeof entry['time'] === 'string'));
  assert.ok(entries.some((entry) => typeof entry['thread'] === 'string' && /StreamThread-1$/.test(entry['thread'] as string) && Array.isArray(entry['tasks'])), 'the thread logs its assignment');
  const step = entries.find((entry) => entry['orderId'] === 'o-0');
  assert.equal(step?.['level'], 'debug');
  assert.match(String(step?.['msg']), /^order PENDING → RESERVED after \d+ ms$/);
  // The launcher's contract lines are still plain text beside the JSON.
  assert.match(readFileSync(order.logFile, 'utf8'), new RegExp(`^\\S+ ${prefix}ecommerce-order state RUNNING$`, 'm'));
});

test('/admin/loggers lists and changes the worker\'s levels at run time, and its JSON log lines follow', { timeout: 120_000 }, async () => {
  const taskStarted = (connector: string): RegExp => new RegExp(`^\\{.*"level":"info".*"logger":"io\\.kstreams\\.connect\\.runtime\\.WorkerSinkTask\\.${connector}","connector":"${connector}","task":"${connector}-0","msg":"${connector}-0 started"\\}$`);
  await until('the first sink task logged that it started, as a JSON line', () => worker.count(taskStarted(`${id}-orders`)) === 1, 30_000).catch(() => assert.fail(worker.output()));
  const listed = await http(worker.url, 'GET', '/admin/loggers');
  assert.equal(listed.status, 200);
  const levels = listed.body as Record<string, { level: string }>;
  assert.equal(levels['root']?.level, 'INFO');
  assert.equal(levels[`io.kstreams.connect.runtime.WorkerSinkTask.${id}-orders`]?.level, 'INFO');

  const put = await http(worker.url, 'PUT', '/admin/loggers/io.kstreams.connect.runtime.WorkerSinkTask', { level: 'ERROR' });
  assert.equal(put.status, 200);
  assert.ok((put.body as string[]).includes(`io.kstreams.connect.runtime.WorkerSinkTask.${id}-orders`), JSON.stringify(put.body));
  assert.equal(((await http(worker.url, 'GET', `/admin/loggers/io.kstreams.connect.runtime.WorkerSinkTask.${id}-orders`)).body as { level: string }).level, 'ERROR');
  assert.equal((await http(worker.url, 'PUT', '/admin/loggers/root', { level: 'LOUD' })).status, 404, 'an unknown level is refused');

  // A second connector's task logs under the ERROR namespace: its `started` line must not appear.
  const second = `${id}-quiet`;
  assert.equal((await http(worker.url, 'PUT', `/connectors/${second}/config`, sinkConnector(second))).status, 201);
  await until(`${second}'s task runs`, async () => ((await http(worker.url, 'GET', `/connectors/${second}/status`)).body as { tasks?: Array<{ state: string }> }).tasks?.[0]?.state === 'RUNNING', 60_000, 300);
  await until(`${second}'s task read records`, async () => new RegExp(`kafka_connect_sink_task_records_read_total\\{connector="${second}",task="0"\\} [1-9]`).test((await scrape(`${worker.url}/metrics`)).text), 60_000, 500);
  assert.equal(worker.count(taskStarted(second)), 0, `no INFO line of ${second} at ERROR:\n${worker.output()}`);
  assert.equal(worker.count(/"connector":"[^"]*-quiet"/), 0);
});

/** Shared set-up for the Connect worker's broker tests: workers on random ports, HTTP calls, waiting. */

import { randomBytes } from 'node:crypto';
import { endpoints, loadStackConfig } from '../../scripts/stack/config.ts';
import { KafkaAdmin, KafkaProducer, PartitionReader, kafkaClientConfig, type KafkaClientConfig, type KafkaRecord, type ProducerRecord } from '../../processors/kafka/index.ts';
import { Worker } from '../../connectors/worker.ts';

export const bootstrap = (): string => endpoints(loadStackConfig()).kafkaBootstrap;

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function clientConfig(): KafkaClientConfig {
  return kafkaClientConfig.parse({ 'bootstrap.servers': bootstrap(), 'client.id': 'kst-connect-test', retries: 10, 'retry.backoff.ms': 200 });
}

/** One worker cluster's names: group and internal topics. */
export function clusterNames(prefix = 'kst-connect'): Record<string, string> {
  const id = unique(prefix);
  return { 'group.id': id, 'config.storage.topic': `${id}-configs`, 'status.storage.topic': `${id}-status`, 'offset.storage.topic': `${id}-offsets` };
}

/** Starts a worker of `cluster` on a free port, quiet, with short timeouts for tests. */
export async function startWorker(cluster: Record<string, string>, overrides: Record<string, unknown> = {}, logSink?: (line: string) => void): Promise<Worker> {
  const worker = new Worker({
    'bootstrap.servers': bootstrap(), ...cluster, 'rest.port': 0, 'offset.flush.interval.ms': 300,
    'status.storage.partitions': 1, 'offset.storage.partitions': 1, 'session.timeout.ms': 6_000, 'heartbeat.interval.ms': 500, 'rebalance.timeout.ms': 10_000,
    ...overrides,
  }, { logSink: logSink ?? (process.env['CONNECT_TEST_LOG'] === '1' ? (line) => console.log(line) : () => undefined), taskConsumer: { 'session.timeout.ms': 6_000, 'heartbeat.interval.ms': 500, 'rebalance.timeout.ms': 10_000 } });
  await worker.start();
  await until('the worker joined its cluster', async () => (await fetch(`${worker.url}/health`)).status === 200);
  return worker;
}

export interface Answer { readonly status: number; readonly body: unknown; readonly headers: Headers }

export async function http(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(base + path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) as unknown, headers: response.headers };
}

/** Polls until `done()` holds or the deadline passes (then throws with `what`). */
export async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 30_000, stepMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export interface Broker {
  readonly admin: KafkaAdmin;
  readonly producer: KafkaProducer;
  topic(partitions?: number): Promise<string>;
  send(records: readonly ProducerRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** Topics created through it are deleted on close; `client` for another listener (SASL_SSL). */
export function broker(client: KafkaClientConfig = clientConfig()): Broker {
  const admin = new KafkaAdmin(client);
  const producer = new KafkaProducer(client);
  const created: string[] = [];
  return {
    admin,
    producer,
    async topic(partitions = 1) {
      const name = unique('kst-connect-in');
      await admin.createTopics([{ name, partitions }]);
      created.push(name);
      return name;
    },
    async send(records) {
      await producer.send(records);
    },
    async close() {
      await admin.deleteTopics(created, { ifExists: true }).catch(() => undefined);
      await producer.close();
      await admin.close();
    },
  };
}

/** Deletes a worker cluster's internal topics. */
export async function dropCluster(admin: KafkaAdmin, cluster: Record<string, string>): Promise<void> {
  await admin.deleteTopics([cluster['config.storage.topic'] as string, cluster['status.storage.topic'] as string, cluster['offset.storage.topic'] as string], { ifExists: true }).catch(() => undefined);
}

/**
 * Reads a topic's partition 0 from the start until `count` records came, or until `done`
 * holds for what was read (DLQ checks; a DLQ is at-least-once, like the sink).
 */
export async function readAll(topic: string, count: number, timeoutMs = 30_000, done = (records: readonly KafkaRecord[]): boolean => records.length >= count): Promise<KafkaRecord[]> {
  const reader = new PartitionReader(clientConfig(), { maxWaitMs: 200 });
  try {
    reader.assign([{ topic, partition: 0, offset: 'earliest' }]);
    const out: KafkaRecord[] = [];
    await until(`${count} records in ${topic}`, async () => {
      out.push(...await reader.poll());
      return done(out);
    }, timeoutMs, 0);
    return out;
  } finally {
    await reader.close();
  }
}

/** A record header as text. */
export const header = (record: KafkaRecord, key: string): string | undefined => record.headers.find(([k]) => k === key)?.[1].toString('utf8');

/**
 * README's first command, `npm start`: brings the local stack up (reusing servers that
 * already run) and checks the platform path end to end: records produced through the
 * Kafka adapter and consumed back by a consumer group, an Avro record through the schema
 * registry, a document in OpenSearch and a row in PostgreSQL. Then starts the platform
 * (scripts/start/platform.ts): the e-commerce services with their query servers, the
 * Connect worker with the read-model connectors, and the gateway; prints where each
 * listens, restarts any of them that crashes (printing the crash, the restart and how long
 * it took to be healthy again) and runs until Ctrl-C, which stops them and restarts
 * nothing. The servers keep running; `npm run stack -- down` stops them.
 */

import pg from 'pg';
import { endpoints, loadStackConfig } from './stack/config.ts';
import { up } from './stack/stack.ts';
import { startPlatform } from './start/platform.ts';
import { KafkaAdmin, KafkaConsumer, KafkaProducer, allMembersRangeAssignor, kafkaClientConfig, kafkaConsumerConfig } from '../processors/kafka/index.ts';
import { RegistryClient } from '../schemas/registry/registry-client.ts';
import { AvroSerde } from '../schemas/serdes/avro.ts';

const SMOKE_RECORDS = 1000;

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  process.stdout.write(`smoke: ${name}… `);
  const result = await run();
  console.log(`ok (${Date.now() - started} ms)`);
  return result;
}

async function kafkaRoundTrip(bootstrap: string): Promise<void> {
  const client = kafkaClientConfig.parse({ 'bootstrap.servers': bootstrap, 'client.id': 'kst-smoke' });
  const topic = `platform.smoke-${Date.now().toString(36)}`;
  const admin = new KafkaAdmin(client);
  const producer = new KafkaProducer(client);
  const consumer = new KafkaConsumer(client, kafkaConsumerConfig.parse({ 'group.id': `${topic}-group`, 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 100 }), {
    assignor: allMembersRangeAssignor(() => Buffer.from('smoke')),
  });
  try {
    await admin.createTopics([{ name: topic, partitions: 3, replicationFactor: 1 }]);
    const sent = Array.from({ length: SMOKE_RECORDS }, (_, i) => ({ topic, key: Buffer.from(`k${i}`), value: Buffer.from(JSON.stringify({ i })) }));
    await producer.send(sent);
    await consumer.subscribe([topic]);
    const seen = new Set<string>();
    const deadline = Date.now() + 60_000;
    while (seen.size < SMOKE_RECORDS) {
      if (Date.now() > deadline) throw new Error(`consumed ${seen.size} of ${SMOKE_RECORDS} records within 60 s`);
      const batch = await consumer.poll();
      for (const record of batch.records) seen.add(record.key?.toString() ?? '');
    }
  } finally {
    await consumer.close();
    await producer.close();
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
}

async function avroRoundTrip(registryUrl: string): Promise<void> {
  const registry = new RegistryClient({ url: registryUrl });
  const schema = { type: 'record', name: 'Smoke', namespace: 'platform', fields: [{ name: 'id', type: 'string' }, { name: 'n', type: 'int' }] };
  const serde = await AvroSerde.create<{ id: string; n: number }>(registry, { schema, topic: 'platform.smoke' });
  const bytes = serde.serialize('platform.smoke', { id: 'a', n: 1 });
  await serde.prepare('platform.smoke', [bytes]);
  const back = serde.deserialize('platform.smoke', bytes);
  if (back?.id !== 'a' || back.n !== 1) throw new Error(`Avro round trip returned ${JSON.stringify(back)}`);
}

async function opensearchRoundTrip(url: string): Promise<void> {
  const index = 'platform-smoke';
  const put = await fetch(`${url}/${index}/_doc/1?refresh=true`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true }) });
  if (!put.ok) throw new Error(`OpenSearch index answered ${put.status}: ${await put.text()}`);
  const get = await fetch(`${url}/${index}/_doc/1`);
  if (!get.ok) throw new Error(`OpenSearch get answered ${get.status}`);
  await fetch(`${url}/${index}`, { method: 'DELETE' });
}

async function postgresRoundTrip(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ answer: number }>('SELECT 41 + 1 AS answer');
    if (result.rows[0]?.answer !== 42) throw new Error('PostgreSQL answered wrongly');
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const config = loadStackConfig();
  await up(config, undefined, (line) => console.log(`stack: ${line}`));
  const urls = endpoints(config);
  await step(`Kafka: ${SMOKE_RECORDS} records produced and consumed by a group`, () => kafkaRoundTrip(urls.kafkaBootstrap));
  await step('schema registry: Avro record round trip', () => avroRoundTrip(urls.registryUrl));
  await step('OpenSearch: index and get a document', () => opensearchRoundTrip(urls.opensearchUrl));
  await step('PostgreSQL: query', () => postgresRoundTrip(urls.postgresUrl));
  console.log('platform: starting the services, the Connect worker and the gateway…');
  const platform = await startPlatform(urls);
  const width = Math.max(...platform.describe().map(([what]) => what.length), 18);
  const lines = [
    ['Kafka', urls.kafkaBootstrap],
    ['schema registry', urls.registryUrl],
    ['OpenSearch', urls.opensearchUrl],
    ['PostgreSQL', urls.postgresUrl],
    ...platform.describe(),
  ].map(([what, where]) => `  ${(what as string).padEnd(width)}  ${where as string}`);
  console.log(`\nThe platform is up:\n${lines.join('\n')}\n
Try it: npm run demo
Ctrl-C stops the services, the gateway and the worker; the servers keep running
(npm run stack -- down stops them).`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nplatform: stopping…');
    platform.stop().then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

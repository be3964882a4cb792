/**
 * Kafka I/O of the platform benchmark, with the project's own adapter and serdes (Avro in
 * the Confluent wire format, the schemas the services use): commands produced straight to
 * the command topics, and a read_committed reader of the services' event topics that
 * decodes each record and hands it over with the time it arrived, which is when the
 * outside world can see it (after the services' transaction committed).
 *
 * @example
 * ```ts
 * const io = await BenchKafka.create({ bootstrap: '127.0.0.1:9092', registryUrl, prefix: 'bench-1.' });
 * await io.send(io.topics.orderCommands, io.serdes.orderCommand, commands.map((c) => [c.orderId, c]));
 * const reader = io.read(io.topics.orderEvents, io.serdes.orderEvent, (key, event, atMs) => { ... });
 * await reader.close();
 * ```
 */

import { randomUUID } from 'node:crypto';
import { allMembersRangeAssignor, KafkaConsumer, kafkaClientConfig, kafkaConsumerConfig, KafkaProducer } from '../../processors/kafka/index.ts';
import { RegistryClient } from '../../schemas/registry/registry-client.ts';
import type { PreparableSerde } from '../../schemas/serdes/serde.ts';
import { prefixedTopics, type TopicNames } from '../../topologies/ecommerce/contracts/topics.ts';
import { createEcommerceSerdes, type EcommerceSerdes } from '../../topologies/ecommerce/serdes.ts';

export interface TopicReader {
  /** Records handed over so far. */
  readonly count: () => number;
  close(): Promise<void>;
}

export class BenchKafka {
  readonly topics: TopicNames;
  readonly serdes: EcommerceSerdes;
  readonly #bootstrap: string;
  readonly #producer: KafkaProducer;

  private constructor(bootstrap: string, topics: TopicNames, serdes: EcommerceSerdes) {
    this.#bootstrap = bootstrap;
    this.topics = topics;
    this.serdes = serdes;
    this.#producer = new KafkaProducer(kafkaClientConfig.parse({ 'bootstrap.servers': bootstrap, 'client.id': 'bench-platform-producer' }));
  }

  static async create(options: { readonly bootstrap: string; readonly registryUrl: string; readonly prefix: string }): Promise<BenchKafka> {
    const topics = prefixedTopics(options.prefix);
    const serdes = await createEcommerceSerdes(new RegistryClient({ url: options.registryUrl, clientId: 'bench-platform' }), topics);
    return new BenchKafka(options.bootstrap, topics, serdes);
  }

  /** Produces keyed values (idempotent producer), in batches of 1 000, each awaited. */
  async send<T>(topic: string, serde: PreparableSerde<T>, entries: ReadonlyArray<readonly [string, T]>): Promise<void> {
    for (let i = 0; i < entries.length; i += 1_000) {
      await this.#producer.send(entries.slice(i, i + 1_000).map(([key, value]) => ({ topic, key: Buffer.from(key, 'utf8'), value: serde.serialize(topic, value) })));
    }
  }

  /** Reads `topic` from the beginning, read_committed, until closed; `onRecord` gets each decoded value and `Date.now()` of its arrival. */
  read<T>(topic: string, serde: PreparableSerde<T>, onRecord: (key: string, value: T, arrivedAtMs: number) => void): TopicReader {
    const consumer = new KafkaConsumer(kafkaClientConfig.parse({ 'bootstrap.servers': this.#bootstrap, 'client.id': 'bench-platform-reader' }), kafkaConsumerConfig.parse({
      'group.id': `bench-platform-reader-${randomUUID()}`,
      'isolation.level': 'read_committed',
      'auto.offset.reset': 'earliest',
      // Short waits: the arrival time is the latency's end.
      'fetch.max.wait.ms': 20,
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 1_000,
    }), { assignor: allMembersRangeAssignor(() => Buffer.alloc(0)) });
    consumer.subscribe([topic]);
    let open = true;
    let count = 0;
    let failure: unknown;
    const loop = (async () => {
      while (open) {
        const batch = await consumer.poll();
        const arrivedAtMs = Date.now();
        if (batch.records.length === 0) continue;
        await serde.prepare(topic, batch.records.map((r) => r.value));
        for (const record of batch.records) {
          if (record.value === null) continue;
          const value = serde.deserialize(topic, record.value);
          if (value === null) continue;
          count += 1;
          onRecord(record.key?.toString('utf8') ?? '', value, arrivedAtMs);
        }
      }
    })().catch((error: unknown) => {
      failure = error;
    });
    return {
      count: () => count,
      close: async () => {
        open = false;
        await loop;
        await consumer.close();
        if (failure !== undefined) throw failure;
      },
    };
  }

  close(): Promise<void> {
    return this.#producer.close();
  }
}

/**
 * The plain producer: idempotent by default (acks=all, producer id + sequence numbers,
 * so the library's retries never write a record twice). Used for at-least-once
 * processing, the gateway's commands and the connectors' dead-letter topic.
 */

import { Producer, type ProduceResult as WireProduceResult } from '@platformatic/kafka';
import { toBaseOptions, type KafkaClientConfig, type KafkaProducerConfig } from './config.ts';
import { mapped } from './errors.ts';
import { headerSerializers, javaCompatiblePartitioner, toMessages } from './records.ts';
import type { KafkaHeader, ProduceResult, ProducerRecord } from './types.ts';

/** The library producer as the adapter configures it (bytes in, our header tuples). */
export type WireProducer = Producer<Buffer, Buffer, KafkaHeader, KafkaHeader>;

/** Builds a library producer; `transactionalId` makes it transactional (and idempotent). */
export function createWireProducer(client: KafkaClientConfig, producer: KafkaProducerConfig, transactionalId?: string): WireProducer {
  const idempotent = transactionalId !== undefined || producer['enable.idempotence'];
  return new Producer<Buffer, Buffer, KafkaHeader, KafkaHeader>({
    ...toBaseOptions(client, transactionalId === undefined ? 'producer' : `txn-${transactionalId}`),
    idempotent,
    ...(idempotent ? {} : { acks: -1 }),
    compression: producer['compression.type'],
    partitioner: javaCompatiblePartitioner,
    serializers: headerSerializers,
    ...(transactionalId === undefined ? {} : { transactionalId }),
  });
}

/** Maps the library's per-partition base offsets onto ours. */
export function toProduceResult(result: WireProduceResult): ProduceResult {
  return (result.offsets ?? []).map(({ topic, partition, offset }) => ({ topic, partition, offset }));
}

/**
 * An idempotent producer. `send` takes a whole batch and resolves once every record is
 * acknowledged; callers batch, the adapter never awaits per record.
 *
 * @example
 * ```ts
 * const producer = new KafkaProducer(clientConfig);
 * await producer.send([{ topic: 'orders.commands', key: Buffer.from('o-1'), value: Buffer.from('{}') }]);
 * await producer.close();
 * ```
 */
export class KafkaProducer {
  readonly #producer: WireProducer;

  constructor(client: KafkaClientConfig, config: KafkaProducerConfig = { 'compression.type': 'none', 'enable.idempotence': true }) {
    this.#producer = createWireProducer(client, config);
  }

  /** Writes a batch: one request per partition leader, all awaited together. */
  async send(records: readonly ProducerRecord[]): Promise<ProduceResult> {
    if (records.length === 0) return [];
    const result = await mapped('KST_KAFKA_PRODUCE', `producing ${records.length} records failed`, { count: records.length }, () =>
      this.#producer.send({ messages: toMessages(records) }));
    return toProduceResult(result);
  }

  /** Flushing is implicit: `send` resolves only when its batch is acknowledged. */
  async close(): Promise<void> {
    await mapped('KST_KAFKA_CONNECTION', 'closing the producer failed', {}, () => this.#producer.close());
  }
}

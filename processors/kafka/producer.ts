/**
 * The plain producer: idempotent by default (acks=all, producer id + sequence numbers,
 * so the library's retries never write a record twice). Used for at-least-once
 * processing, the gateway's commands and the connectors' dead-letter topic.
 */

import { Producer, type ProduceResult as WireProduceResult } from './library.ts';
import { hookApis, wrapApi, type ApiFunction } from './api-hooks.ts';
import { toBaseOptions, type KafkaClientConfig, type KafkaProducerConfig } from './config.ts';
import { KstError } from '../../common/errors.ts';
import { mapped, toKstError, tooLargePartitions } from './errors.ts';
import { planSend, ResultMerger, type SendOptions } from './planned-send.ts';
import { fastProduce } from './produce-encoder.ts';
import { ProduceLimits, sendWaves, type PlannedRequest } from './produce-requests.ts';
import { headerSerializers, javaCompatiblePartitioner, toMessages } from './records.ts';
import type { KafkaHeader, ProduceResult, ProducerRecord } from './types.ts';

/** The library producer as the adapter configures it (bytes in, our header tuples). */
export type WireProducer = Producer<Buffer, Buffer, KafkaHeader, KafkaHeader>;

/** Builds a library producer; `transactionalId` makes it transactional (and idempotent). */
export function createWireProducer(client: KafkaClientConfig, producer: KafkaProducerConfig, transactionalId?: string): WireProducer {
  const idempotent = transactionalId !== undefined || producer['enable.idempotence'];
  const wire = new Producer<Buffer, Buffer, KafkaHeader, KafkaHeader>({
    ...toBaseOptions(client, transactionalId === undefined ? 'producer' : `txn-${transactionalId}`),
    idempotent,
    ...(idempotent ? {} : { acks: -1 }),
    compression: producer['compression.type'],
    partitioner: javaCompatiblePartitioner,
    serializers: headerSerializers,
    ...(transactionalId === undefined ? {} : { transactionalId }),
  });
  // Produce requests are encoded by the adapter in one pass (produce-encoder.ts). The library
  // sends its request timeout as the transaction timeout; ours is a setting of its own.
  const transactionTimeoutMs = producer['transaction.timeout.ms'];
  hookApis(wire, {
    Produce: fastProduce,
    ...(transactionalId === undefined ? {} : { InitProducerId: (api: ApiFunction) => wrapApi(api, (args, invoke, done) => invoke([args[0], transactionTimeoutMs, ...args.slice(2)], done)) }),
  });
  return wire;
}

/** Kafka's producer defaults, for callers that build a producer without a parsed config. */
export const DEFAULT_PRODUCER_CONFIG: KafkaProducerConfig = Object.freeze({ 'compression.type': 'none', 'enable.idempotence': true, 'batch.size': 16_384, 'max.request.size': 1_048_576, 'transaction.timeout.ms': 60_000 });

/** The configured request bounds of a producer. */
export function produceLimits(config: KafkaProducerConfig): ProduceLimits {
  return new ProduceLimits(config['batch.size'], config['max.request.size']);
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
  readonly #limits: ProduceLimits;

  constructor(client: KafkaClientConfig, config: KafkaProducerConfig = DEFAULT_PRODUCER_CONFIG) {
    this.#producer = createWireProducer(client, config);
    this.#limits = produceLimits(config);
  }

  /**
   * Writes a batch in requests of at most `max.request.size` (see `produce-requests.ts`).
   * All requests of one send are handed to the library at once, in order, before this
   * call yields, so concurrent sends keep each partition in send order as one request per
   * send did. A record too large to send goes to `options.onTooLarge`, or fails the send
   * before anything is written. When the broker refuses a batch as too large (the topic's
   * `max.message.bytes` is below our bounds), the producer lowers its bound for that topic
   * and sends the refused records again under it, so what still does not fit ends at
   * `onTooLarge` too (under at-least-once they may land after later records of their
   * partition); the other batches of the send were written.
   */
  async send(records: readonly ProducerRecord[], options: SendOptions = {}): Promise<ProduceResult> {
    if (records.length === 0) return [];
    const merger = new ResultMerger();
    let pending: readonly ProducerRecord[] = records;
    while (pending.length > 0) {
      const planned = pending;
      const requests = await mapped('KST_KAFKA_PRODUCE', `producing ${planned.length} records failed`, { count: planned.length }, () => planSend(this.#producer, planned, this.#limits, options));
      pending = [];
      const waves = sendWaves(requests);
      for (let w = 0; w < waves.length; w++) {
        const wave = waves[w] as PlannedRequest[];
        const answers = await Promise.allSettled(wave.map((request) => this.#producer.send({ messages: toMessages(request.records) })));
        const again: ProducerRecord[] = [];
        for (let i = 0; i < answers.length; i++) {
          const answer = answers[i] as PromiseSettledResult<WireProduceResult>;
          if (answer.status === 'fulfilled') {
            merger.add(toProduceResult(answer.value));
            continue;
          }
          const request = wave[i] as PlannedRequest;
          const coded = toKstError(answer.reason, 'KST_KAFKA_PRODUCE', `producing ${request.records.length} records failed`, { count: request.records.length });
          const refused = coded.code === 'KST_KAFKA_RECORD_TOO_LARGE' ? tooLargePartitions(answer.reason) : [];
          if (refused.length === 0) throw coded;
          for (const record of this.#refused(request, refused)) again.push(record);
        }
        if (again.length > 0) {
          // Planned again under the lowered bound, with every wave not sent yet after them:
          // a partition's refused records still come before its later ones.
          pending = [...again, ...waves.slice(w + 1).flatMap((later) => later.flatMap((request) => request.records))];
          break;
        }
      }
    }
    return merger.result;
  }

  /** Learns from a refusal and returns the refused partitions' records, to be planned again. */
  #refused(request: PlannedRequest, refused: ReadonlyArray<{ topic: string; partition: number }>): ProducerRecord[] {
    const keys = new Set(refused.map(({ topic, partition }) => `${topic}\u0000${partition}`));
    for (const key of keys) {
      const batch = request.bytes.get(key);
      if (batch === undefined) throw new KstError('KST_KAFKA_PRODUCE', `the broker refused a batch of a partition the request did not hold (${key.replace('\u0000', '-')})`, {});
      this.#limits.learn(batch.topic, batch.bytes, batch.records);
    }
    return request.records.filter((record) => keys.has(`${record.topic}\u0000${record.partition}`));
  }

  /** Flushing is implicit: `send` resolves only when its batch is acknowledged. */
  async close(): Promise<void> {
    await mapped('KST_KAFKA_CONNECTION', 'closing the producer failed', {}, () => this.#producer.close());
  }
}

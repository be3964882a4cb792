/**
 * The stream thread's consumer lag, measured now and then (`lagIntervalMs`): the end
 * offset of every assigned input partition minus the consumer's position, into the
 * thread's lag gauge. Best effort: a failed measurement is tried again next interval.
 *
 * @example
 * ```ts
 * const lag = new ConsumerLag(clientConfig, exactlyOnce, metrics);
 * void lag.measure(consumer.positions());
 * await lag.close();
 * ```
 */

import { PartitionReader, type KafkaClientConfig, type TopicPartition, type TopicPartitionOffset } from '../../kafka/index.ts';
import type { ThreadMetrics } from './thread-metrics.ts';

export class ConsumerLag {
  readonly #client: KafkaClientConfig;
  readonly #exactlyOnce: boolean;
  readonly #metrics: ThreadMetrics;
  #reader: PartitionReader | undefined;

  constructor(client: KafkaClientConfig, exactlyOnce: boolean, metrics: ThreadMetrics) {
    this.#client = client;
    this.#exactlyOnce = exactlyOnce;
    this.#metrics = metrics;
  }

  /** End offsets (read_committed under exactly-once), through the same reader: the assignor's changelog lags. */
  endOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return this.#readerOrNew().endOffsets(partitions);
  }

  /** Lag is what a read_committed consumer can still read under exactly-once. */
  #readerOrNew(): PartitionReader {
    this.#reader ??= new PartitionReader(this.#client, { isolation: this.#exactlyOnce ? 'read_committed' : 'read_uncommitted' });
    return this.#reader;
  }

  async measure(positions: readonly TopicPartitionOffset[]): Promise<void> {
    if (positions.length === 0) return;
    try {
      const ends = await this.#readerOrNew().endOffsets(positions);
      ends.forEach((end, i) => {
        const position = positions[i];
        if (position !== undefined) this.#metrics.setLag(end.topic, end.partition, Number(end.offset - position.offset));
      });
    } catch {
      // Best effort; the next interval tries again.
    }
  }

  async close(): Promise<void> {
    await this.#reader?.close();
    this.#reader = undefined;
  }
}

/**
 * How a stream thread's output and input offsets reach Kafka, one class per processing
 * guarantee, behind one interface so the thread's loop reads the same for both:
 *
 * - at_least_once: an idempotent producer sends output; once it is acknowledged the
 *   consumer commits the offsets. A crash between the two replays input (duplicates),
 *   never loses it.
 * - exactly_once_v2: ONE transactional producer per thread (transactional id
 *   `<application.id>-<processId>-<threadIndex>`, KIP-447). The transaction begins lazily
 *   with the first send, output goes out in batches as it accumulates, and the commit
 *   adds the offsets (fenced by the consumer group generation) and commits both at once.
 *
 * @example
 * ```ts
 * const strategy = guarantee === 'exactly_once_v2' ? new ExactlyOnceCommit(client, txnId) : new AtLeastOnceCommit(client, consumer);
 * await strategy.start();
 * const collector = new KafkaRecordCollector({ send: (records) => strategy.send(records), ... });
 * await collector.flush();
 * await strategy.commit(consumer.groupMetadata(), offsets);
 * ```
 */

import {
  KafkaProducer,
  TransactionalProducer,
  isTransientCoordinatorError,
  type ConsumerGroupMetadata,
  type KafkaClientConfig,
  type KafkaProducerConfig,
  type SendOptions,
  type ProduceResult,
  type ProducerRecord,
  type TopicPartitionOffset,
} from '../../kafka/index.ts';

export interface CommitStrategy {
  readonly exactlyOnce: boolean;
  /** Producer client ids, for thread metadata. */
  readonly producerClientIds: readonly string[];
  /** Transactions aborted so far (always 0 under at-least-once), for the metrics. */
  readonly abortedTransactions: number;
  start(): Promise<void>;
  /** Sends one batch of output (inside the current transaction under exactly-once); too large records go to `options.onTooLarge`. */
  send(records: readonly ProducerRecord[], options?: SendOptions): Promise<ProduceResult>;
  /** Commits the offsets with (exactly-once) or after (at-least-once) the output already sent. */
  commit(group: ConsumerGroupMetadata, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Drops the open transaction, if any; never throws. Under at-least-once there is nothing to drop. */
  abort(): Promise<void>;
  /** Makes the producer usable again after a failure (a fenced or failed one is replaced). */
  recover(): Promise<void>;
  close(): Promise<void>;
}

/** Commits offsets through the consumer group member, after the output is acknowledged. */
export class AtLeastOnceCommit implements CommitStrategy {
  readonly exactlyOnce = false;
  readonly abortedTransactions = 0;
  readonly producerClientIds: readonly string[];
  readonly #producer: KafkaProducer;
  readonly #commitOffsets: (offsets: readonly TopicPartitionOffset[]) => Promise<void>;

  constructor(client: KafkaClientConfig, producer: KafkaProducerConfig, commitOffsets: (offsets: readonly TopicPartitionOffset[]) => Promise<void>) {
    this.#producer = new KafkaProducer(client, producer);
    this.#commitOffsets = commitOffsets;
    this.producerClientIds = [`${client['client.id']}-producer`];
  }

  async start(): Promise<void> {}

  send(records: readonly ProducerRecord[], options?: SendOptions): Promise<ProduceResult> {
    return this.#producer.send(records, options);
  }

  async commit(_group: ConsumerGroupMetadata, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    await this.#commitOffsets(offsets);
  }

  async abort(): Promise<void> {}

  async recover(): Promise<void> {}

  async close(): Promise<void> {
    await this.#producer.close();
  }
}

/** How long registering a transactional id keeps retrying through a broker outage. */
const REGISTER_TIMEOUT_MS = 120_000;

/** One transactional producer per thread; output and offsets commit together. */
export class ExactlyOnceCommit implements CommitStrategy {
  readonly exactlyOnce = true;
  readonly producerClientIds: readonly string[];
  readonly #client: KafkaClientConfig;
  readonly #transactionalId: string;
  readonly #config: KafkaProducerConfig;
  #producer: TransactionalProducer;
  #aborted = 0;
  /** The fenced producer whose lost transaction is already counted. */
  #fencedCounted: TransactionalProducer | null = null;

  constructor(client: KafkaClientConfig, producer: KafkaProducerConfig, transactionalId: string) {
    this.#client = client;
    this.#transactionalId = transactionalId;
    this.#config = producer;
    this.#producer = new TransactionalProducer(client, transactionalId, producer);
    this.producerClientIds = [`${client['client.id']}-txn-${transactionalId}`];
  }

  get abortedTransactions(): number {
    return this.#aborted;
  }

  get transactionalId(): string {
    return this.#transactionalId;
  }

  /** Registers the transactional id: fences a zombie with the same id and aborts its open transaction. */
  async start(): Promise<void> {
    await this.#register();
  }

  send(records: readonly ProducerRecord[], options?: SendOptions): Promise<ProduceResult> {
    this.#beginIfNeeded();
    return this.#producer.send(records, options);
  }

  async commit(group: ConsumerGroupMetadata, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (this.#producer.state === 'ready') {
      // Nothing was sent since the last commit: a transaction with offsets alone is still
      // needed when input was consumed (e.g. every record filtered out).
      if (offsets.length === 0) return;
      this.#producer.begin();
    }
    await this.#producer.sendOffsets(group, offsets);
    await this.#producer.commit();
  }

  async abort(): Promise<void> {
    const producer = this.#producer;
    const state = producer.state;
    // A fenced producer's open transaction was aborted by the broker when it was fenced: counted once per producer.
    if (state === 'fenced') {
      if (this.#fencedCounted !== producer) this.#aborted++;
      this.#fencedCounted = producer;
      return;
    }
    if (state !== 'in-transaction' && state !== 'failed') return;
    this.#aborted++;
    await producer.abort().catch(() => undefined);
    if (producer.state === 'fenced') this.#fencedCounted = producer;
  }

  /**
   * A fenced or failed producer cannot go on, nor can one whose send failed (its sequence
   * numbers ran ahead of the broker): close it and register a new one under the same id,
   * which keeps the request bounds the broker taught the old one.
   */
  async recover(): Promise<void> {
    if (this.#ready() && this.#producer.usable) return;
    await this.abort();
    if (this.#ready() && this.#producer.usable) return;
    await this.#producer.close().catch(() => undefined);
    this.#producer = new TransactionalProducer(this.#client, this.#transactionalId, this.#config, this.#producer.limits);
    await this.#register();
  }

  /**
   * `initTransactions`, retried with a new producer (a failed registration leaves the old
   * one unusable) while the brokers are unreachable or the transaction coordinator moves or
   * loads its state — a broker restart — for up to `REGISTER_TIMEOUT_MS`, as the Java
   * producer blocks in `initTransactions` for up to `max.block.ms`.
   */
  async #register(): Promise<void> {
    const deadline = Date.now() + REGISTER_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#producer.initTransactions();
        return;
      } catch (error) {
        if (!isTransientCoordinatorError(error) || Date.now() >= deadline) throw error;
        await this.#producer.close().catch(() => undefined);
        this.#producer = new TransactionalProducer(this.#client, this.#transactionalId, this.#config, this.#producer.limits);
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, this.#client['retry.backoff.ms'] * attempt)));
      }
    }
  }

  async close(): Promise<void> {
    await this.abort();
    await this.#producer.close();
  }

  #ready(): boolean {
    return this.#producer.state === 'ready';
  }

  #beginIfNeeded(): void {
    if (this.#producer.state === 'ready') this.#producer.begin();
  }
}

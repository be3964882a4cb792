/**
 * A compacted topic read from the beginning and followed, as Connect's `KafkaBasedLog`:
 * every record goes to `onRecord` in offset order, and `readToEnd()` resolves once
 * everything written before the call has been applied — what read-your-writes over the
 * config and status topics needs.
 */

import type { IsolationLevel, KafkaAdmin, KafkaClientConfig, KafkaProducer, KafkaRecord, TopicPartition } from '../../processors/kafka/index.ts';
import { PartitionReader } from '../../processors/kafka/index.ts';

export interface KafkaLogOptions {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly onRecord: (record: KafkaRecord) => void;
  /** read_committed: records of open or aborted transactions stay unseen (the offsets topic under exactly-once source). */
  readonly isolation?: IsolationLevel;
}

interface Waiter { readonly target: ReadonlyMap<number, bigint>; readonly resolve: () => void }

/**
 * @example
 * ```ts
 * const log = new KafkaLog(client, admin, producer, { topic: 'connect-configs', partitions: 1, replicationFactor: 1, onRecord: apply });
 * await log.start();
 * await log.send('connector-orders', Buffer.from('{"properties":{}}'));
 * await log.readToEnd();
 * ```
 */
export class KafkaLog {
  readonly topic: string;
  readonly #client: KafkaClientConfig;
  readonly #admin: KafkaAdmin;
  readonly #producer: KafkaProducer;
  readonly #options: KafkaLogOptions;
  #reader: PartitionReader | null = null;
  #partitions: TopicPartition[] = [];
  /** Per partition, the offset up to which records have gone through `onRecord`. */
  readonly #applied = new Map<number, bigint>();
  #waiters: Waiter[] = [];
  #running = false;
  #loop: Promise<void> | null = null;
  #failure: unknown = null;

  constructor(client: KafkaClientConfig, admin: KafkaAdmin, producer: KafkaProducer, options: KafkaLogOptions) {
    this.topic = options.topic;
    this.#client = client;
    this.#admin = admin;
    this.#producer = producer;
    this.#options = options;
  }

  /** Creates the topic if needed (compacted), reads it to the end, then keeps following it. */
  async start(): Promise<void> {
    await this.#admin.createTopics([{ name: this.topic, partitions: this.#options.partitions, replicationFactor: this.#options.replicationFactor, configs: { 'cleanup.policy': 'compact' } }], { ifNotExists: true });
    const counts = await this.#admin.partitionCounts([this.topic]);
    this.#partitions = Array.from({ length: counts.get(this.topic) ?? 1 }, (_, partition) => ({ topic: this.topic, partition }));
    this.#reader = new PartitionReader(this.#client, { maxWaitMs: 100, ...(this.#options.isolation === undefined ? {} : { isolation: this.#options.isolation }) });
    this.#reader.assign(this.#partitions.map((p) => ({ ...p, offset: 'earliest' as const })));
    this.#running = true;
    this.#loop = this.#follow();
    await this.readToEnd();
  }

  async send(key: string, value: Buffer | null): Promise<void> {
    await this.#producer.send([{ topic: this.topic, key: Buffer.from(key, 'utf8'), value }]);
  }

  /** Resolves once every record written before this call has gone through `onRecord`. */
  async readToEnd(): Promise<void> {
    const reader = this.#reader as PartitionReader;
    const ends = await reader.endOffsets(this.#partitions);
    const target = new Map(ends.map((e) => [e.partition, e.offset]));
    if (this.#reached(target)) return;
    await new Promise<void>((resolve, reject) => {
      if (this.#failure !== null) reject(this.#failure as Error);
      else this.#waiters.push({ target, resolve });
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    await this.#reader?.close();
  }

  /**
   * Compares with what `onRecord` has been given, not with the reader's position: the
   * position moves when a fetch returns, before the loop has applied its records, and a
   * `readToEnd` resolving in between would miss a write that was just made.
   */
  #reached(target: ReadonlyMap<number, bigint>): boolean {
    for (const [partition, end] of target) {
      const applied = this.#applied.get(partition);
      if (applied === undefined || applied < end) return false;
    }
    return true;
  }

  async #follow(): Promise<void> {
    const reader = this.#reader as PartitionReader;
    while (this.#running) {
      try {
        for (const record of await reader.poll()) this.#options.onRecord(record);
        for (const { partition } of this.#partitions) {
          const position = reader.position({ topic: this.topic, partition });
          if (position !== undefined) this.#applied.set(partition, position);
        }
        this.#failure = null;
      } catch (error) {
        // A broker hiccup must not end the log; the next round retries.
        this.#failure = error;
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      const still: Waiter[] = [];
      for (const waiter of this.#waiters) {
        if (this.#reached(waiter.target)) waiter.resolve();
        else still.push(waiter);
      }
      this.#waiters = still;
    }
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters = [];
  }
}

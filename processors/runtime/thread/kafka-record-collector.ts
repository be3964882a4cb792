/**
 * The stream thread's `RecordCollector`: sinks, change-logging stores and the dead-letter
 * path put records here synchronously (one object push per record, no await), and the
 * thread ships them to the producer in batches: when `producer.batch.records` have
 * accumulated (so memory stays bounded between commits), at every commit, and when the
 * thread has caught up with its input and no send is in flight. One send is
 * in flight at a time, overlapping the next processing round; its failure surfaces at
 * the next `maybeSend` or `flush`.
 *
 * It also learns where changelog records landed: the producer answers the base offset
 * of each partition's batch, and changelog records always name their partition, so
 * base + count is the next offset of that changelog partition — what the task's
 * checkpoint records.
 *
 * @example
 * ```ts
 * const collector = new KafkaRecordCollector({ send: (records) => producer.send(records), changelogTopics, partitionCounts, batchRecords: 5000 });
 * task = new StreamTask({ ...options, collector });
 * await collector.flush(); // before committing offsets
 * ```
 */

import { KstError, isKstError } from '../../../common/errors.ts';
import type { Headers } from '../../api/record.ts';
import type { ProduceResult, ProducerRecord, SendOptions, TooLargeRecord } from '../../kafka/index.ts';
import type { HandlerResponse } from '../exception-handlers.ts';
import type { RecordCollector } from '../record-collector.ts';

export interface RecordCollectorOptions {
  /** Sends one batch (idempotent producer, or the current transaction). */
  readonly send: (records: readonly ProducerRecord[], options: SendOptions) => Promise<ProduceResult>;
  /** Broker names of the changelog topics, whose offsets are tracked for checkpoints. */
  readonly changelogTopics: ReadonlySet<string>;
  /** Partition counts of output topics, for custom `StreamPartitioner`s. */
  readonly partitionCounts: ReadonlyMap<string, number>;
  readonly batchRecords: number;
  /**
   * Decides about a failed send that is not fencing or a lost membership: return true to
   * drop the batch and go on (`production.exception.handler=log-and-continue`).
   */
  readonly continueOnSendError?: (error: KstError, records: readonly ProducerRecord[]) => boolean;
  /**
   * The production exception handler for a record too large to send (over
   * `max.request.size`, or refused by the broker): CONTINUE leaves it out (the callback
   * may dead-letter it), FAIL fails the next `maybeSend`/`flush` with `error`, which names
   * topic and partition. Without it, FAIL.
   */
  readonly onRecordTooLarge?: (rejected: TooLargeRecord, error: KstError) => HandlerResponse;
}

export class KafkaRecordCollector implements RecordCollector {
  readonly #options: RecordCollectorOptions;
  #buffer: ProducerRecord[] = [];
  #inFlight: Promise<void> | null = null;
  #error: unknown = null;
  /** Next offset per changelog partition (`topic\0partition`), from produce answers. */
  readonly #changelogOffsets = new Map<string, bigint>();
  #sent = 0;
  #dropped = 0;

  constructor(options: RecordCollectorOptions) {
    this.#options = options;
  }

  /** Records handed to the producer and acknowledged. */
  get sentRecords(): number {
    return this.#sent;
  }

  /** Records dropped by `log-and-continue` after a failed send, or skipped as too large. */
  get droppedRecords(): number {
    return this.#dropped;
  }

  get buffered(): number {
    return this.#buffer.length;
  }

  send(topic: string, partition: number | undefined, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): void {
    const ts = BigInt(Math.trunc(timestamp));
    this.#buffer.push(partition === undefined ? { topic, key, value, timestamp: ts, headers } : { topic, partition, key, value, timestamp: ts, headers });
  }

  /** Queues a record already in producer form (dead letters). */
  sendRecord(record: ProducerRecord): void {
    this.#buffer.push(record);
  }

  partitionsFor(topic: string): number {
    const count = this.#options.partitionCounts.get(topic);
    if (count === undefined) {
      throw new KstError('KST_KAFKA_PRODUCE', `the partition count of topic "${topic}" is unknown: a custom partitioner can only write to topics the topology names`, { topic });
    }
    return count;
  }

  /**
   * Starts a send when enough records are buffered; waits only for the previous send.
   * Returns undefined (nothing to wait for) in the common case.
   */
  maybeSend(): Promise<void> | undefined {
    this.#throwIfFailed();
    if (this.#buffer.length < this.#options.batchRecords) return undefined;
    return this.#startSend();
  }

  /**
   * Starts a send of what is buffered unless a send is in flight, and never waits: for a
   * thread that has caught up with its input, whose output should not wait for the next
   * commit (under at-least-once that is `commit.interval.ms`, 30 s by default). A send
   * already in flight means the next one carries what accumulates meanwhile.
   */
  sendIfIdle(): void {
    if (this.#inFlight !== null || this.#buffer.length === 0 || this.#error !== null) return;
    void this.#startSend();
  }

  /** Sends everything buffered and waits until all of it is acknowledged. */
  async flush(): Promise<void> {
    await this.#startSend();
    await this.#inFlight;
    this.#throwIfFailed();
  }

  /** Drops buffered records and forgets a failed send: after an aborted transaction. */
  async clear(): Promise<void> {
    this.#buffer = [];
    await this.#inFlight?.catch(() => undefined);
    this.#inFlight = null;
    this.#error = null;
  }

  /** Next offset of a changelog partition as far as this thread wrote it; undefined before any write. */
  changelogOffset(topic: string, partition: number): bigint | undefined {
    return this.#changelogOffsets.get(`${topic}\u0000${partition}`);
  }

  /** Forgets a changelog partition's offset, when its task leaves the thread. */
  forgetChangelog(topic: string, partition: number): void {
    this.#changelogOffsets.delete(`${topic}\u0000${partition}`);
  }

  async #startSend(): Promise<void> {
    if (this.#inFlight !== null) await this.#inFlight;
    this.#throwIfFailed();
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    const flight = this.#sendBatch(batch).catch((error: unknown) => {
      this.#error ??= error;
    });
    this.#inFlight = flight;
    void flight.then(() => {
      if (this.#inFlight === flight) this.#inFlight = null;
    });
  }

  async #sendBatch(batch: readonly ProducerRecord[]): Promise<void> {
    let result: ProduceResult;
    let failure: KstError | undefined;
    const skipped = new Set<ProducerRecord>();
    const onTooLarge = (rejected: TooLargeRecord, error: KstError): void => {
      if (this.#options.onRecordTooLarge?.(rejected, error) === 'CONTINUE') skipped.add(rejected.record);
      else failure ??= new KstError('KST_KAFKA_RECORD_TOO_LARGE', `${error.message.replace(/^KST_KAFKA_RECORD_TOO_LARGE: /, '')}; the production exception handler chose FAIL`, { ...error.details });
    };
    try {
      result = await this.#options.send(batch, { onTooLarge });
    } catch (error) {
      const coded = isKstError(error) ? error : new KstError('KST_KAFKA_PRODUCE', `producing ${batch.length} records failed: ${(error as Error).message}`, {}, { cause: error });
      const fatal = coded.code === 'KST_KAFKA_PRODUCER_FENCED' || coded.code === 'KST_KAFKA_REBALANCE' || coded.code === 'KST_KAFKA_TRANSACTION';
      if (!fatal && this.#options.continueOnSendError?.(coded, batch) === true) {
        this.#dropped += batch.length;
        return;
      }
      throw coded;
    }
    if (failure !== undefined) throw failure;
    this.#dropped += skipped.size;
    this.#sent += batch.length - skipped.size;
    this.#trackChangelogs(skipped.size === 0 ? batch : batch.filter((record) => !skipped.has(record)), result);
  }

  #trackChangelogs(batch: readonly ProducerRecord[], result: ProduceResult): void {
    const topics = this.#options.changelogTopics;
    if (topics.size === 0) return;
    let counts: Map<string, number> | undefined;
    for (const record of batch) {
      if (record.partition === undefined || !topics.has(record.topic)) continue;
      const key = `${record.topic}\u0000${record.partition}`;
      counts ??= new Map();
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (counts === undefined) return;
    for (const { topic, partition, offset } of result) {
      const key = `${topic}\u0000${partition}`;
      const count = counts.get(key);
      if (count !== undefined && offset >= 0n) this.#changelogOffsets.set(key, offset + BigInt(count));
    }
  }

  #throwIfFailed(): void {
    if (this.#error === null) return;
    const error = this.#error;
    this.#error = null;
    throw error;
  }
}

/**
 * The exactly-once producer: one per stream thread, as Kafka Streams' `exactly_once_v2`.
 * Records and the consumed input offsets are committed in one transaction; offsets carry
 * the consumer group generation (KIP-447), so a member that lost its partitions in a
 * rebalance cannot commit for them, and a second producer with the same transactional id
 * fences this one (`KST_KAFKA_PRODUCER_FENCED`).
 *
 * Lifecycle (illegal calls throw `KST_ILLEGAL_STATE_TRANSITION`):
 * uninitialized → ready → in-transaction → ready …; in-transaction → failed (a commit
 * failed: only `abort` or `close`); any → fenced (only `close`); any → closed.
 */

import type { Consumer } from '@platformatic/kafka';
import { KstError } from '../../common/errors.ts';
import type { KafkaClientConfig, KafkaProducerConfig } from './config.ts';
import { mapped, toKstError, tooLargePartitions } from './errors.ts';
import { GroupCoordinator, offsetCommitTopics } from './group-coordinator.ts';
import { planSend, ResultMerger, type SendOptions } from './planned-send.ts';
import { sendWaves, type PlannedRequest, type ProduceLimits } from './produce-requests.ts';
import { createWireProducer, DEFAULT_PRODUCER_CONFIG, produceLimits, toProduceResult, type WireProducer } from './producer.ts';
import { toMessages } from './records.ts';
import type { ConsumerGroupMetadata, ProduceResult, ProducerRecord, TopicPartitionOffset } from './types.ts';

type Transaction = Awaited<ReturnType<WireProducer['beginTransaction']>>;

export type TransactionState = 'uninitialized' | 'ready' | 'in-transaction' | 'failed' | 'fenced' | 'closed';

const TRANSITIONS: Readonly<Record<TransactionState, readonly TransactionState[]>> = {
  uninitialized: ['ready', 'fenced', 'closed'],
  ready: ['in-transaction', 'fenced', 'closed'],
  'in-transaction': ['ready', 'failed', 'fenced', 'closed'],
  failed: ['ready', 'fenced', 'closed'],
  fenced: ['closed'],
  closed: [],
};

/**
 * @example
 * ```ts
 * const producer = new TransactionalProducer(clientConfig, 'app-0_1');
 * await producer.initTransactions();
 * producer.begin();
 * await producer.send(outputRecords);
 * await producer.sendOffsets(consumer.groupMetadata(), consumer.positions(processedPartitions));
 * await producer.commit();
 * ```
 */
export class TransactionalProducer {
  readonly transactionalId: string;
  readonly #producer: WireProducer;
  readonly #client: KafkaClientConfig;
  readonly #coordinators = new Map<string, GroupCoordinator>();
  #state: TransactionState = 'uninitialized';
  #transaction: Transaction | null = null;
  // Kafka rejects EndTxn for a transaction that never added a partition or offsets.
  #touched = false;
  readonly #limits: ProduceLimits;
  #sendFailed = false;

  /** `limits` may be shared with the producer this one replaces, so what the broker refused stays known. */
  constructor(client: KafkaClientConfig, transactionalId: string, config: KafkaProducerConfig = DEFAULT_PRODUCER_CONFIG, limits: ProduceLimits = produceLimits(config)) {
    this.transactionalId = transactionalId;
    this.#client = client;
    this.#producer = createWireProducer(client, config, transactionalId);
    this.#limits = limits;
  }

  get state(): TransactionState {
    return this.#state;
  }

  /** The request bounds, including what the broker refused so far. */
  get limits(): ProduceLimits {
    return this.#limits;
  }

  /**
   * False once a send failed: the library counted sequence numbers for records the broker
   * never appended, so every later send to those partitions would be refused as out of
   * order. Only a new producer (a new epoch, sequences from 0) can write again.
   */
  get usable(): boolean {
    return !this.#sendFailed;
  }

  /**
   * Registers the transactional id with its coordinator: bumps the producer epoch,
   * fencing any older producer with the same id, and aborts its open transaction.
   */
  async initTransactions(): Promise<void> {
    this.#expect('uninitialized', 'initTransactions');
    await this.#guard('initializing transactions failed', async () => {
      // -1/-1 asks for a fresh producer id as the Java client does; the library's default
      // 0/0 means "bump the epoch of producer 0" and is rejected once the id has history.
      const transaction = await this.#producer.beginTransaction({ producerId: -1n, producerEpoch: -1 });
      // The library initializes the producer id on its first transaction; we only want that side effect.
      await transaction.cancel();
    });
    this.#transition('ready');
  }

  /** Starts a transaction locally; Kafka learns of it with the first `send` or `sendOffsets`. */
  begin(): void {
    this.#expect('ready', 'begin');
    this.#transaction = null;
    this.#touched = false;
    this.#transition('in-transaction');
  }

  /**
   * Sends a batch inside the current transaction, in requests of at most
   * `max.request.size` one after the other (see `produce-requests.ts`). A record too large
   * to send goes to `options.onTooLarge` (or fails the send before anything is written).
   * When the broker refuses a batch as too large, the bound for its topic is lowered and
   * the send fails with `KST_KAFKA_TRANSACTION`: the transaction cannot go on, and its
   * replay sends under the lower bound, so the refusal happens once, not forever.
   */
  async send(records: readonly ProducerRecord[], options: SendOptions = {}): Promise<ProduceResult> {
    this.#expect('in-transaction', 'send');
    if (records.length === 0) return [];
    return this.#guard(`producing ${records.length} records in a transaction failed`, async () => {
      const transaction = await this.#current();
      const requests = await planSend(this.#producer, records, this.#limits, options);
      const merger = new ResultMerger();
      this.#touched = true;
      // Waves as the plain producer sends them (no two requests of a wave share a partition).
      // Within a wave, a request that adds partitions to the transaction (AddPartitionsToTxn)
      // is awaited alone first; the requests whose partitions are all in it already go at once.
      const added = new Set<string>();
      const known = (request: PlannedRequest): boolean => [...request.bytes.keys()].every((key) => added.has(key));
      const groups = sendWaves(requests).flatMap((wave) => {
        const adding = wave.filter((request) => !known(request));
        const rest = wave.filter(known);
        for (const request of adding) for (const key of request.bytes.keys()) added.add(key);
        return [...adding.map((request) => [request]), ...(rest.length > 0 ? [rest] : [])];
      });
      for (const group of groups) {
        const answers = await Promise.allSettled(group.map((request) => transaction.send({ messages: toMessages(request.records) })));
        for (let j = 0; j < answers.length; j++) {
          const answer = answers[j] as PromiseSettledResult<Awaited<ReturnType<Transaction['send']>>>;
          if (answer.status === 'fulfilled') {
            merger.add(toProduceResult(answer.value));
            continue;
          }
          this.#sendFailed = true;
          for (const { topic, partition } of tooLargePartitions(answer.reason)) {
            const batch = group[j]!.bytes.get(`${topic}\u0000${partition}`);
            if (batch !== undefined) this.#limits.learn(topic, batch.bytes, batch.records);
          }
          throw answer.reason;
        }
      }
      return merger.result;
    });
  }

  /**
   * Commits consumer offsets (next offset to read) as part of the transaction, fenced by
   * the group generation in `group`: all partitions in one TxnOffsetCommit request.
   */
  async sendOffsets(group: ConsumerGroupMetadata, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.#expect('in-transaction', 'sendOffsets');
    if (offsets.length === 0) return;
    await this.#guard(`committing offsets of group "${group.groupId}" in the transaction failed`, async () => {
      const transaction = await this.#current();
      // addConsumer only reads the group id: it sends AddOffsetsToTxn once per group and transaction.
      await transaction.addConsumer({ groupId: group.groupId } as unknown as Consumer);
      this.#touched = true;
      const { producerId, producerEpoch } = this.#producer;
      if (producerId === undefined || producerEpoch === undefined) throw new Error('producer id not initialized');
      await this.#coordinator(group.groupId).call('TxnOffsetCommit', this.transactionalId, group.groupId, producerId, producerEpoch,
        group.generationId, group.memberId, group.groupInstanceId, offsetCommitTopics(offsets));
    });
  }

  /** Commits the transaction: its records become visible to read_committed consumers together with the offsets. */
  async commit(): Promise<void> {
    this.#expect('in-transaction', 'commit');
    await this.#end(true);
  }

  /** Aborts the transaction: its records are never shown to read_committed consumers and its offsets are dropped. */
  async abort(): Promise<void> {
    if (this.#state !== 'failed') this.#expect('in-transaction', 'abort');
    await this.#end(false);
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#transition('closed');
    await mapped('KST_KAFKA_CONNECTION', 'closing the transactional producer failed', { transactionalId: this.transactionalId }, () => this.#producer.close(true));
  }

  async #end(commit: boolean): Promise<void> {
    const transaction = this.#transaction;
    this.#transaction = null;
    try {
      if (transaction !== null && this.#touched) await (commit ? transaction.commit() : transaction.abort());
      else if (transaction !== null) await transaction.cancel();
    } catch (error) {
      const mappedError = toKstError(error, 'KST_KAFKA_TRANSACTION', `${commit ? 'committing' : 'aborting'} the transaction failed`, { transactionalId: this.transactionalId });
      if (mappedError.code === 'KST_KAFKA_PRODUCER_FENCED') {
        this.#transition('fenced');
      } else {
        // Kept so that abort() can still end it on the broker; until then the id is blocked.
        this.#transaction = transaction;
        if (this.#state !== 'failed') this.#transition('failed');
      }
      throw mappedError;
    }
    this.#transition('ready');
  }

  async #current(): Promise<Transaction> {
    this.#transaction ??= await this.#producer.beginTransaction();
    return this.#transaction;
  }

  #coordinator(groupId: string): GroupCoordinator {
    let coordinator = this.#coordinators.get(groupId);
    if (coordinator === undefined) {
      coordinator = new GroupCoordinator(this.#producer, groupId, this.#client.retries, this.#client['retry.backoff.ms']);
      this.#coordinators.set(groupId, coordinator);
    }
    return coordinator;
  }

  async #guard<T>(message: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      let mappedError = toKstError(error, 'KST_KAFKA_TRANSACTION', message, { transactionalId: this.transactionalId });
      // Refused by the broker: the transaction is lost (see send), not the record's fault alone.
      if (mappedError.code === 'KST_KAFKA_RECORD_TOO_LARGE' && this.#sendFailed) {
        mappedError = new KstError('KST_KAFKA_TRANSACTION', `${message}: the broker refused a batch as too large; the bound of its topic is lowered for the replay`, { ...mappedError.details }, { cause: error });
      }
      if (mappedError.code === 'KST_KAFKA_PRODUCER_FENCED' && this.#state !== 'closed') this.#transition('fenced');
      throw mappedError;
    }
  }

  #expect(state: TransactionState, operation: string): void {
    if (this.#state !== state) {
      throw new KstError('KST_ILLEGAL_STATE_TRANSITION', `${operation}() needs state "${state}" but the transactional producer is "${this.#state}"`, { transactionalId: this.transactionalId, state: this.#state, operation });
    }
  }

  #transition(next: TransactionState): void {
    if (!TRANSITIONS[this.#state].includes(next)) {
      throw new KstError('KST_ILLEGAL_STATE_TRANSITION', `transactional producer cannot go from "${this.#state}" to "${next}"`, { transactionalId: this.transactionalId, from: this.#state, to: next });
    }
    this.#state = next;
  }
}

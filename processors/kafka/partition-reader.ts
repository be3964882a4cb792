/**
 * Reads chosen partitions from chosen offsets, without a consumer group, as the Java
 * consumer's `assign()` + `seek()`: what restoring state stores from changelogs,
 * keeping standbys and global stores up to date need. No offsets are committed; the
 * caller owns positions (and checkpoints them).
 *
 * Fetching is the consumer's own fetch round (`fetcher.ts`): one request per partition
 * leader, and under read_committed records of aborted transactions and the transaction
 * markers are dropped while positions still move past them.
 */

import { Consumer } from './library.ts';
import { randomUUID } from 'node:crypto';
import { KstError } from '../../common/errors.ts';
import { hookApis } from './api-hooks.ts';
import { isolationLevelCode, toBaseOptions, type KafkaClientConfig } from './config.ts';
import { mapped } from './errors.ts';
import { lazyFetch } from './fetch-decoder.ts';
import { fetchRound, type FetchSettings, type PartitionState } from './fetcher.ts';
import { listOffsetsRetrying } from './list-offsets.ts';
import type { WireConsumer } from './membership.ts';
import { groupByTopic, partitionKey, type IsolationLevel, type KafkaRecord, type TopicPartition, type TopicPartitionOffset } from './types.ts';

/** An exact next offset to read, or a side of the log resolved at the next `poll()`. */
export type StartOffset = bigint | 'earliest' | 'latest';

export interface PartitionReaderOptions {
  /** read_committed hides aborted and open transactions; `endOffsets` then answers the last stable offset. Default read_uncommitted. */
  readonly isolation?: IsolationLevel;
  /** How long the broker may hold a fetch when no data is there. Default 500. */
  readonly maxWaitMs?: number;
  readonly minBytes?: number;
  readonly maxBytes?: number;
  readonly maxPartitionBytes?: number;
  /** Where to go when a position is no longer in the log (retention, truncation, recreated topic); `none` throws. Default earliest. */
  readonly offsetReset?: 'earliest' | 'latest' | 'none';
  /** Told about every such reset, so the caller can say so (and, e.g., rebuild state). */
  readonly onOffsetReset?: (partition: TopicPartition, from: bigint, to: bigint) => void;
}

/**
 * @example
 * ```ts
 * const reader = new PartitionReader(clientConfig, { isolation: 'read_committed' });
 * reader.assign([{ topic: 'app-counts-changelog', partition: 3, offset: 1042n }]);
 * const [end] = await reader.endOffsets([{ topic: 'app-counts-changelog', partition: 3 }]);
 * while ((reader.position({ topic: 'app-counts-changelog', partition: 3 }) ?? 0n) < end!.offset) {
 *   for (const record of await reader.poll()) apply(record);
 * }
 * await reader.close();
 * ```
 */
export class PartitionReader {
  readonly #consumer: WireConsumer;
  readonly #client: KafkaClientConfig;
  readonly #settings: FetchSettings;
  readonly #options: PartitionReaderOptions;
  readonly #states = new Map<string, PartitionState>();
  readonly #pending = new Map<PartitionState, 'earliest' | 'latest'>();
  #closed = false;

  constructor(client: KafkaClientConfig, options: PartitionReaderOptions = {}) {
    this.#options = options;
    this.#client = client;
    this.#settings = {
      maxWaitMs: options.maxWaitMs ?? 500,
      minBytes: options.minBytes ?? 1,
      maxBytes: options.maxBytes ?? 52_428_800,
      maxPartitionBytes: options.maxPartitionBytes ?? 1_048_576,
      isolationLevel: isolationLevelCode(options.isolation ?? 'read_uncommitted'),
    };
    // The library's consumer needs a group id; this one never joins a group.
    this.#consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...toBaseOptions(client, 'reader'),
      groupId: `kst-reader-${randomUUID()}`,
      autocommit: false,
      isolationLevel: this.#settings.isolationLevel,
    });
    hookApis(this.#consumer, { Fetch: lazyFetch });
  }

  /** Adds partitions (or moves already assigned ones) to read from the given offsets. */
  assign(partitions: ReadonlyArray<TopicPartition & { readonly offset: StartOffset }>): void {
    this.#check();
    for (const { topic, partition, offset } of partitions) {
      const key = partitionKey(topic, partition);
      let state = this.#states.get(key);
      if (state === undefined) {
        state = { topic, partition, offset: null, leaderEpoch: -1, paused: false };
        this.#states.set(key, state);
        this.#consumer.topics.track(topic);
      }
      this.#seek(state, offset);
    }
  }

  /** Continues an assigned partition from `offset`. */
  seek(partition: TopicPartition, offset: StartOffset): void {
    this.#check();
    this.#seek(this.#owned(partition), offset);
  }

  /** Stops reading these partitions; their positions are forgotten. */
  unassign(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) {
      const state = this.#states.get(partitionKey(topic, partition));
      if (state === undefined) continue;
      this.#states.delete(partitionKey(topic, partition));
      this.#pending.delete(state);
      this.#consumer.topics.untrack(topic);
    }
  }

  assignment(): TopicPartition[] {
    return [...this.#states.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /** The next offset `poll()` reads; undefined while an 'earliest'/'latest' start is not resolved yet. */
  position(partition: TopicPartition): bigint | undefined {
    return this.#owned(partition).offset ?? undefined;
  }

  /**
   * One fetch round over every assigned partition (one request per leader, concurrently).
   * Returns at once with nothing assigned; otherwise waits at most `maxWaitMs` for data.
   */
  async poll(): Promise<KafkaRecord[]> {
    this.#check();
    await this.#resolvePending();
    const states = [...this.#states.values()];
    if (states.length === 0) return [];
    const round = await mapped('KST_KAFKA_CONSUMER', 'fetching records failed', {}, () => fetchRound(this.#consumer, states, this.#settings));
    if (round.outOfRange.length > 0) {
      // The other partitions' positions moved past this round's records: a failed lookup of
      // the reset offsets must not lose them (the next poll meets the same range and retries).
      await this.#reset(round.outOfRange).catch((error: unknown) => {
        if (this.#options.offsetReset === 'none') throw error;
      });
    }
    return round.records;
  }

  /** The offset after the last record (under read_committed: the last stable offset), in the order given. */
  endOffsets(partitions: readonly TopicPartition[], isolation: IsolationLevel = this.#options.isolation ?? 'read_uncommitted'): Promise<TopicPartitionOffset[]> {
    return this.#list(partitions, -1n, isolationLevelCode(isolation));
  }

  /** The first offset still in the log (after retention), in the order given. */
  beginningOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return this.#list(partitions, -2n, this.#settings.isolationLevel);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#states.clear();
    this.#pending.clear();
    await mapped('KST_KAFKA_CONNECTION', 'closing the partition reader failed', {}, () => this.#consumer.close(true));
  }

  #seek(state: PartitionState, offset: StartOffset): void {
    if (typeof offset === 'bigint') {
      state.offset = offset;
      this.#pending.delete(state);
    } else {
      state.offset = null;
      this.#pending.set(state, offset);
    }
  }

  async #resolvePending(): Promise<void> {
    if (this.#pending.size === 0) return;
    for (const side of ['earliest', 'latest'] as const) {
      const states = [...this.#pending].filter(([, s]) => s === side).map(([state]) => state);
      if (states.length === 0) continue;
      const offsets = await this.#list(states, side === 'earliest' ? -2n : -1n, this.#settings.isolationLevel);
      states.forEach((state, i) => {
        state.offset = (offsets[i] as TopicPartitionOffset).offset;
        this.#pending.delete(state);
      });
    }
  }

  async #reset(states: readonly PartitionState[]): Promise<void> {
    const policy = this.#options.offsetReset ?? 'earliest';
    if (policy === 'none') {
      throw new KstError('KST_KAFKA_CONSUMER', `offset out of range for ${states.map((s) => `${s.topic}-${s.partition}@${s.offset}`).join(', ')} and offsetReset is none`, {});
    }
    const offsets = await this.#list(states, policy === 'earliest' ? -2n : -1n, this.#settings.isolationLevel);
    states.forEach((state, i) => {
      const from = state.offset ?? -1n;
      state.offset = (offsets[i] as TopicPartitionOffset).offset;
      this.#options.onOffsetReset?.({ topic: state.topic, partition: state.partition }, from, state.offset);
    });
  }

  async #list(partitions: readonly TopicPartition[], timestamp: bigint, isolationLevel: 0 | 1): Promise<TopicPartitionOffset[]> {
    this.#check();
    if (partitions.length === 0) return [];
    const byTopic = groupByTopic(partitions);
    const wanted: Record<string, number[]> = {};
    for (const [topic, list] of byTopic) wanted[topic] = [...new Set(list.map((p) => p.partition))];
    const offsets = await mapped('KST_KAFKA_CONSUMER', 'listing offsets failed', { topics: [...byTopic.keys()] }, () =>
      listOffsetsRetrying(this.#consumer, this.#client, { topics: [...byTopic.keys()], partitions: wanted, timestamp, isolationLevel }));
    return partitions.map(({ topic, partition }) => {
      const offset = offsets.get(topic)?.[partition];
      if (offset === undefined) throw new KstError('KST_KAFKA_CONSUMER', `no offset listed for ${topic}-${partition}`, { topic, partition });
      return { topic, partition, offset };
    });
  }

  #owned(partition: TopicPartition): PartitionState {
    const state = this.#states.get(partitionKey(partition.topic, partition.partition));
    if (state === undefined) throw new KstError('KST_KAFKA_CONSUMER', `partition ${partition.topic}-${partition.partition} is not assigned to this reader`, { ...partition });
    return state;
  }

  #check(): void {
    if (this.#closed) throw new KstError('KST_ILLEGAL_STATE_TRANSITION', 'the partition reader is closed', {});
  }
}

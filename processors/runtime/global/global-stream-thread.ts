/**
 * The global stream thread of a client, as Kafka Streams' `GlobalStreamThread`: it keeps
 * every global store (GlobalKTable) a full copy of its topic. At start it restores each
 * store from its checkpoint to the end offsets of all the topic's partitions (taken at
 * the start: the high watermark, or the last stable offset under exactly-once); then it
 * goes on reading and applying updates for as long as the client runs, flushing the
 * stores and writing their checkpoint every commit interval and at close.
 *
 * It reads with a `PartitionReader` (no consumer group: every instance reads every
 * partition) and runs on the client's event loop beside the stream thread; stream tasks
 * read its stores directly.
 *
 * Lifecycle: CREATED → RESTORING → RUNNING → PENDING_SHUTDOWN → DEAD.
 *
 * @example
 * ```ts
 * const global = new GlobalStreamThread({ applicationId, plan, stateDir, client, partitionCounts, exactlyOnce: false, commitIntervalMs: 30_000 });
 * await global.start();              // resolves once every global store is restored
 * const stores = global.stores;      // hand to the stream threads' tasks
 * const error = await global.close(); // undefined after a clean stop
 * ```
 */

import type { Registry } from 'prom-client';
import { KstError } from '../../../common/errors.ts';
import { PartitionReader, type KafkaClientConfig, type KafkaRecord, type TopicPartition } from '../../kafka/index.ts';
import type { TopologyPlan } from '../../plan/topology-plan.ts';
import type { StateStore } from '../../../state/api/state-store.ts';
import { checkpointOutsideLog, reportStateWipe, type RestoreTarget, type StateRestoreListener } from '../restoration/index.ts';
import { GLOBAL_STATE_FOLDER, GlobalState } from './global-state.ts';
import { retryTransient } from '../transient-retry.ts';

export type GlobalThreadState = 'CREATED' | 'RESTORING' | 'RUNNING' | 'PENDING_SHUTDOWN' | 'DEAD';

export interface GlobalStreamThreadOptions {
  readonly applicationId: string;
  readonly plan: TopologyPlan;
  readonly stateDir: string;
  /** The stores' folder under `<state.dir>/<application.id>`; `global` by default. */
  readonly folderName?: string;
  readonly client: KafkaClientConfig;
  /** Partition count of each global topic (the client learns them at start). */
  readonly partitionCounts: ReadonlyMap<string, number>;
  /** read_committed under exactly-once: a global store never sees an aborted write. */
  readonly exactlyOnce: boolean;
  readonly commitIntervalMs: number;
  /** How long one fetch may wait for data; default 100. */
  readonly pollMs?: number;
  readonly restoreListener?: StateRestoreListener;
  readonly metricsRegistry?: Registry;
  readonly onStateChange?: (state: GlobalThreadState, previous: GlobalThreadState) => void;
  readonly log?: (message: string) => void;
  /** How long fetching may keep failing transiently (a broker restart) before the thread fails; default 5 minutes, Kafka Streams' `task.timeout.ms`. */
  readonly retryMs?: number;
}

/** Where one global partition stands, for lag reports. */
export interface GlobalPartitionPosition extends TopicPartition {
  readonly storeName: string;
  /** The next offset to apply; undefined until the start offset is resolved. */
  readonly position: bigint | undefined;
}

export class GlobalStreamThread {
  /** Resolves when the thread is DEAD: undefined after `close()`, the error it died of otherwise. */
  readonly done: Promise<Error | undefined>;
  readonly #options: GlobalStreamThreadOptions;
  readonly #state: GlobalState;
  readonly #reader: PartitionReader;
  readonly #log: (message: string) => void;
  #resolveDone!: (error: Error | undefined) => void;
  #status: GlobalThreadState = 'CREATED';
  #stop = false;
  #partitions: TopicPartition[] = [];

  constructor(options: GlobalStreamThreadOptions) {
    this.#options = options;
    this.#log = options.log ?? ((message) => console.warn(message));
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#state = new GlobalState({
      applicationId: options.applicationId,
      plan: options.plan,
      stateDir: options.stateDir,
      ...(options.folderName === undefined ? {} : { folderName: options.folderName }),
      ...(options.metricsRegistry === undefined ? {} : { metricsRegistry: options.metricsRegistry }),
    });
    this.#reader = new PartitionReader(options.client, {
      isolation: options.exactlyOnce ? 'read_committed' : 'read_uncommitted',
      maxWaitMs: options.pollMs ?? 100,
      maxPartitionBytes: 4 * 1_048_576,
      offsetReset: 'earliest',
      onOffsetReset: (tp, from, to) => this.#log(`kstreams: global topic ${tp.topic}-${tp.partition} offset ${from} is not in the log; reading on from ${to}`),
    });
  }

  get state(): GlobalThreadState {
    return this.#status;
  }

  /** The global stores by name; open once `start()` resolved. */
  get stores(): ReadonlyMap<string, StateStore> {
    return this.#state.stores;
  }

  /** Names of the global stores and the topics feeding them. */
  get storeTopics(): ReadonlyMap<string, string> {
    return new Map(this.#state.tasks.map((t) => [t.storeName, t.topic]));
  }

  /**
   * Opens the stores and restores them to the current end of their topics, then keeps
   * them up to date in the background. Rejects (the thread is then DEAD) when that fails.
   */
  async start(): Promise<void> {
    this.#to('RESTORING');
    try {
      await this.#restore();
    } catch (error) {
      const failure = this.#failure(error);
      await this.#shutdown(false);
      this.#resolveDone(failure);
      throw failure;
    }
    if (this.#stop) {
      await this.#shutdown(true);
      this.#resolveDone(undefined);
      return;
    }
    this.#to('RUNNING');
    void this.#run();
  }

  /** Stops reading, flushes and checkpoints the stores, closes them. */
  async close(): Promise<Error | undefined> {
    this.#stop = true;
    if (this.#status === 'CREATED') {
      this.#to('PENDING_SHUTDOWN');
      this.#to('DEAD');
      this.#resolveDone(undefined);
    }
    return this.done;
  }

  /** Each global partition's position. */
  positions(): GlobalPartitionPosition[] {
    const topics = this.storeTopics;
    const storeOf = new Map([...topics].map(([store, topic]) => [topic, store]));
    const assigned = new Set(this.#reader.assignment().map((tp) => `${tp.topic}\u0000${tp.partition}`));
    return this.#partitions.map((tp) => ({ ...tp, storeName: storeOf.get(tp.topic) as string, position: assigned.has(`${tp.topic}\u0000${tp.partition}`) ? this.#reader.position(tp) : undefined }));
  }

  /** End offsets of the global partitions (as this thread reads them). */
  /**
   * A checkpoint outside a global topic's log (recreated, or passed by retention) means
   * the stores may hold what the topic no longer has: they are wiped before they open and
   * restored from the beginning, as a corrupted task's are.
   */
  async #wipeIfOutsideLog(partitions: readonly TopicPartition[], ends: ReadonlyArray<{ offset: bigint }>, beginnings: ReadonlyArray<{ offset: bigint }>): Promise<void> {
    const reasons = (await this.#state.readCheckpoint()).flatMap((entry) => {
      const index = partitions.findIndex((tp) => tp.topic === entry.topic && tp.partition === entry.partition);
      const reason = index < 0 ? undefined : checkpointOutsideLog(entry.offset, (beginnings[index] as { offset: bigint }).offset, (ends[index] as { offset: bigint }).offset);
      return reason === undefined ? [] : [`${entry.topic}-${entry.partition}: ${reason}`];
    });
    if (reasons.length === 0) return;
    await this.#state.wipe();
    reportStateWipe({ registry: this.#options.metricsRegistry, applicationId: this.#options.applicationId, reason: 'task-corrupted', message: `global stores of ${this.#options.applicationId}: ${reasons.join('; ')}: wiped, restoring from the beginning`, log: this.#log });
  }

  endOffsets(): Promise<Array<TopicPartition & { offset: bigint }>> {
    return this.#reader.endOffsets(this.#partitions);
  }

  async #restore(): Promise<void> {
    const partitions: TopicPartition[] = [];
    for (const topic of this.#state.topics) {
      const count = this.#options.partitionCounts.get(topic);
      if (count === undefined) throw new KstError('KST_STREAMS_SOURCE_TOPIC_MISSING', `global topic "${topic}" does not exist; create it before starting application "${this.#options.applicationId}"`, { topics: [topic] });
      for (let partition = 0; partition < count; partition++) partitions.push({ topic, partition });
    }
    this.#partitions = partitions;
    const [ends, beginnings] = await this.#retrying('listing the global topics\' offsets', () => Promise.all([this.#reader.endOffsets(partitions), this.#reader.beginningOffsets(partitions)]));
    await this.#wipeIfOutsideLog(partitions, ends, beginnings);
    const checkpointed = await this.#state.open();
    const listener = this.#options.restoreListener;
    const progress = partitions.map((tp, i) => {
      const end = (ends[i] as { offset: bigint }).offset;
      const beginning = (beginnings[i] as { offset: bigint }).offset;
      const checkpoint = checkpointed.find((o) => o.topic === tp.topic && o.partition === tp.partition)?.offset;
      let start = checkpoint ?? beginning;
      if (start > end || start < beginning) {
        this.#log(`kstreams: global topic ${tp.topic}-${tp.partition}: checkpoint ${start} is outside the log [${beginning}, ${end}]; restoring from ${beginning}`);
        start = beginning;
      }
      const storeName = this.#state.tasks.find((t) => t.topic === tp.topic)?.storeName as string;
      const target = { taskId: GLOBAL_STATE_FOLDER, storeName, store: this.#state.stores.get(storeName), topic: tp.topic, partition: tp.partition, startOffset: checkpoint } as RestoreTarget;
      if (start < end) listener?.onRestoreStart?.(target, start, end);
      return { tp, target, start, end, restored: 0, done: start >= end };
    });
    this.#reader.assign(progress.map((p) => ({ ...p.tp, offset: p.start })));
    while (progress.some((p) => !p.done)) {
      if (this.#stop) return;
      const records = await this.#poll();
      await this.#state.process(records);
      const byPartition = new Map<string, { count: number; last: bigint }>();
      for (const record of records) {
        const key = `${record.topic}\u0000${record.partition}`;
        const entry = byPartition.get(key);
        if (entry === undefined) byPartition.set(key, { count: 1, last: record.offset });
        else {
          entry.count++;
          entry.last = record.offset;
        }
      }
      for (const p of progress) {
        if (p.done) continue;
        const batch = byPartition.get(`${p.tp.topic}\u0000${p.tp.partition}`);
        if (batch !== undefined) {
          p.restored += batch.count;
          listener?.onBatchRestored?.(p.target, batch.last, batch.count);
        }
        if ((this.#reader.position(p.tp) ?? -1n) >= p.end) {
          p.done = true;
          listener?.onRestoreEnd?.(p.target, p.restored);
        }
      }
    }
    await this.#commit();
  }

  async #run(): Promise<void> {
    let failure: Error | undefined;
    let lastCommit = Date.now();
    try {
      while (!this.#stop) {
        const records = await this.#poll();
        if (records.length > 0) await this.#state.process(records);
        if (Date.now() - lastCommit >= this.#options.commitIntervalMs) {
          await this.#commit();
          lastCommit = Date.now();
        }
      }
    } catch (error) {
      failure = this.#failure(error);
    }
    try {
      await this.#shutdown(failure === undefined);
    } catch (error) {
      failure ??= this.#failure(error);
    }
    this.#resolveDone(failure);
  }

  async #commit(): Promise<void> {
    await this.#state.flush();
    const positions: Array<TopicPartition & { offset: bigint }> = [];
    for (const tp of this.#partitions) {
      const offset = this.#reader.position(tp);
      if (offset !== undefined) positions.push({ ...tp, offset });
    }
    await this.#state.checkpoint(positions);
  }

  async #shutdown(clean: boolean): Promise<void> {
    if (this.#status !== 'PENDING_SHUTDOWN' && this.#status !== 'DEAD') this.#to('PENDING_SHUTDOWN');
    let first: unknown = null;
    try {
      if (clean) await this.#commit();
    } catch (error) {
      first = error;
    }
    await this.#state.close(clean && first === null).catch((error: unknown) => (first ??= error));
    await this.#reader.close().catch(() => undefined);
    this.#to('DEAD');
    if (first !== null) throw first;
  }

  /** A fetch of the global topics; a broker restart pauses the thread instead of failing it. */
  #poll(): Promise<KafkaRecord[]> {
    return this.#retrying('fetching global records', () => this.#reader.poll());
  }

  #retrying<T>(what: string, step: () => Promise<T>): Promise<T> {
    return retryTransient(step, { maxMs: this.#options.retryMs ?? 300_000, what: `kstreams: global thread of "${this.#options.applicationId}": ${what}`, log: this.#log });
  }

  #failure(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    return new KstError('KST_STREAMS_GLOBAL_THREAD_FAILED', `the global stream thread of "${this.#options.applicationId}" failed: ${message}`, {}, { cause: error });
  }

  #to(next: GlobalThreadState): void {
    const previous = this.#status;
    if (previous === next) return;
    this.#status = next;
    this.#options.onStateChange?.(next, previous);
  }
}

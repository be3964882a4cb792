/**
 * The executor of one task: one partition of one sub-topology, as Kafka Streams'
 * `StreamTask`, without Kafka. The stream thread (or the `TopologyTestDriver`) feeds it
 * consumed batches, commits what `committableOffsets` says after `flush`, and sends what
 * the sinks put into its `RecordCollector`.
 *
 * Hot path: a batch is decoded in one pass, the stores prefetch the batch's keys with one
 * await, then records run through the graph synchronously; the task only chains promises
 * from the first processor (or punctuator) that returns one. `processBatch` therefore
 * returns `undefined` for a fully synchronous batch and a promise otherwise, and a FAIL
 * from an error handler is thrown or rejected accordingly.
 *
 * @example
 * ```ts
 * const task = new StreamTask({ plan, taskId: { subtopology: 0, partition: 3 }, collector, storeContext });
 * await task.init();
 * await task.processBatch(records);
 * await task.maybePunctuateWallClock();
 * if (task.commitNeeded) { await task.flush(); await commit(task.committableOffsets()); task.postCommit(); }
 * ```
 */

import { KstError } from '../../common/errors.ts';
import type { Awaitable } from '../../common/awaitable.ts';
import { taskIdToString, type TaskId } from '../api/processor.ts';
import { NO_HEADERS, type StreamRecord } from '../api/record.ts';
import type { StateStore } from '../../state/api/state-store.ts';
import { NodeContext } from './node-context.ts';
import { TaskPunctuator } from './task-punctuator.ts';
import type { ConsumedOffset, TaskInputRecord } from './record-collector.ts';
import { DecodeFailure, groupForPrepare, prepareAll, type SourceBinding } from './source-decoder.ts';
import { TaskErrorPolicy } from './task-error-policy.ts';
import { TaskStores } from './task-stores.ts';
import { buildTaskGraph, type TaskGraph } from './task-graph.ts';
import type { StreamTaskOptions } from './stream-task-options.ts';
import { transition, requireState, type TaskState } from './task-state.ts';
import type { RecordClock, TaskServices } from './task-services.ts';
import { recordTracing, type RecordTracing } from './record-tracing.ts';

export type { StreamTaskOptions } from './stream-task-options.ts';

interface PartitionProgress {
  readonly topic: string;
  readonly partition: number;
  /** Largest timestamp seen on the partition, for timestamp extractors; -1 before any. */
  timeMs: number;
  /** Last offset whose record is done; undefined before any. */
  lastOffset: bigint | undefined;
}

type Decoded = StreamRecord<unknown, unknown> | DecodeFailure;

export interface TaskCounters {
  readonly processed: number;
  /** Skipped by an exception handler (CONTINUE), and dead-lettered. */
  readonly skipped: number;
  /** Dropped for an invalid (negative) timestamp, as Kafka Streams does. */
  readonly dropped: number;
  readonly punctuations: number;
}

export class StreamTask {
  readonly id: TaskId;
  readonly idString: string;
  readonly #options: StreamTaskOptions;
  readonly #errors: TaskErrorPolicy;
  readonly #services: TaskServices;
  readonly #graph: TaskGraph;
  readonly #stores: TaskStores;
  readonly #punctuator: TaskPunctuator;
  readonly #partitions = new Map<string, PartitionProgress>();
  readonly #clock: () => number;
  /** Undefined unless an OpenTelemetry SDK is registered: then a span per record. */
  readonly #tracing: RecordTracing | undefined;
  #lastPartition: PartitionProgress | undefined;
  #state: TaskState = 'CREATED';
  #currentInput: TaskInputRecord | undefined;
  #streamTimeMs = -1;
  readonly #recordClock: RecordClock = { timestampMs: -1, headers: NO_HEADERS };
  #commitRequested = false;
  #commitNeeded = false;
  readonly #counters = { processed: 0, dropped: 0 };

  constructor(options: StreamTaskOptions) {
    this.#options = options;
    this.id = options.taskId;
    this.idString = taskIdToString(options.taskId);
    this.#clock = options.clock ?? Date.now;
    this.#tracing = recordTracing(options.applicationId, this.idString);
    this.#errors = new TaskErrorPolicy(options.taskId, options);
    this.#services = this.#makeServices();
    this.#graph = buildTaskGraph(options.plan, options.taskId, this.#services);
    this.#stores = new TaskStores(options.plan, this.#graph.subtopology, this.#graph.storeOrder);
    this.#punctuator = new TaskPunctuator(this.#recordClock, this.#errors, this.#clock, () => {
      this.#commitNeeded = true;
    });
  }

  /** Counters a metrics layer reads. */
  get counters(): TaskCounters {
    return { ...this.#counters, skipped: this.#errors.skipped, punctuations: this.#punctuator.count };
  }

  /** Records each source and processor node was given, by node name (the processor-node metrics). */
  nodeCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const binding of this.#graph.sources.values()) counts.set(binding.node.name, binding.node.processed);
    for (const node of this.#graph.processors) counts.set(node.name, node.processed);
    return counts;
  }

  get state(): TaskState {
    return this.#state;
  }

  /** Stream time: the largest timestamp of the records processed, -1 before any. */
  get streamTimeMs(): number {
    return this.#streamTimeMs;
  }

  /**
   * The timestamp of the record being processed (or of the punctuation running); outside
   * both, stream time, or the wall clock before the first record. Stores stamp it on
   * changelog records and cache entries.
   */
  currentRecordTimestampMs(): number {
    const timestamp = this.#recordClock.timestampMs;
    if (timestamp >= 0) return timestamp;
    return this.#streamTimeMs >= 0 ? this.#streamTimeMs : this.#clock();
  }

  /** True when records were processed or punctuators ran since the last commit. */
  get commitNeeded(): boolean {
    return this.#commitNeeded;
  }

  /** True when a processor called `context.commit()` since the last commit. */
  get commitRequested(): boolean {
    return this.#commitRequested;
  }

  /** Topics this task reads, as named on the broker (internal ones prefixed). */
  get inputTopics(): readonly string[] {
    return [...this.#graph.sources.keys()];
  }

  /** The task's stores by name, for restoration, interactive queries and tests. */
  get stores(): ReadonlyMap<string, StateStore> {
    return this.#stores.byName;
  }

  /** Opens the stores, then starts the processors. */
  async init(): Promise<void> {
    await this.initializeStores();
    await this.initializeProcessors();
  }

  /** Opens the task's stores; the caller may restore them from their changelogs next. */
  async initializeStores(): Promise<void> {
    this.#state = transition(this.#state, 'RESTORING', this.idString);
    await this.#stores.init((store) => {
      const context = this.#options.storeContext(store, this.id);
      const clock = this.#recordClock;
      return {
        ...context,
        currentTimestampMs: context.currentTimestampMs ?? (() => this.currentRecordTimestampMs()),
        currentHeaders: context.currentHeaders ?? (() => clock.headers),
      };
    });
  }

  /** Calls `init` of every processor, in topological order. */
  async initializeProcessors(): Promise<void> {
    this.#state = transition(this.#state, 'RUNNING', this.idString);
    for (const node of this.#graph.processors) await node.init(new NodeContext(node, this.#services));
  }

  /**
   * Processes consumed records in the given order (the caller picks it across partitions,
   * lowest timestamp first as Kafka Streams does). Returns undefined when everything ran
   * synchronously, a promise otherwise.
   */
  processBatch(records: readonly TaskInputRecord[]): Awaitable<void> {
    requireState(this.#state, 'RUNNING', this.idString, 'process records');
    if (records.length === 0) return undefined;
    const bindings = new Array<SourceBinding>(records.length);
    let preparable: Map<SourceBinding, Map<string, TaskInputRecord[]>> | undefined;
    for (let i = 0; i < records.length; i++) {
      const raw = records[i] as TaskInputRecord;
      const binding = this.#graph.sources.get(raw.topic);
      if (binding === undefined) throw this.#unknownTopic(raw);
      bindings[i] = binding;
      if (binding.preparable) preparable = groupForPrepare(preparable ?? new Map(), binding, raw);
    }
    if (preparable === undefined) return this.#decodeAndRun(records, bindings);
    return prepareAll(preparable).then(() => this.#decodeAndRun(records, bindings));
  }

  #decodeAndRun(records: readonly TaskInputRecord[], bindings: readonly SourceBinding[]): Awaitable<void> {
    const decoded = new Array<Decoded>(records.length);
    for (let i = 0; i < records.length; i++) {
      const raw = records[i] as TaskInputRecord;
      const progress = this.#progress(raw.topic, raw.partition);
      const record = (bindings[i] as SourceBinding).decode(raw, progress.timeMs);
      if (!(record instanceof DecodeFailure) && record.timestamp > progress.timeMs) progress.timeMs = record.timestamp;
      decoded[i] = record;
    }
    const prefetched = this.#stores.prefetch(decoded);
    if (prefetched === undefined) return this.#runFrom(records, bindings, decoded, 0);
    return prefetched.then(() => this.#runFrom(records, bindings, decoded, 0));
  }

  #runFrom(records: readonly TaskInputRecord[], bindings: readonly SourceBinding[], decoded: readonly Decoded[], from: number): Awaitable<void> {
    for (let i = from; i < records.length; i++) {
      const result = this.#processOne(records[i] as TaskInputRecord, bindings[i] as SourceBinding, decoded[i] as Decoded);
      if (result instanceof Promise) {
        const next = i + 1;
        return result.then(() => this.#runFrom(records, bindings, decoded, next));
      }
    }
    return undefined;
  }

  #processOne(raw: TaskInputRecord, binding: SourceBinding, record: Decoded): Awaitable<void> {
    this.#commitNeeded = true;
    if (record instanceof DecodeFailure) {
      this.#errors.onDeserializationError(raw, record.nodeName, record.error);
      return this.#afterRecord(raw);
    }
    const timestamp = record.timestamp;
    if (!(timestamp >= 0)) {
      // As Kafka Streams' RecordQueue: a record without a valid timestamp is dropped.
      this.#counters.dropped++;
      return this.#afterRecord(raw);
    }
    if (timestamp > this.#streamTimeMs) this.#streamTimeMs = timestamp;
    this.#currentInput = raw;
    const clock = this.#recordClock;
    clock.timestampMs = timestamp;
    clock.headers = record.headers;
    this.#counters.processed++;
    const tracing = this.#tracing;
    const result = tracing === undefined ? binding.node.process(record) : tracing.process(raw, record, binding.node, clock);
    if (result instanceof Promise) return result.then(() => this.#afterRecord(raw));
    return this.#afterRecord(raw);
  }

  #afterRecord(raw: TaskInputRecord): Awaitable<void> {
    this.#progress(raw.topic, raw.partition).lastOffset = raw.offset;
    this.#currentInput = undefined;
    this.#recordClock.timestampMs = -1;
    this.#recordClock.headers = NO_HEADERS;
    if (!this.#punctuator.isStreamTimeDue(this.#streamTimeMs)) return undefined;
    const fired = this.#punctuator.punctuateStreamTime(this.#streamTimeMs);
    return fired instanceof Promise ? fired.then(noop) : undefined;
  }

  /** Fires stream-time punctuators that are due; processing a record already does this. */
  maybePunctuateStreamTime(): Awaitable<boolean> {
    requireState(this.#state, 'RUNNING', this.idString, 'punctuate');
    return this.#punctuator.punctuateStreamTime(this.#streamTimeMs);
  }

  /** Fires wall-clock punctuators due at `nowMs` (the task's clock by default). */
  maybePunctuateWallClock(nowMs: number = this.#clock()): Awaitable<boolean> {
    requireState(this.#state, 'RUNNING', this.idString, 'punctuate');
    return this.#punctuator.punctuateWallClock(nowMs);
  }

  /** Writes the stores' cached and buffered changes down (a cache flush may forward records). */
  async flush(): Promise<void> {
    await this.#stores.flush();
  }

  /** Next offsets to commit, for every input partition the task has processed records of. */
  committableOffsets(): ConsumedOffset[] {
    const offsets: ConsumedOffset[] = [];
    for (const progress of this.#partitions.values()) {
      if (progress.lastOffset !== undefined) offsets.push({ topic: progress.topic, partition: progress.partition, offset: progress.lastOffset + 1n });
    }
    return offsets;
  }

  /** Tells the task its offsets were committed. */
  postCommit(): void {
    this.#commitNeeded = false;
    this.#commitRequested = false;
  }

  /**
   * Closes processors, then stores. A clean close flushes the stores first; a dirty one
   * (after an error, or when the task was lost) drops what was not flushed.
   */
  async close(options: { readonly clean?: boolean } = {}): Promise<void> {
    if (this.#state === 'CLOSED') return;
    const wasRunning = this.#state === 'RUNNING';
    const errors: unknown[] = [];
    if (options.clean !== false && this.#state !== 'CREATED') await this.flush().catch((error: unknown) => errors.push(error));
    this.#state = transition(this.#state, 'CLOSED', this.idString);
    this.#punctuator.clear();
    if (wasRunning) {
      for (const node of this.#graph.processors) {
        try {
          await node.close();
        } catch (error) {
          errors.push(error);
        }
      }
    }
    errors.push(...(await this.#stores.close()));
    if (errors.length > 0) throw errors[0];
  }

  #progress(topic: string, partition: number): PartitionProgress {
    const last = this.#lastPartition;
    if (last !== undefined && last.partition === partition && last.topic === topic) return last;
    const key = `${topic}\u0000${partition}`;
    let progress = this.#partitions.get(key);
    if (progress === undefined) {
      progress = { topic, partition, timeMs: -1, lastOffset: undefined };
      this.#partitions.set(key, progress);
    }
    this.#lastPartition = progress;
    return progress;
  }

  #unknownTopic(raw: TaskInputRecord): KstError {
    return new KstError('KST_TASK_UNKNOWN_TOPIC', `task ${this.idString} has no source for topic "${raw.topic}" (reads: ${this.inputTopics.join(', ')})`, { taskId: this.idString, topic: raw.topic });
  }

  #makeServices(): TaskServices {
    const options = this.#options;
    return {
      applicationId: options.applicationId,
      taskId: options.taskId,
      recordClock: this.#recordClock,
      collector: options.collector,
      currentInput: () => this.#currentInput,
      streamTimeMs: () => this.#streamTimeMs,
      systemTimeMs: () => this.#clock(),
      requestCommit: () => {
        this.#commitRequested = true;
      },
      schedule: (nodeName, intervalMs, type, punctuator) => this.#punctuator.schedule(nodeName, intervalMs, type, punctuator),
      store: (name) => this.#stores.byName.get(name) ?? options.globalStores?.get(name),
      isGlobalStore: (name) => options.globalStores?.has(name) === true,
      onProcessingError: (nodeName, record, error) => this.#errors.onProcessingError(nodeName, record, error, this.#currentInput),
    };
  }
}

function noop(): void {}

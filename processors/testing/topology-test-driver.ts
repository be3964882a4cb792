/**
 * Runs a topology without a broker, as Kafka Streams' `TopologyTestDriver`: every
 * sub-topology is one task (partition 0), records written to a topic the topology reads
 * (repartition topics, or a user topic it both writes and reads) are routed in memory to
 * the task that reads it, and the wall clock only moves when the test moves it.
 *
 * Each piped record is processed to the end, through every sub-topology it reaches,
 * followed by a commit (store flush, so cached KTable updates come out at once) after
 * each record, as Kafka's driver does. Stores are the ones the plan declares: in-memory
 * ones in memory, persistent ones in a temporary state directory removed on `close`.
 *
 * Stores open and flush asynchronously, so piping returns a promise: `await` each pipe
 * (and `advanceWallClockTime`) before reading outputs or stores. Calls are serialized:
 * a pipe not awaited still runs after the previous one.
 *
 * @example
 * ```ts
 * const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
 * const input = driver.createInputTopic('words', Serdes.String(), Serdes.String());
 * const output = driver.createOutputTopic('counts', Serdes.String(), Serdes.Long());
 * await input.pipeInput('k', 'hello');
 * assert.deepEqual(output.readKeyValue(), { key: 'hello', value: 1 });
 * assert.equal(await driver.getKeyValueStore<string, number>('counts-store').get('hello'), 1);
 * await driver.close();
 * ```
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KstError } from '../../common/errors.ts';
import { taskIdToString, type TaskId } from '../api/processor.ts';
import type { Headers } from '../api/record.ts';
import type { StorePlan, TopologyPlan } from '../plan/topology-plan.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { KeyValueStore } from '../../state/api/key-value-store.ts';
import type { TimestampedKeyValueStore } from '../../state/api/timestamped.ts';
import type { ChangelogWriter, StateStore, StateStoreContext } from '../../state/api/state-store.ts';
import type { DeadLetter } from '../runtime/exception-handlers.ts';
import { StreamTask } from '../runtime/stream-task.ts';
import type { TaskInputRecord } from '../runtime/record-collector.ts';
import { resolvePlan, type TopologySource, type TopologyTestDriverConfig } from './driver-config.ts';
import { GLOBAL_SUBTOPOLOGY_BASE, globalStoreTaskPlan } from '../runtime/global/global-task-plan.ts';
import { KeyValueStoreFacade } from './key-value-store-facade.ts';
import { TestInputTopic, type TestInputTopicOptions } from './test-input-topic.ts';
import { TestOutputTopic } from './test-output-topic.ts';
import type { CapturedRecord } from './test-record.ts';

export type { TopologySource, TopologyTestDriverConfig } from './driver-config.ts';

interface Pending {
  readonly task: StreamTask;
  readonly record: TaskInputRecord;
}

export class TopologyTestDriver {
  readonly applicationId: string;
  readonly plan: TopologyPlan;
  readonly #config: TopologyTestDriverConfig;
  readonly #tasks: StreamTask[] = [];
  readonly #taskByTopic = new Map<string, StreamTask>();
  readonly #outputs = new Map<string, CapturedRecord[]>();
  readonly #nextOffset = new Map<string, bigint>();
  readonly #pending: Pending[] = [];
  readonly #deadLetters: DeadLetter[] = [];
  readonly #stateDir: string;
  readonly #ownsStateDir: boolean;
  #wallClockMs: number;
  /** Every mutating call runs after the previous one, so un-awaited pipes keep their order. */
  #serial: Promise<void>;
  #closed = false;

  constructor(topology: TopologySource, config: TopologyTestDriverConfig = {}) {
    this.plan = resolvePlan(topology);
    this.#config = config;
    this.applicationId = config.applicationId ?? 'topology-test-driver';
    this.#wallClockMs = config.initialWallClockTimeMs ?? Date.now();
    const collector = {
      send: (topic: string, partition: number | undefined, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers) =>
        this.#capture({ topic, partition, key, value, timestamp, headers }),
      partitionsFor: () => 1,
    };
    const taskOptions = {
      applicationId: this.applicationId,
      collector,
      storeContext: (store: StorePlan, taskId: TaskId) => this.#storeContext(store, taskId),
      clock: () => this.#wallClockMs,
      ...(config.deserializationExceptionHandler === undefined ? {} : { deserializationExceptionHandler: config.deserializationExceptionHandler }),
      ...(config.processingExceptionHandler === undefined ? {} : { processingExceptionHandler: config.processingExceptionHandler }),
      deadLetters: (deadLetter: DeadLetter) => void this.#deadLetters.push(deadLetter),
    };
    // Global tasks first: their stores must exist for the others, and open before them.
    const globalStores = new Map<string, StateStore>();
    this.plan.globalStores.forEach((global, index) => {
      const task = new StreamTask({ ...taskOptions, plan: globalStoreTaskPlan(global, index), taskId: { subtopology: GLOBAL_SUBTOPOLOGY_BASE + index, partition: 0 } });
      for (const [name, store] of task.stores) globalStores.set(name, store);
      this.#addTask(task);
    });
    for (const subtopology of this.plan.subtopologies) {
      this.#addTask(new StreamTask({ ...taskOptions, plan: this.plan, taskId: { subtopology: subtopology.id, partition: 0 }, globalStores }));
    }
    // Made once the plan proved valid (building the tasks checks it), so a bad plan leaves no folder behind.
    this.#ownsStateDir = config.stateDir === undefined;
    this.#stateDir = config.stateDir ?? mkdtempSync(join(tmpdir(), 'kst-test-driver-'));
    this.#serial = this.#initAll();
    // Surfaced by the next call that waits on it; never an unhandled rejection meanwhile.
    this.#serial.catch(() => undefined);
  }

  /** Resolves once every store is open and every processor initialised; pipes wait for it anyway. */
  ready(): Promise<void> {
    return this.#serial;
  }

  /** Where persistent stores live: `<stateDir>/<applicationId>/<taskId>/`. */
  get stateDir(): string {
    return this.#stateDir;
  }

  /** The driver's wall-clock time, what `context.currentSystemTimeMs()` answers. */
  get wallClockTimeMs(): number {
    return this.#wallClockMs;
  }

  /** Topics the topology reads, as named on a broker (internal ones with the application id). */
  get inputTopicNames(): readonly string[] {
    return [...this.#taskByTopic.keys()];
  }

  /** Topics the topology has written to so far, internal ones included. */
  producedTopicNames(): string[] {
    return [...this.#outputs.keys()];
  }

  createInputTopic<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>, options: TestInputTopicOptions = {}): TestInputTopic<K, V> {
    this.#taskFor(name);
    const pipe = (topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): Promise<void> =>
      this.#enqueue(() => this.#pipe(topic, key, value, timestamp, headers));
    return new TestInputTopic(pipe, name, keySerde, valueSerde, options.startTimestampMs ?? this.#wallClockMs, options.autoAdvanceMs ?? 0);
  }

  /** Any topic may be read, also one nothing writes (it stays empty) and internal ones by their full name. */
  createOutputTopic<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(this.#queue(name), name, keySerde, valueSerde);
  }

  /** Moves the wall clock forward and fires the wall-clock punctuators that are due. */
  advanceWallClockTime(ms: number): Promise<void> {
    return this.#enqueue(async () => {
      this.#wallClockMs += ms;
      for (const task of this.#tasks) {
        await task.maybePunctuateWallClock(this.#wallClockMs);
        await this.#commit(task);
      }
      await this.#drain();
    });
  }

  /** A store of the topology by name; throws `KST_TEST_DRIVER_UNKNOWN_STORE` when there is none. */
  getStateStore<S extends StateStore = StateStore>(name: string): S {
    for (const task of this.#tasks) {
      const store = task.stores.get(name);
      if (store !== undefined) return store as S;
    }
    throw new KstError('KST_TEST_DRIVER_UNKNOWN_STORE', `the topology has no state store "${name}" (stores: ${this.#storeNames().join(', ') || 'none'})`, { store: name });
  }

  /**
   * A key-value store by name. A timestamped store (a KTable's) is shown with plain
   * values, as Kafka's driver does; `getTimestampedKeyValueStore` gives the timestamps.
   * Reads may return promises for persistent stores, so await them.
   */
  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    const store = this.getStateStore<KeyValueStore<K, V>>(name);
    if (!this.#isTimestamped(name)) return store;
    return new KeyValueStoreFacade(store as unknown as TimestampedKeyValueStore<K, V>, () => this.#wallClockMs);
  }

  /** A timestamped key-value store (a KTable's) by name, values as `{ value, timestamp }`. */
  getTimestampedKeyValueStore<K, V>(name: string): TimestampedKeyValueStore<K, V> {
    return this.getStateStore<TimestampedKeyValueStore<K, V>>(name);
  }

  /** Every store of the topology by name. */
  getAllStateStores(): ReadonlyMap<string, StateStore> {
    const stores = new Map<string, StateStore>();
    for (const task of this.#tasks) for (const [name, store] of task.stores) stores.set(name, store);
    return stores;
  }

  /** Records the exception handlers chose to skip (CONTINUE), in order, with their context. */
  deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters;
  }

  /** Flushes and closes every task and its stores, and removes the temporary state directory. */
  close(): Promise<void> {
    if (this.#closed) return this.#serial;
    this.#closed = true;
    const closing = this.#serial.catch(() => undefined).then(async () => {
      const errors: unknown[] = [];
      for (const task of this.#tasks) await task.close().catch((error: unknown) => errors.push(error));
      if (this.#ownsStateDir) rmSync(this.#stateDir, { recursive: true, force: true });
      if (errors.length > 0) throw errors[0];
    });
    this.#serial = closing;
    return closing;
  }

  #addTask(task: StreamTask): void {
    this.#tasks.push(task);
    for (const topic of task.inputTopics) this.#taskByTopic.set(topic, task);
  }

  async #initAll(): Promise<void> {
    for (const task of this.#tasks) await task.init();
  }

  #enqueue(operation: () => Promise<void>): Promise<void> {
    if (this.#closed) return Promise.reject(new KstError('KST_ILLEGAL_STATE_TRANSITION', 'the TopologyTestDriver is closed', {}));
    const run = this.#serial.then(operation).catch((error: unknown) => {
      // A failed record must not leave what it routed to other tasks to run with the next pipe.
      this.#pending.length = 0;
      throw error;
    });
    this.#serial = run.catch(() => undefined);
    return run;
  }

  async #pipe(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): Promise<void> {
    this.#pending.push({ task: this.#taskFor(topic), record: this.#inputRecord(topic, key, value, timestamp, headers) });
    await this.#drain();
  }

  /** Processes queued records, and what they route to other tasks, one at a time, each followed by a commit. */
  async #drain(): Promise<void> {
    for (let next = this.#pending.shift(); next !== undefined; next = this.#pending.shift()) {
      await next.task.processBatch([next.record]);
      if (this.#config.commitEveryRecord !== false) await this.#commit(next.task);
    }
  }

  async #commit(task: StreamTask): Promise<void> {
    await task.flush();
    task.postCommit();
  }

  #capture(record: CapturedRecord): void {
    this.#queue(record.topic).push(record);
    const reader = this.#taskByTopic.get(record.topic);
    if (reader !== undefined) {
      this.#pending.push({ task: reader, record: this.#inputRecord(record.topic, record.key, record.value, record.timestamp, record.headers) });
    }
  }

  #inputRecord(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): TaskInputRecord {
    const offset = this.#nextOffset.get(topic) ?? 0n;
    this.#nextOffset.set(topic, offset + 1n);
    return { topic, partition: 0, offset, key, value, timestamp, headers };
  }

  #queue(topic: string): CapturedRecord[] {
    let queue = this.#outputs.get(topic);
    if (queue === undefined) this.#outputs.set(topic, (queue = []));
    return queue;
  }

  #taskFor(topic: string): StreamTask {
    const task = this.#taskByTopic.get(topic);
    if (task !== undefined) return task;
    throw new KstError('KST_TEST_DRIVER_UNKNOWN_TOPIC', `no source of the topology reads topic "${topic}" (reads: ${this.inputTopicNames.join(', ') || 'nothing'})`, { topic });
  }

  #isTimestamped(name: string): boolean {
    const storePlan = this.plan.stores[name];
    // The builder may say so too, for plans compiled before `StorePlan.timestamped` existed.
    return storePlan !== undefined && (storePlan.timestamped === true || (storePlan.builder as { readonly timestamped?: unknown }).timestamped === true);
  }

  #storeNames(): string[] {
    return this.#tasks.flatMap((task) => [...task.stores.keys()]);
  }

  #storeContext(store: StorePlan, taskId: TaskId): StateStoreContext {
    const id = taskId.subtopology >= GLOBAL_SUBTOPOLOGY_BASE ? 'global' : taskIdToString(taskId);
    const changelog: ChangelogWriter = {
      append: (topic, partition, key, value, timestamp) => {
        this.#queue(topic).push({ topic, partition, key, value, timestamp, headers: [] });
      },
    };
    return {
      applicationId: this.applicationId,
      stateDir: join(this.#stateDir, this.applicationId, id),
      taskId: id,
      partition: taskId.partition,
      // A global store's source topic is its changelog: it writes none.
      changelog: store.changelogTopic === undefined || id === 'global' ? undefined : changelog,
    };
  }
}

/**
 * `KafkaStreams`, the client that runs a topology against Kafka, as Kafka Streams'
 * `KafkaStreams`: it prepares the internal topics, runs `num.stream.threads` stream
 * threads (in this thread when there is one, on worker threads otherwise), keeps the
 * client lifecycle (`ClientState`) from their states, applies the uncaught exception
 * handler when one dies, and answers metadata from the group's assignment.
 *
 * This file is the client's coordinator, and larger than the usual unit for it.
 *
 * @example
 * ```ts
 * const streams = new KafkaStreams(builder.build(), {
 *   'application.id': 'wordcount',
 *   'bootstrap.servers': '127.0.0.1:9092',
 *   'processing.guarantee': 'exactly_once_v2',
 * });
 * streams.setStateListener((next, previous) => console.log(`${previous} → ${next}`));
 * await streams.start();
 * // ...
 * await streams.close({ timeoutMs: 30_000 });
 * ```
 */

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KstError } from '../../common/errors.ts';
import { consoleLogger, type Logger } from '../../common/logger.ts';
import { startupMark } from '../../common/startup-trace.ts';
import { KafkaAdmin, kafkaClientConfig, securitySettingsOf } from '../kafka/index.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import { assignmentTopology, type HostInfo } from '../runtime/assignment/index.ts';
import { brokerTopicName } from '../runtime/index.ts';
import type { StateRestoreListener } from '../runtime/restoration/index.ts';
import { GLOBAL_STATE_FOLDER } from '../runtime/global/global-state.ts';
import { GlobalStreamThread } from '../runtime/global/global-stream-thread.ts';
import type { ThreadState } from '../runtime/thread/thread-state.ts';
import { retryTransient } from '../runtime/transient-retry.ts';
import { isRebalancing } from '../runtime/thread/thread-state.ts';
import { ClientStateMachine, type ClientState, type StateListener } from './client-state.ts';
import { globalTopicCounts, prepareTopics } from './internal-topics.ts';
import { StreamsRegistry } from './metrics.ts';
import { loadProcessId } from './process-id.ts';
import { checkStateCluster } from './state-cluster.ts';
import type { KeySerializer } from './queries/store-routing.ts';
import { StreamsQueries, type KeyQueryMetadata, type LagInfo, type StoreQueryParameters } from './queries/streams-queries.ts';
import { parseStreamsConfig, type StreamsConfig, type StreamsConfigInput } from './streams-config.ts';
import { streamsMetadata, type StreamsMetadata, type ThreadMetadata } from './streams-metadata.ts';
import { LocalThreadHandle, WorkerThreadHandle, type ThreadHandle, type ThreadHandleOptions } from './thread-handles.ts';
import { globalThreadClient, threadSettings } from './thread-settings.ts';
import { isModuleSpec, loadTopologyModule, normalizeModule, planOf, type TopologySource } from './topology-source.ts';
import type { TopologyModule, WorkerGlobalSettings } from './worker-messages.ts';

/** How long `start()` waits for unreachable brokers (a broker restart) before it fails. */
const START_RETRY_MS = 120_000;

export type { ClientState, StateListener } from './client-state.ts';

/** What to do when a stream thread dies of an error (KIP-671). */
export type StreamThreadExceptionResponse = 'REPLACE_THREAD' | 'SHUTDOWN_CLIENT' | 'SHUTDOWN_APPLICATION';
export type UncaughtExceptionHandler = (error: Error) => StreamThreadExceptionResponse;

/** What is not configuration: objects the client uses. */
export interface KafkaStreamsOptions {
  /**
   * Where the client and its threads log (each thread through `logger.child({ thread })`;
   * a thread on a worker, `num.stream.threads` > 1, posts its lines to it); the console
   * (`consoleLogger`) by default.
   */
  readonly logger?: Logger;
}

export class KafkaStreams {
  /** The client's prom-client registry: every thread's metrics, labelled by application id, thread and task. */
  readonly metricsRegistry: StreamsRegistry = new StreamsRegistry();
  readonly #config: StreamsConfig;
  readonly #logger: Logger;
  /** True when the caller gave a logger: only then do the engine's parts that keep a console default log through it. */
  readonly #ownLogger: boolean;
  readonly #module: TopologyModule | undefined;
  readonly #machine: ClientStateMachine;
  #plan: TopologyPlan | undefined;
  #stateListener: StateListener | undefined;
  #exceptionHandler: UncaughtExceptionHandler = () => 'SHUTDOWN_CLIENT';
  #restoreListener: StateRestoreListener | undefined;
  #threads: ThreadHandle[] = [];
  #global: GlobalStreamThread | undefined;
  readonly #queries: StreamsQueries;
  #hosts: readonly HostInfo[] = [];
  #processId: string | undefined;
  #partitionCounts: ReadonlyMap<string, number> = new Map();
  #lastError: Error | undefined;
  #closing: Promise<boolean> | undefined;
  #erroring: Promise<void> | undefined;

  constructor(topology: TopologySource, config: StreamsConfigInput, options: KafkaStreamsOptions = {}) {
    this.#config = parseStreamsConfig(config as Readonly<Record<string, unknown>>);
    this.#logger = options.logger ?? consoleLogger;
    this.#ownLogger = options.logger !== undefined;
    if (isModuleSpec(topology)) {
      this.#module = normalizeModule(topology);
    } else {
      this.#plan = planOf(topology);
      if (this.#config['num.stream.threads'] > 1) {
        throw new KstError('KST_CONFIG_INVALID', `config "num.stream.threads" is ${this.#config['num.stream.threads']}: more than one stream thread runs each on a worker thread, which must build the topology itself; pass { module, exportName } naming a module that exports a function building it, instead of a Topology`, { key: 'num.stream.threads', value: this.#config['num.stream.threads'] });
      }
    }
    this.#machine = new ClientStateMachine((next, previous) => this.#stateListener?.(next, previous));
    this.#queries = new StreamsQueries({
      applicationId: this.#config['application.id'],
      endpoint: this.#config['application.server'] || undefined,
      state: () => this.#machine.state,
      plan: () => this.#plan,
      partitionCounts: () => this.#partitionCounts,
      hosts: () => this.#hosts,
      threads: () => this.#threads,
      global: () => this.#global,
      allMetadata: () => this.metadataForAllStreamsClients(),
    });
  }

  get state(): ClientState {
    return this.#machine.state;
  }

  /** The error that put the client into ERROR (or was reported last by a thread). */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  setStateListener(listener: StateListener): void {
    this.#stateListener = listener;
  }

  /** Decides what happens when a stream thread dies; `SHUTDOWN_CLIENT` by default. */
  setUncaughtExceptionHandler(handler: UncaughtExceptionHandler): void {
    this.#exceptionHandler = handler;
  }

  /** Told about every store restoration; set before `start()`. */
  setGlobalStateRestoreListener(listener: StateRestoreListener): void {
    this.#requireCreated('set a restore listener');
    this.#restoreListener = listener;
  }

  /**
   * Prepares internal topics and starts the stream threads. Resolves once they run
   * (state REBALANCING, then RUNNING when every thread has its tasks restored); rejects,
   * leaving the client in ERROR, when a source topic is missing or setup fails.
   */
  async start(): Promise<void> {
    this.#requireCreated('start');
    const config = this.#config;
    const applicationId = config['application.id'];
    try {
      this.#plan ??= await loadTopologyModule(this.#module as TopologyModule);
      const plan = this.#plan;
      assignmentTopology(plan, applicationId);
      const admin = new KafkaAdmin(kafkaClientConfig.parse({
        ...securitySettingsOf(config),
        'bootstrap.servers': config['bootstrap.servers'],
        'client.id': `${applicationId}-admin`,
        'request.timeout.ms': config['request.timeout.ms'],
        retries: config.retries,
        'retry.backoff.ms': config['retry.backoff.ms'],
      }));
      try {
        // A start during a broker restart waits for it (bounded) rather than failing the process.
        this.#partitionCounts = await retryTransient(async () => {
          const counts = await prepareTopics(admin, plan, {
            applicationId,
            replicationFactor: config['replication.factor'],
            deadLetterTopic: config['errors.dead.letter.queue.topic.name'] || undefined,
          });
          return plan.globalStores.length > 0 ? new Map([...counts, ...(await globalTopicCounts(admin, plan, applicationId))]) : counts;
        }, { maxMs: START_RETRY_MS, what: `kstreams: ${applicationId}: checking its topics`, log: (line) => this.#logger.warn(line) });
        startupMark('internal topics checked');
        await checkStateCluster(admin, { stateDir: config['state.dir'], applicationId, registry: this.metricsRegistry, ...(this.#ownLogger ? { log: (line: string) => this.#logger.warn(line) } : {}) });
        startupMark('state cluster checked');
      } finally {
        await admin.close().catch(() => undefined);
      }
      this.#processId = await loadProcessId(config['state.dir'], applicationId, config['group.instance.id']);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.#lastError = failure;
      this.#machine.to('PENDING_ERROR');
      this.#machine.to('ERROR');
      throw failure;
    }
    if (this.#machine.state !== 'CREATED') return; // closed meanwhile
    this.#machine.to('REBALANCING');
    if (this.#plan.globalStores.length > 0 && !(await this.#startGlobalThread())) return;
    for (let index = 1; index <= config['num.stream.threads']; index++) this.#startThread(index);
  }

  /**
   * Restores the global stores before any stream thread starts (their tasks read them),
   * as Kafka Streams' `start()` does. False when the client stopped meanwhile or failed.
   */
  async #startGlobalThread(): Promise<boolean> {
    const config = this.#config;
    const global = new GlobalStreamThread({
      applicationId: config['application.id'],
      plan: this.#plan as TopologyPlan,
      stateDir: config['state.dir'],
      client: globalThreadClient(config, this.#processId as string),
      partitionCounts: this.#partitionCounts,
      exactlyOnce: config['processing.guarantee'] === 'exactly_once_v2',
      commitIntervalMs: config['commit.interval.ms'],
      pollMs: Math.max(10, config['poll.ms']),
      ...(this.#restoreListener === undefined ? {} : { restoreListener: this.#restoreListener }),
      metricsRegistry: this.metricsRegistry,
      ...(this.#ownLogger ? { log: (message: string) => this.#logger.warn(message, { thread: 'global' }) } : {}),
      onStateChange: () => this.#updateState(),
    });
    this.#global = global;
    void global.done.then((error) => {
      if (error !== undefined && !this.#machine.stopping) this.#fail(error);
    });
    try {
      await global.start();
    } catch (error) {
      if (this.#machine.stopping) return false;
      this.#fail(error as Error);
      await this.#erroring;
      throw error;
    }
    return !this.#machine.stopping;
  }

  /**
   * Stops every thread: final commit, checkpoints written, group left. Resolves true when
   * that finished within `timeoutMs`, false otherwise (workers are then terminated).
   * A static member (`group.instance.id`) does not leave the group, as in Kafka Streams:
   * a restart within `session.timeout.ms` takes its place back without a rebalance. Pass
   * `leaveGroup: true` when the instance goes away for good (scale-down), so its tasks
   * move at once.
   *
   * @example
   * ```ts
   * await streams.close({ timeoutMs: 30_000, leaveGroup: true });
   * ```
   */
  close(options: { readonly timeoutMs?: number; readonly leaveGroup?: boolean } = {}): Promise<boolean> {
    if (this.#closing !== undefined) return this.#closing;
    const state = this.#machine.state;
    if (state === 'NOT_RUNNING' || state === 'ERROR' || state === 'PENDING_ERROR') {
      this.#closing = (this.#erroring ?? Promise.resolve()).then(() => true);
      return this.#closing;
    }
    this.#machine.to('PENDING_SHUTDOWN');
    this.#closing = this.#stopThreads(options.timeoutMs ?? Number.MAX_SAFE_INTEGER, options.leaveGroup === true).then((inTime) => {
      this.#machine.to('NOT_RUNNING');
      return inTime;
    });
    return this.#closing;
  }

  /** Deletes this application's local state (`<state.dir>/<application.id>`); only while not running. */
  async cleanUp(): Promise<void> {
    const state = this.#machine.state;
    if (state !== 'CREATED' && state !== 'NOT_RUNNING' && state !== 'ERROR') {
      throw new KstError('KST_ILLEGAL_STATE_TRANSITION', `cleanUp() needs the client CREATED, NOT_RUNNING or ERROR, but it is ${state}`, { state });
    }
    await rm(join(this.#config['state.dir'], this.#config['application.id']), { recursive: true, force: true, maxRetries: 3 });
  }

  /** The local stream threads with their tasks, from their latest assignment. */
  localThreadsMetadata(): ThreadMetadata[] {
    return this.#threads.map((thread) => thread.metadata());
  }

  /** Every instance of the application that has an `application.server`, with what it hosts. */
  metadataForAllStreamsClients(): StreamsMetadata[] {
    const applicationId = this.#config['application.id'];
    const repartition = new Set((this.#plan?.internalTopics ?? []).filter((t) => t.kind === 'repartition').map((t) => t.name));
    return streamsMetadata(this.#hosts, this.#plan, (topic) => brokerTopicName(applicationId, topic, repartition.has(topic)));
  }

  /**
   * A read-only view of this instance's copies of a store, for interactive queries. The
   * view finds the copies again on every call: a call made while the store is not
   * queryable here (starting, rebalancing, restoring, the key's partition elsewhere)
   * throws `KST_STREAMS_STORE_UNAVAILABLE`, whose recovery is `retry`.
   *
   * @example
   * ```ts
   * const counts = streams.store({ storeName: 'counts', queryableStoreType: QueryableStoreTypes.keyValueStore<string, number>() });
   * const alpha = await counts.get('alpha');
   * const stale = streams.store({ storeName: 'counts', queryableStoreType: QueryableStoreTypes.keyValueStore<string, number>(), enableStaleStores: true });
   * ```
   */
  store<T>(parameters: StoreQueryParameters<T>): T {
    return this.#queries.store(parameters);
  }

  /**
   * Which instance hosts `key` of `storeName` (its active task's endpoint), which hold
   * standbys of it, and its partition; answers from any instance, for any key.
   *
   * @example
   * ```ts
   * const { activeHost, standbyHosts, partition } = streams.queryMetadataForKey('counts', 'alpha', Serdes.String());
   * ```
   */
  queryMetadataForKey<K>(storeName: string, key: K, keySerializer: KeySerializer<K>): KeyQueryMetadata {
    return this.#queries.queryMetadataForKey(storeName, key, keySerializer);
  }

  /** The instances that host `storeName` (active or standby); every instance for a global store. */
  streamsMetadataForStore(storeName: string): StreamsMetadata[] {
    return this.#queries.streamsMetadataForStore(storeName);
  }

  /**
   * For every local store partition (active and standby tasks): the changelog offset it
   * has applied, the changelog's end and the lag between them. A running active task is
   * caught up: its lag is 0.
   *
   * @example
   * ```ts
   * const lags = await streams.allLocalStorePartitionLags();
   * lags.get('counts')?.get(3)?.offsetLag; // 120n
   * ```
   */
  allLocalStorePartitionLags(): Promise<Map<string, Map<number, LagInfo>>> {
    return this.#queries.allLocalStorePartitionLags();
  }

  #startThread(index: number): void {
    const onWorker = this.#config['num.stream.threads'] > 1;
    const options: ThreadHandleOptions = {
      settings: threadSettings(this.#config, this.#processId as string, index, this.#partitionCounts),
      restoreListener: this.#restoreListener,
      ...(this.#ownLogger ? { logger: this.#logger } : {}),
      ...(this.#global === undefined ? {} : onWorker ? { workerGlobal: this.#workerGlobal(index) } : { globalStores: this.#global.stores }),
      events: {
        onStateChange: () => this.#updateState(),
        onAssignment: (_handle, assignment) => {
          this.#hosts = assignment.hosts;
        },
      },
    };
    let handle: ThreadHandle;
    if (!onWorker) {
      handle = new LocalThreadHandle(options, this.#plan as TopologyPlan, this.metricsRegistry);
    } else {
      const worker = new WorkerThreadHandle(options, this.#module as TopologyModule);
      const removeRemote = this.metricsRegistry.addRemote(() => worker.metrics());
      void worker.done.then(removeRemote);
      handle = worker;
    }
    this.#threads[index - 1] = handle;
    void handle.done.then((error) => this.#onThreadDone(handle, error));
    handle.start();
  }

  /**
   * A thread on a worker cannot read the client's global stores: it keeps a copy in
   * `global-<index>` beside the client's `global`, read by a client of its own.
   */
  #workerGlobal(index: number): WorkerGlobalSettings {
    const config = this.#config;
    const client = globalThreadClient(config, this.#processId as string);
    return {
      client: { ...client, 'client.id': `${client['client.id']}-${index}` },
      stateDir: config['state.dir'],
      folderName: `${GLOBAL_STATE_FOLDER}-${index}`,
      partitionCounts: this.#partitionCounts,
      exactlyOnce: config['processing.guarantee'] === 'exactly_once_v2',
      commitIntervalMs: config['commit.interval.ms'],
      pollMs: Math.max(10, config['poll.ms']),
    };
  }

  /** RUNNING when every live thread runs; REBALANCING while any joins or restores. */
  #updateState(): void {
    if (this.#machine.stopping || this.#machine.state === 'CREATED') return;
    const states: ThreadState[] = this.#threads.map((t) => t.state).filter((s) => s !== 'DEAD' && s !== 'PENDING_SHUTDOWN');
    if (states.length === 0) return;
    const globalRunning = this.#global === undefined || this.#global.state === 'RUNNING';
    if (states.every((s) => s === 'RUNNING') && globalRunning) this.#machine.tryTo('RUNNING');
    else if (states.some(isRebalancing)) this.#machine.tryTo('REBALANCING');
  }

  #onThreadDone(handle: ThreadHandle, error: Error | undefined): void {
    if (this.#machine.stopping) return;
    const failure = error ?? new KstError('KST_STREAMS_THREAD_FAILED', `stream thread ${handle.name} stopped unexpectedly`, { thread: handle.name });
    this.#lastError = failure;
    let response: StreamThreadExceptionResponse;
    try {
      response = this.#exceptionHandler(failure);
    } catch {
      response = 'SHUTDOWN_CLIENT';
    }
    if (response === 'REPLACE_THREAD' && this.#threads[handle.index - 1] === handle) {
      this.#logger.warn(`kstreams: replacing stream thread ${handle.name} after: ${failure.message}`, { thread: handle.name });
      this.#startThread(handle.index);
      this.#updateState();
      return;
    }
    this.#fail(failure);
  }

  /** Stops everything and ends in ERROR (a global thread failure, or a thread the handler does not replace). */
  #fail(error: Error): void {
    if (this.#machine.stopping) return;
    this.#lastError = error;
    this.#machine.to('PENDING_ERROR');
    this.#erroring = this.#stopThreads(Number.MAX_SAFE_INTEGER).then(() => this.#machine.to('ERROR'));
  }

  async #stopThreads(timeoutMs: number, leaveGroup = false): Promise<boolean> {
    const threads = this.#threads;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.min(timeoutMs, 2_147_483_647))));
    // The global thread stops last: the stream tasks read its stores until they are closed.
    const stopAll = Promise.all(threads.map((t) => t.close({ leaveGroup }))).then(() => this.#global?.close());
    const inTime = await Promise.race([stopAll.then(() => true), timedOut]);
    clearTimeout(timer);
    if (!inTime) for (const thread of threads) if (thread instanceof WorkerThreadHandle) await thread.terminate();
    return inTime;
  }

  #requireCreated(action: string): void {
    if (this.#machine.state !== 'CREATED') {
      throw new KstError('KST_ILLEGAL_STATE_TRANSITION', `cannot ${action}: the streams client is ${this.#machine.state} (only CREATED allows it)`, { state: this.#machine.state, action });
    }
  }
}

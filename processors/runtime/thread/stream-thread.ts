/**
 * One stream thread, as Kafka Streams' `StreamThread`: one consumer group member
 * (group id = application id) reading every source topic with the streams assignor,
 * the tasks it was assigned, one producer, and the loop
 *
 *   poll → buffer per task and partition → processBatch per processable task → punctuate
 *        → maybe send → maybe commit
 *
 * Rebalances run inside `poll()` (eager): on revocation the thread commits and closes
 * its tasks cleanly (checkpoints written, state kept); on assignment it creates the new
 * tasks and restores their stores before processing. Under exactly_once_v2 a failed
 * transaction puts state and positions back to the last commit (see `#recover`).
 *
 * This file is the thread's coordinator, and larger than the usual unit for it.
 *
 * @example
 * ```ts
 * const thread = new StreamThread({ settings, plan, metricsRegistry, events: { onStateChange, onAssignment } });
 * thread.start();
 * const error = await thread.done; // undefined after close(), the error when it died of one
 * ```
 */

import type { Registry } from 'prom-client';
import { KstError, isKstError } from '../../../common/errors.ts';
import type { LogFields, Logger } from '../../../common/logger.ts';
import { startupMark } from '../../../common/startup-trace.ts';
import { KafkaConsumer, type Assignment, type ProducerRecord, type TopicPartition } from '../../kafka/index.ts';
import type { TopologyPlan } from '../../plan/topology-plan.ts';
import type { StateStore } from '../../../state/api/state-store.ts';
import { StateDirectory } from '../../../state/state-directory.ts';
import { assignmentError, assignmentTopology, createStreamsAssignor, decodeStreamsAssignment, type HostInfo } from '../assignment/index.ts';
import { continueOnError, failOnError } from '../exception-handlers.ts';
import { StandbyUpdater } from '../standby/standby-updater.ts';
import { AtLeastOnceCommit, ExactlyOnceCommit, type CommitStrategy } from './commit-strategy.ts';
import { commitDue } from './commit-timing.ts';
import { ConsumerLag } from './consumer-lag.ts';
import { deadLetterHandler, skipTooLarge } from './dead-letters.ts';
import { KafkaRecordCollector } from './kafka-record-collector.ts';
import { createRestorer, type RestoreListener } from './restore-bridge.ts';
import { TaskFactory } from './task-factory.ts';
import { TaskManager } from './task-manager.ts';
import { clientSettings, consumerSettings, producerSettings, threadName, transactionalId, type ThreadSettings } from './thread-config.ts';
import { ThreadMetrics } from './thread-metrics.ts';
import { ThreadStores } from './thread-stores.ts';
import { attemptAll, pollRetrying } from './thread-steps.ts';
import { isRebalancing, threadTransition, type ThreadState } from './thread-state.ts';
import { sourceTopics, changelogTopics, readOffsetSums } from './plan-topics.ts';

export interface ThreadAssignment {
  readonly activeTasks: ReadonlyMap<string, readonly TopicPartition[]>;
  readonly standbyTasks: ReadonlyMap<string, readonly TopicPartition[]>;
  readonly hosts: readonly HostInfo[];
}

export interface StreamThreadEvents {
  onStateChange?(state: ThreadState, previous: ThreadState): void;
  onAssignment?(assignment: ThreadAssignment): void;
}

export interface CloseThreadOptions {
  /** A static member (group.instance.id) leaves the group too, so its tasks move at once (scale-down). */
  readonly leaveGroup?: boolean;
}

export interface StreamThreadOptions {
  readonly settings: ThreadSettings;
  readonly plan: TopologyPlan;
  readonly metricsRegistry: Registry;
  readonly restoreListener?: RestoreListener;
  /** The client's global stores (GlobalKTables), restored before the thread starts. */
  readonly globalStores?: ReadonlyMap<string, StateStore>;
  readonly events?: StreamThreadEvents;
  /** Where skipped records and transaction recoveries are logged; console.warn by default. */
  readonly log?: (message: string, fields?: LogFields) => void;
  /** The thread's logger (`log` wins for warnings when both are set); rebalances are logged at info. */
  readonly logger?: Logger;
}

export class StreamThread {
  readonly name: string;
  /** Resolves when the thread is DEAD: undefined after `close()`, the error it died of otherwise. */
  readonly done: Promise<Error | undefined>;
  readonly #options: StreamThreadOptions;
  readonly #settings: ThreadSettings;
  readonly #consumer: KafkaConsumer;
  readonly #strategy: CommitStrategy;
  readonly #collector: KafkaRecordCollector;
  readonly #restorer: ReturnType<typeof createRestorer>;
  readonly #manager: TaskManager;
  readonly #metrics: ThreadMetrics;
  readonly #standbys: StandbyUpdater;
  readonly #lag: ConsumerLag;
  readonly #log: (message: string, fields?: LogFields) => void;
  readonly #info: (message: string, fields?: LogFields) => void;
  /** The thread's stores as interactive queries and lag reports see them. */
  readonly stores: ThreadStores;
  #resolveDone!: (error: Error | undefined) => void;
  #state: ThreadState = 'CREATED';
  #stopRequested = false;
  #leaveGroup = false;
  #failed = false;
  /** A rebalance callback failed: the consumer moved on, so the thread must not. */
  #listenerError: unknown = null;
  #lastCommitMs = Date.now();
  #lastLagMs = 0;
  #previousActive: readonly { subtopology: number; partition: number }[] = [];
  #assignment: ThreadAssignment = { activeTasks: new Map(), standbyTasks: new Map(), hosts: [] };
  /** When the leader asked this member to rejoin for a probing rebalance (warm-up replicas); undefined when not. */
  #probingRebalanceAtMs: number | undefined;

  constructor(options: StreamThreadOptions) {
    this.#options = options;
    const settings = options.settings;
    this.#settings = settings;
    this.name = threadName(settings);
    const logger = options.logger;
    this.#log = options.log ?? (logger === undefined ? ((message) => console.warn(message)) : (message, fields) => logger.warn(message, fields));
    this.#info = logger === undefined ? () => undefined : (message, fields) => logger.info(message, fields);
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    const client = clientSettings(settings);
    const stateDirectory = new StateDirectory(settings.stateDir, settings.applicationId);
    this.#consumer = new KafkaConsumer(client, consumerSettings(settings), {
      ...(settings.groupInstanceId === undefined ? {} : { groupInstanceId: settings.groupInstanceId }),
      assignor: createStreamsAssignor({
        processId: settings.processId,
        endpoint: settings.endpoint,
        topology: assignmentTopology(options.plan, settings.applicationId),
        numStandbyReplicas: settings.numStandbyReplicas,
        ownedTasks: () => ({ active: this.#previousActive, standby: this.#standbys.taskIds, taskOffsetSums: new Map([...this.#standbys.offsetSums, ...this.#manager.offsetSums]) }),
        ...(options.logger === undefined ? {} : { log: (message: string) => this.#log(`[streams-assignor] ${message}`) }),
        warmup: settings.warmup,
        endOffsets: (partitions) => this.#lag.endOffsets(partitions),
      }),
      listener: {
        // A failed assignment is delivered again by the next poll, so a retriable failure (a
        // changelog its broker does not know yet) is retried there; a failed revocation is not.
        onPartitionsAssigned: (assignment) => this.#inListener(() => this.#onAssigned(assignment), true),
        onPartitionsRevoked: (_partitions, info) => this.#inListener(() => this.#onRevoked(info.lost), false),
      },
    });
    const producer = producerSettings(settings);
    this.#strategy = settings.exactlyOnce
      ? new ExactlyOnceCommit(client, producer, transactionalId(settings))
      : new AtLeastOnceCommit(client, producer, (offsets) => this.#consumer.commit(offsets));
    const dlqOptions = { topic: settings.deadLetterTopic, collector: { sendRecord: (record: ProducerRecord) => this.#collector.sendRecord(record) }, log: this.#log };
    this.#collector = new KafkaRecordCollector({
      send: (records, options) => this.#strategy.send(records, options),
      changelogTopics: changelogTopics(options.plan, settings.applicationId),
      partitionCounts: settings.partitionCounts,
      batchRecords: settings.producerBatchRecords,
      continueOnSendError: (error, records) => {
        if (settings.productionHandler !== 'log-and-continue' || settings.exactlyOnce) return false;
        this.#log(`kstreams: ${this.name} dropped ${records.length} output records after a failed send: ${error.message}`);
        return true;
      },
      onRecordTooLarge: (rejected, error) => {
        if (settings.productionHandler !== 'log-and-continue') return 'FAIL';
        skipTooLarge(dlqOptions, rejected, error);
        return 'CONTINUE';
      },
    });
    this.#metrics = ThreadMetrics.register(options.metricsRegistry, { applicationId: settings.applicationId, thread: this.name }, {
      tasks: () => this.#manager.tasks.values(),
      enforcedProcessing: () => this.#manager.enforcedProcessing(),
      produced: () => this.#collector.sentRecords,
      droppedOnSend: () => this.#collector.droppedRecords,
      abortedTransactions: () => this.#strategy.abortedTransactions,
    });
    this.#restorer = createRestorer(client, settings.exactlyOnce, this.#metrics, options.restoreListener, options.logger === undefined ? undefined : this.#log);
    const factory = new TaskFactory({
      applicationId: settings.applicationId,
      plan: options.plan,
      stateDirectory,
      exactlyOnce: settings.exactlyOnce,
      collector: this.#collector,
      restorer: this.#restorer,
      deserializationExceptionHandler: settings.deserializationHandler === 'log-and-continue' ? continueOnError : failOnError,
      processingExceptionHandler: settings.processingHandler === 'log-and-continue' ? continueOnError : failOnError,
      deadLetters: deadLetterHandler(dlqOptions),
      metricsRegistry: options.metricsRegistry,
      ...(options.logger === undefined ? {} : { log: this.#log }),
      ...(options.globalStores === undefined ? {} : { globalStores: options.globalStores }),
    });
    this.#manager = new TaskManager({
      factory,
      cacheMaxBytes: settings.cacheMaxBytes,
      input: {
        currentLag: (tp) => this.#consumer.currentLag(tp),
        pause: (partitions) => this.#consumer.pause(partitions),
        resume: (partitions) => this.#consumer.resume(partitions),
      },
      maxTaskIdleMs: settings.maxTaskIdleMs,
      maxBufferedPerPartition: settings.bufferedRecordsPerPartition,
    });
    this.#standbys = new StandbyUpdater({
      applicationId: settings.applicationId,
      plan: options.plan,
      stateDirectory,
      client,
      exactlyOnce: settings.exactlyOnce,
      pollMs: settings.pollMs,
      metricsRegistry: options.metricsRegistry,
      log: this.#log,
    });
    this.#lag = new ConsumerLag(client, settings.exactlyOnce, this.#metrics);
    this.stores = new ThreadStores(() => this.#manager.tasks.values(), this.#standbys);
    void this.#stateDirectoryOffsets(stateDirectory);
  }

  get state(): ThreadState {
    return this.#state;
  }

  get assignment(): ThreadAssignment {
    return this.#assignment;
  }

  get consumerClientId(): string {
    return `${this.name}-consumer-${this.#settings.applicationId}`;
  }

  get producerClientIds(): readonly string[] {
    return this.#strategy.producerClientIds;
  }

  /** Starts the loop; watch `done` (and the state events) for how it goes. */
  start(): void {
    this.#setState('STARTING');
    void this.#run();
  }

  /**
   * Asks the loop to stop after its current round, commit, close its tasks cleanly and
   * leave the group — a static member only with `leaveGroup`: otherwise its place (and
   * its tasks) wait `session.timeout.ms` for it to come back, without a rebalance.
   */
  close(options: CloseThreadOptions = {}): Promise<Error | undefined> {
    this.#stopRequested = true;
    if (options.leaveGroup === true) this.#leaveGroup = true;
    if (this.#state === 'CREATED') {
      this.#setState('PENDING_SHUTDOWN');
      this.#setState('DEAD');
      this.#resolveDone(undefined);
    }
    return this.done;
  }

  async #run(): Promise<void> {
    let failure: Error | undefined;
    try {
      // The group join runs while the producer registers; its assignment (and the committed
      // offsets, which a zombie's open transaction would hold back) is taken by the first
      // poll, once the registration has fenced the zombie and aborted that transaction.
      this.#consumer.subscribe(sourceTopics(this.#options.plan, this.#settings.applicationId));
      await this.#strategy.start();
      startupMark('producer registered');
      while (!this.#stopRequested) await this.#runOnce();
    } catch (error) {
      failure = this.#asThreadError(error);
      this.#failed = true;
    }
    this.#setState('PENDING_SHUTDOWN');
    try {
      await this.#shutdown();
    } catch (error) {
      failure ??= this.#asThreadError(error);
    }
    this.#setState('DEAD');
    this.#resolveDone(failure);
  }

  /**
   * One poll into the tasks' buffers, then what the tasks may process now, in slices of
   * `max.poll.records`; between slices the thread punctuates, feeds standbys, sends and
   * commits when `commit.interval.ms` has passed, so a large fetch never delays a commit
   * by more than one slice. What a task may not process yet (it waits for another input
   * partition, see `PartitionGroup`) stays buffered for the next round.
   */
  async #runOnce(): Promise<void> {
    this.#manager.addRecords((await this.#poll()).records);
    const max = this.#settings.maxPollRecords;
    for (;;) {
      const end = this.#metrics.startBatch();
      const processed = await this.#manager.process(max, Date.now());
      if (processed > 0) {
        end(processed);
        startupMark('first records processed');
      }
      // A lost transaction dropped the buffers and rewound the input to the last commit.
      if (!(await this.#betweenSlices(processed < max)) || processed < max || this.#stopRequested) break;
    }
    const now = Date.now();
    if (this.#probingRebalanceAtMs !== undefined && now >= this.#probingRebalanceAtMs) {
      this.#probingRebalanceAtMs = undefined;
      this.#info(`kstreams: ${this.name} rejoins the group for a probing rebalance (tasks wait for warm-up replicas)`);
      this.#consumer.requestRejoin();
    }
    if (this.#settings.lagIntervalMs > 0 && now - this.#lastLagMs >= this.#settings.lagIntervalMs) {
      this.#lastLagMs = now;
      void this.#lag.measure(this.#consumer.assignment() === null ? [] : this.#consumer.positions());
    }
  }

  /** Punctuation, standbys, sending and a commit when due (see commit-timing.ts); false when the tasks were reset to the last commit. */
  async #betweenSlices(drained: boolean): Promise<boolean> {
    const now = Date.now();
    await this.#manager.punctuate(now);
    // Standbys apply only a fetch that already answered: processing never waits on their broker reads.
    const updating = this.#standbys.maybeUpdate();
    if (updating !== undefined) await updating;
    try {
      const sending = this.#collector.maybeSend();
      if (sending !== undefined) await sending;
      // Caught up under at-least-once: the output goes now, not at the next commit (under exactly-once the commit below does it).
      else if (drained && !this.#settings.exactlyOnce && this.#collector.buffered > 0 && this.#caughtUp()) this.#collector.sendIfIdle();
      const due = commitDue({
        nowMs: now,
        lastCommitMs: this.#lastCommitMs,
        commitIntervalMs: this.#settings.commitIntervalMs,
        commitRequested: this.#manager.commitRequested,
        commitNeeded: this.#manager.commitNeeded,
        exactlyOnce: this.#settings.exactlyOnce,
        drained,
        caughtUp: () => this.#caughtUp(),
      });
      if (due) {
        await this.#commit();
        await this.#standbys.checkpoint();
      }
      return true;
    } catch (error) {
      await this.#onCommitError(error);
      return false;
    }
  }

  /** Every owned input partition's position is at the end its last fetch reported. */
  #caughtUp(): boolean {
    for (const position of this.#consumer.positions()) if (this.#consumer.currentLag(position) !== 0n) return false;
    return true;
  }

  /** Polls, retrying transient failures for up to `max.poll.interval.ms` (see `pollRetrying`). */
  #poll(): ReturnType<KafkaConsumer['poll']> {
    return pollRetrying(() => this.#consumer.poll(), {
      maxMs: this.#settings.maxPollIntervalMs,
      backoffMs: this.#settings.retryBackoffMs,
      stop: () => this.#stopRequested,
      fatal: () => this.#listenerError,
      log: (attempt, message) => this.#log(`kstreams: ${this.name} poll failed (attempt ${attempt}), retrying: ${message}`),
    });
  }

  /** Flush stores → send output → commit offsets (in the transaction under exactly-once). */
  async #commit(): Promise<void> {
    const manager = this.#manager;
    const offsets = manager.offsetsToCommit(this.#consumer.positions());
    if (!manager.commitNeeded && this.#collector.buffered === 0 && !manager.advancesCommitted(offsets)) {
      this.#lastCommitMs = Date.now();
      return;
    }
    const start = performance.now();
    await manager.flush();
    await this.#collector.flush();
    await this.#strategy.commit(this.#consumer.groupMetadata(), offsets);
    await manager.postCommit(offsets, !this.#settings.exactlyOnce);
    this.#metrics.observeCommit((performance.now() - start) / 1000);
    startupMark('first commit');
    this.#lastCommitMs = Date.now();
  }

  /**
   * A send or commit failed. Under exactly-once the open transaction is lost: abort it,
   * drop the tasks dirty (their stores drop the writes staged for that transaction; a task
   * without a store transaction wipes its state), rebuild them from their checkpoints and
   * changelogs (read_committed), and rewind the input to the last commit — state and
   * positions go back to the last commit together. Under at-least-once a lost
   * membership is left to the coming rebalance; anything else stops the thread.
   */
  async #onCommitError(error: unknown): Promise<void> {
    const coded = isKstError(error) ? error : new KstError('KST_KAFKA_PRODUCE', (error as Error).message ?? String(error), {}, { cause: error });
    if (!this.#settings.exactlyOnce) {
      if (coded.code === 'KST_KAFKA_REBALANCE') {
        this.#log(`kstreams: ${this.name} could not commit, the group is rebalancing: ${coded.message}`);
        return;
      }
      throw coded;
    }
    if (coded.recovery === 'fatal' || coded.recovery === 'fix-config' || coded.recovery === 'fix-input') throw coded;
    await this.#recover(coded);
  }

  async #recover(cause: KstError): Promise<void> {
    this.#log(`kstreams: ${this.name} lost its transaction (${cause.code}); restoring its ${this.#manager.tasks.size} task(s) to the last commit: ${cause.message}`);
    const started = Date.now();
    await this.#strategy.abort();
    await this.#collector.clear();
    const rewind = this.#manager.rewindPoints();
    await this.#manager.recreate();
    const restoredMs = Date.now() - started;
    const owned = new Set(this.#consumer.assignment()?.partitions.map((tp) => `${tp.topic}\u0000${tp.partition}`) ?? []);
    for (const point of rewind) if (owned.has(`${point.topic}\u0000${point.partition}`)) this.#consumer.seek(point, point.offset);
    await this.#strategy.recover();
    this.#lastCommitMs = Date.now();
    this.#info(`kstreams: ${this.name} back at its last commit after ${this.#lastCommitMs - started} ms (tasks restored in ${restoredMs} ms, producer ready in ${this.#lastCommitMs - started - restoredMs} ms)`);
  }

  async #inListener(callback: () => Promise<void>, redelivered: boolean): Promise<void> {
    try {
      await callback();
    } catch (error) {
      if (!redelivered || !isKstError(error) || !error.canRetry) this.#listenerError ??= error;
      throw error;
    }
  }

  async #onAssigned(assignment: Assignment): Promise<void> {
    // Leaving the group (close) may still deliver an assignment: do not build tasks for it.
    if (this.#stopRequested || this.#state === 'PENDING_SHUTDOWN') return;
    startupMark('group joined');
    const streams = decodeStreamsAssignment(assignment.userData);
    const error = assignmentError(streams);
    if (error !== undefined) throw error;
    this.#assignment = { activeTasks: streams.activeTasks, standbyTasks: streams.standbyTasks, hosts: streams.hosts };
    this.#probingRebalanceAtMs = streams.probingRebalanceAtMs;
    this.#setState('PARTITIONS_ASSIGNED');
    this.#options.events?.onAssignment?.(this.#assignment);
    try {
      // Standbys first: one promoted to active is checkpointed and closed before its active task opens the folder.
      await this.#standbys.assign(streams.standbyTasks);
      await this.#manager.assign(streams.activeTasks);
    } catch (error) {
      // The consumer delivers this assignment again: the tasks opened so far (nothing
      // processed yet) must release their stores before they are created anew.
      await this.#manager.closeAll({ clean: false }).catch(() => undefined);
      throw error;
    }
    this.#previousActive = this.#manager.taskIds;
    this.#lastCommitMs = Date.now();
    this.#metrics.clearLag();
    this.#metrics.rebalanced();
    this.#info(`kstreams: ${this.name} assigned ${streams.activeTasks.size} active and ${streams.standbyTasks.size} standby task(s)`, { tasks: [...streams.activeTasks.keys()] });
    startupMark('tasks ready');
    if (!this.#stopRequested) this.#setState('RUNNING');
  }

  /** Commits and closes cleanly; when that fails, or the partitions are already lost, closes dirty. */
  async #onRevoked(lost: boolean): Promise<void> {
    if (this.#state !== 'PENDING_SHUTDOWN') this.#setState('PARTITIONS_REVOKED');
    this.#previousActive = this.#manager.taskIds;
    if (!lost && !this.#failed) {
      try {
        await this.#commit();
        await this.#manager.closeAll({ clean: true });
        return;
      } catch (error) {
        this.#log(`kstreams: ${this.name} could not commit before giving up its tasks; closing them dirty: ${(error as Error).message}`);
      }
    }
    await this.#strategy.abort();
    await this.#collector.clear();
    await this.#manager.closeAll({ clean: false }).catch(() => undefined);
  }

  async #shutdown(): Promise<void> {
    const failedSteps = this.#failed ? [() => this.#strategy.abort(), () => this.#collector.clear(), () => this.#manager.closeAll({ clean: false })] : [];
    const errors = await attemptAll([
      ...failedSteps,
      // Leaving the group runs the revocation: commit and clean close (unless failed).
      () => this.#consumer.close({ leaveGroup: this.#leaveGroup }),
      () => this.#manager.closeAll({ clean: false }),
      () => this.#strategy.close(),
      () => this.#standbys.close(),
      () => this.#restorer.close(),
      () => this.#lag.close(),
    ]);
    this.#metrics.unregister();
    if (errors.length > 0 && !this.#failed) throw errors[0];
  }

  async #stateDirectoryOffsets(directory: StateDirectory): Promise<void> {
    try {
      for (const [task, sum] of await readOffsetSums(directory)) if (!this.#manager.offsetSums.has(task)) this.#manager.offsetSums.set(task, sum);
    } catch {
      // Only a hint for the assignor.
    }
  }

  #asThreadError(error: unknown): Error {
    if (error instanceof Error) return error;
    return new KstError('KST_STREAMS_THREAD_FAILED', `${this.name} failed: ${String(error)}`, { thread: this.name });
  }

  #setState(next: ThreadState): void {
    const previous = this.#state;
    this.#state = threadTransition(previous, next, this.name);
    if (previous !== next || next === 'PARTITIONS_ASSIGNED') this.#options.events?.onStateChange?.(next, previous);
  }

  /** True while joining or restoring. */
  get rebalancing(): boolean {
    return isRebalancing(this.#state);
  }
}

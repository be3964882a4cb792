/**
 * One running sink task, as Connect's `WorkerSinkTask`: a member of the consumer group
 * `connect-<connector>` over the connector's topics; every fetched batch is converted,
 * transformed and handed to `put`; offsets are committed only after `flush` succeeded
 * (every `offset.flush.interval.ms`, when the task asks, on revocation and on stop).
 * Pausing pauses every owned partition but keeps the group membership.
 */

import { KstError, isKstError } from '../../common/errors.ts';
import {
  KafkaConsumer, allMembersRangeAssignor, kafkaConsumerConfig,
  type KafkaAdmin, type KafkaClientConfig, type KafkaProducer, type KafkaRecord, type TopicPartition, type TopicPartitionOffset,
} from '../../processors/kafka/index.ts';
import type { SinkRecord } from '../api/connect-record.ts';
import type { SinkConnectorPlugin, SinkTask, SinkTaskContext } from '../api/sink.ts';
import { createConverter } from '../converters/converter-registry.ts';
import { createHeaderConverter } from '../converters/header-converter.ts';
import type { Logger } from '../logging/loggers.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { SinkTaskMetrics } from './sink-metrics.ts';
import { ErrorHandler, errorHandlingConfig, isRetriable } from './error-handler.ts';
import { Lifecycle, type ConnectState, type TargetState } from './lifecycle.ts';
import { convertAndTransform, originKey, prepareBatch, type PipelineParts } from './record-pipeline.ts';
import { buildTransformChain, closeChain } from './transform-chain.ts';
import { sinkTracing, type SinkTracing } from './sink-tracing.ts';
import { taskClientSettings } from '../config/client-overrides.ts';

export interface SinkTaskRunnerOptions {
  readonly connector: string;
  readonly taskId: number;
  /** The connector config: converters, transforms, errors.* and topics come from here. */
  readonly connectorConfig: Readonly<Record<string, string>>;
  /** What `SinkTask.start` receives. */
  readonly taskConfig: Readonly<Record<string, string>>;
  readonly plugin: SinkConnectorPlugin;
  readonly client: KafkaClientConfig;
  /** Consumer settings beyond Connect's defaults (session timeout, fetch wait). */
  readonly consumer?: Readonly<Record<string, unknown>>;
  /** Static membership of the task's consumer in the connector's group (see cluster/static-membership.ts). */
  readonly groupInstanceId?: string;
  readonly admin: KafkaAdmin;
  readonly producer: KafkaProducer;
  readonly logger: Logger;
  readonly offsetFlushIntervalMs: number;
  readonly target: TargetState;
  readonly onState: (state: ConnectState, trace: string | null) => void;
  /** The first record seen from a topic (Connect's active-topic tracking). */
  readonly onTopic?: (topic: string) => void;
  /** Where the task counts what it reads, writes and dead-letters, and reports its lag. */
  readonly metrics?: SinkTaskMetrics;
  /** Resolves config provider references in both configs when the task starts; a failure fails the task. */
  readonly resolve?: (config: Readonly<Record<string, string>>) => Promise<Record<string, string>>;
}

const partitionName = (p: TopicPartition): string => `${p.topic}-${p.partition}`;

/**
 * @example
 * ```ts
 * const runner = new SinkTaskRunner({ connector: 'orders-pg', taskId: 0, connectorConfig, taskConfig, plugin, ... });
 * runner.start();
 * runner.setTarget('PAUSED');
 * await runner.stop();
 * ```
 */
export class SinkTaskRunner {
  readonly id: string;
  readonly lifecycle: Lifecycle;
  readonly #options: SinkTaskRunnerOptions;
  readonly #consumed = new Map<string, TopicPartitionOffset>();
  readonly #committed = new Map<string, TopicPartitionOffset>();
  /** First offset delivered per partition since it was assigned: where a rewind goes when nothing is committed yet. */
  readonly #firstDelivered = new Map<string, TopicPartitionOffset>();
  readonly #topics = new Set<string>();
  readonly #taskPaused = new Set<string>();
  #target: TargetState;
  #stopping = false;
  #leaveGroup = false;
  #commitRequested = false;
  #consumer: KafkaConsumer | null = null;
  #task: SinkTask | null = null;
  #loop: Promise<void> | null = null;
  #origins = new Map<string, KafkaRecord>();
  /** Spans per record around `put`; undefined without an OpenTelemetry SDK. */
  readonly #tracing: SinkTracing | undefined;
  #errors: ErrorHandler | null = null;
  #connectorConfig: Readonly<Record<string, string>>;

  constructor(options: SinkTaskRunnerOptions) {
    this.#tracing = sinkTracing(options.connector, options.taskId);
    this.#options = options;
    this.id = `${options.connector}-${options.taskId}`;
    this.#target = options.target;
    this.#connectorConfig = options.connectorConfig;
    this.lifecycle = new Lifecycle(this.id, options.onState);
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** PAUSED pauses every owned partition (the member stays in the group); STARTED resumes them. */
  setTarget(target: TargetState): void {
    this.#target = target;
    this.lifecycle.follow(target);
  }

  /** Commits what was flushed, stops the task and leaves the group. */
  /** `leaveGroup`: a static consumer leaves the connector's group too (the task goes away for good). */
  async stop(options: { readonly leaveGroup?: boolean } = {}): Promise<void> {
    this.#stopping = true;
    if (options.leaveGroup === true) this.#leaveGroup = true;
    await this.#loop;
  }

  async #run(): Promise<void> {
    const o = this.#options;
    try {
      const connectorConfig = o.resolve === undefined ? o.connectorConfig : await o.resolve(o.connectorConfig);
      const taskConfig = o.resolve === undefined ? o.taskConfig : await o.resolve(o.taskConfig);
      this.#connectorConfig = connectorConfig;
      const errors = errorHandlingConfig(connectorConfig);
      const dlqTopic = (connectorConfig['errors.deadletterqueue.topic.name'] ?? '').trim();
      const dlq = dlqTopic === '' ? undefined : new DeadLetterQueue(o.producer, o.admin, {
        topic: dlqTopic,
        replicationFactor: Number(connectorConfig['errors.deadletterqueue.topic.replication.factor'] ?? '3'),
        contextHeaders: (connectorConfig['errors.deadletterqueue.context.headers.enable'] ?? 'false').toLowerCase() === 'true',
        connectorName: o.connector,
        taskId: o.taskId,
        ...(o.metrics === undefined ? {} : { onWritten: () => o.metrics?.deadLettered() }),
      });
      this.#errors = new ErrorHandler(errors, o.logger, dlq, () => this.#stopping);
      const parts: PipelineParts = {
        keyConverter: await createConverter(connectorConfig, 'key.converter', true),
        keyConverterClass: connectorConfig['key.converter'] ?? 'org.apache.kafka.connect.json.JsonConverter',
        valueConverter: await createConverter(connectorConfig, 'value.converter', false),
        valueConverterClass: connectorConfig['value.converter'] ?? 'org.apache.kafka.connect.json.JsonConverter',
        chain: buildTransformChain(connectorConfig),
        errors: this.#errors,
        headerConverter: await createHeaderConverter(connectorConfig),
      };
      this.#task = o.plugin.createTask();
      await this.#task.start(taskConfig, this.#context());
      const consumer = this.#createConsumer(connectorConfig);
      this.#consumer = consumer;
      consumer.subscribe(await this.#topicsToRead());
      this.lifecycle.transition(this.#target === 'PAUSED' ? 'PAUSED' : 'RUNNING');
      o.logger.info(`${this.id} started`);
      let lastCommit = Date.now();
      while (!this.#stopping) {
        const owned = consumer.assignment()?.partitions ?? [];
        if (this.#target === 'PAUSED') consumer.pause(owned);
        else consumer.resume(owned.filter((p) => !this.#taskPaused.has(partitionName(p))));
        const batch = await consumer.poll();
        o.metrics?.read(batch.records.length);
        if (batch.records.length > 0) await this.#deliver(parts, batch.records);
        this.#reportLag(consumer);
        for (const next of batch.nextOffsets) this.#consumed.set(partitionName(next), next);
        if (this.#commitRequested || Date.now() - lastCommit >= o.offsetFlushIntervalMs) {
          await this.#commit();
          lastCommit = Date.now();
        }
      }
      await this.#shutdown(parts, null);
    } catch (error) {
      if (isKstError(error, 'KST_KAFKA_INSTANCE_FENCED')) {
        // Another worker runs this task now (it moved): not a failure of the task.
        o.logger.info(`${this.id} handed over: ${error.message}`);
        await this.#shutdown(null, null, false);
        return;
      }
      await this.#shutdown(null, error);
    }
  }

  async #deliver(parts: PipelineParts, records: readonly KafkaRecord[]): Promise<void> {
    await prepareBatch(parts, records);
    const sinkRecords = await convertAndTransform(parts, records);
    this.#origins = new Map(records.map((r) => [originKey(r.topic, r.partition, r.offset), r]));
    for (const r of records) {
      const key = partitionName(r);
      if (!this.#firstDelivered.has(key)) this.#firstDelivered.set(key, { topic: r.topic, partition: r.partition, offset: r.offset });
      if (!this.#topics.has(r.topic)) {
        this.#topics.add(r.topic);
        this.#options.onTopic?.(r.topic);
      }
    }
    // Connect redelivers a batch whose put failed retriably, for as long as it takes.
    for (let backoff = 100; ; backoff = Math.min(backoff * 2, 10_000)) {
      try {
        const started = performance.now();
        const task = this.#task as SinkTask;
        await (this.#tracing === undefined ? task.put(sinkRecords) : this.#tracing.around(records, () => task.put(sinkRecords)));
        this.#options.metrics?.written(sinkRecords.length, (performance.now() - started) / 1000);
        return;
      } catch (error) {
        if (!isRetriable(error) || this.#stopping) throw wrapTaskError(error, `${this.id} put failed`);
        this.#options.logger.warn(`${this.id} put failed retriably, retrying in ${backoff} ms: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
  }

  #reportLag(consumer: KafkaConsumer): void {
    const metrics = this.#options.metrics;
    if (metrics === undefined) return;
    const lags: Array<{ topic: string; partition: number; lag: number }> = [];
    for (const p of consumer.assignment()?.partitions ?? []) {
      const lag = consumer.currentLag(p);
      if (lag !== undefined) lags.push({ topic: p.topic, partition: p.partition, lag: Number(lag) });
    }
    metrics.setLag(lags);
  }

  /** Flushes the task, then commits the offsets it flushed; a failed flush commits nothing and rewinds. */
  async #commit(): Promise<void> {
    this.#commitRequested = false;
    const consumer = this.#consumer as KafkaConsumer;
    const pending = [...this.#consumed.values()].filter((o) => this.#committed.get(partitionName(o))?.offset !== o.offset);
    if (pending.length === 0) return;
    const offsets = new Map([...this.#consumed.values()].map((o) => [partitionName(o), o.offset]));
    try {
      await (this.#task as SinkTask).flush(offsets);
    } catch (error) {
      if (!isRetriable(error)) throw wrapTaskError(error, `${this.id} flush failed`);
      this.#options.logger.warn(`${this.id} flush failed, rewinding to the last committed offsets: ${(error as Error).message}`);
      for (const partition of consumer.assignment()?.partitions ?? []) {
        const key = partitionName(partition);
        const back = this.#committed.get(key) ?? this.#firstDelivered.get(key);
        if (back !== undefined) consumer.seek(partition, back.offset);
        this.#consumed.delete(key);
      }
      return;
    }
    try {
      await consumer.commit(pending);
    } catch (error) {
      // As in Connect, a failed commit (a rebalance under way, a coordinator moving) is not
      // fatal: the flushed data is safe, the offsets go with the next commit, and at worst
      // a restart replays what the idempotent sink already wrote.
      this.#options.logger.warn(`${this.id} committing offsets failed, retrying with the next commit: ${(error as Error).message}`);
      return;
    }
    for (const o of pending) this.#committed.set(partitionName(o), o);
  }

  /** The task's consumer: the worker's client and consumer settings with the connector's consumer.override.* (resolved) on top. */
  #createConsumer(connectorConfig: Readonly<Record<string, string>>): KafkaConsumer {
    const o = this.#options;
    const settings = taskClientSettings(o.client, connectorConfig, o.consumer);
    const config = kafkaConsumerConfig.parse({
      'group.id': `connect-${o.connector}`,
      'auto.offset.reset': 'earliest',
      'session.timeout.ms': 10_000,
      'rebalance.timeout.ms': 20_000,
      'heartbeat.interval.ms': 1_000,
      'fetch.max.wait.ms': 200,
      ...settings.consumer,
    });
    return new KafkaConsumer(settings.client, config, {
      ...(o.groupInstanceId === undefined ? {} : { groupInstanceId: o.groupInstanceId }),
      assignor: allMembersRangeAssignor(() => Buffer.from(this.id), 'range'),
      listener: {
        onPartitionsAssigned: async (assignment) => {
          this.#taskPaused.clear();
          this.#firstDelivered.clear();
          this.#committed.clear();
          await this.#task?.open?.(assignment.partitions);
        },
        onPartitionsRevoked: async (partitions, { lost }) => {
          if (!lost) await this.#commit().catch((error: unknown) => o.logger.warn(`${this.id} commit on revocation failed: ${(error as Error).message}`));
          await this.#task?.close?.(partitions);
          for (const p of partitions) this.#consumed.delete(partitionName(p));
        },
      },
    });
  }

  async #topicsToRead(): Promise<string[]> {
    const listed = (this.#connectorConfig['topics'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
    if (listed.length > 0) return listed;
    const pattern = new RegExp(`^(?:${this.#connectorConfig['topics.regex'] ?? ''})$`);
    return (await this.#options.admin.listTopics()).filter((t) => pattern.test(t)).sort();
  }

  #context(): SinkTaskContext {
    return {
      requestCommit: () => {
        this.#commitRequested = true;
      },
      offset: (offsets) => {
        for (const o of offsets) this.#consumer?.seek(o, o.offset);
      },
      pause: (partitions) => {
        for (const p of partitions) this.#taskPaused.add(partitionName(p));
        this.#consumer?.pause(partitions);
      },
      resume: (partitions) => {
        for (const p of partitions) this.#taskPaused.delete(partitionName(p));
        if (this.#target !== 'PAUSED') this.#consumer?.resume(partitions);
      },
      errantRecordReporter: async (record: SinkRecord, error: Error) => {
        const origin = this.#origins.get(originKey(record.topic, record.kafkaPartition, record.kafkaOffset));
        const kafkaRecord: KafkaRecord = origin ?? { topic: record.topic, partition: record.kafkaPartition, offset: record.kafkaOffset, timestamp: BigInt(record.timestamp ?? -1), key: null, value: null, headers: [], leaderEpoch: -1 };
        await (this.#errors as ErrorHandler).report({ record: kafkaRecord, stage: 'TASK_PUT', className: this.#options.plugin.className, error });
      },
    };
  }

  async #shutdown(parts: PipelineParts | null, failure: unknown, commit = true): Promise<void> {
    const o = this.#options;
    if (failure === null && commit) {
      try {
        await this.#commit();
      } catch (error) {
        failure = error;
      }
    }
    if (failure !== null) {
      o.logger.error(`${this.id} failed: ${(failure as Error).message}`);
      if (this.lifecycle.state !== 'FAILED') this.lifecycle.fail(failure);
    }
    await this.#task?.stop().catch((error: unknown) => o.logger.warn(`${this.id} stop failed: ${(error as Error).message}`));
    await this.#consumer?.close({ leaveGroup: this.#leaveGroup }).catch((error: unknown) => o.logger.warn(`${this.id} closing its consumer failed: ${(error as Error).message}`));
    if (parts !== null) closeChain(parts.chain);
    o.metrics?.close();
    if (failure === null) this.lifecycle.transition('UNASSIGNED');
  }
}

function wrapTaskError(error: unknown, message: string): Error {
  if (error instanceof KstError) return error;
  return new KstError('KST_CONNECT_TASK_FAILED', `${message}: ${(error as Error).message}`, {}, { cause: error });
}

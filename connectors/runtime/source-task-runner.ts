/**
 * One running source task, as Connect's `WorkerSourceTask`: `poll`, then each record
 * through the transform chain and the key/value converters, then produced by the task's
 * own producer. Pausing stops polling; the task stays started.
 *
 * At least once (the default): offsets are stored in the offsets topic only for records
 * the broker acknowledged, every `offset.flush.interval.ms` and on stop, so a restart
 * resumes after what was delivered and at worst produces again what came after the last
 * flush.
 *
 * Exactly once (`exactlyOnce`, the worker's `exactly.once.source.support=enabled`, as
 * Connect's `ExactlyOnceWorkerSourceTask` with `transaction.boundary=poll`): a
 * transactional producer (`<group.id>-<connector>-<task>`, which fences a zombie of the
 * same task when it starts) writes each poll's records and their offsets to the offsets
 * topic in one transaction; a failed commit fails the task, and nothing of it is seen by
 * read_committed readers or by the offsets the next run resumes from.
 */

import { KstError, isKstError } from '../../common/errors.ts';
import { KafkaProducer, TransactionalProducer, type KafkaAdmin, type KafkaClientConfig, type KafkaRecord, type ProducerRecord } from '../../processors/kafka/index.ts';
import type { ConnectSchema, SinkRecord } from '../api/connect-record.ts';
import type { Converter } from '../api/converter.ts';
import type { SourceConnectorPlugin, SourceMap, SourceRecord, SourceTask } from '../api/source.ts';
import { createConverter } from '../converters/converter-registry.ts';
import { createHeaderConverter, type HeaderConverter } from '../converters/header-converter.ts';
import type { Logger } from '../logging/loggers.ts';
import { canonicalJson, offsetKey, type OffsetStore } from '../storage/offset-store.ts';
import { ErrorHandler, SKIPPED, errorHandlingConfig, isRetriable } from './error-handler.ts';
import { Lifecycle, type ConnectState, type TargetState } from './lifecycle.ts';
import { applyStage, buildTransformChain, closeChain, type TransformStage } from './transform-chain.ts';

export interface SourceTaskRunnerOptions {
  readonly connector: string;
  readonly taskId: number;
  /** The connector config: converters, transforms, errors.* and topic.creation.* come from here. */
  readonly connectorConfig: Readonly<Record<string, string>>;
  /** What `SourceTask.start` receives. */
  readonly taskConfig: Readonly<Record<string, string>>;
  readonly plugin: SourceConnectorPlugin;
  readonly client: KafkaClientConfig;
  readonly admin: KafkaAdmin;
  readonly offsets: OffsetStore;
  /** Exactly-once delivery: the task's transactional id and the offsets topic its transactions write to. */
  readonly exactlyOnce?: { readonly transactionalId: string; readonly offsetsTopic: string };
  readonly logger: Logger;
  readonly offsetFlushIntervalMs: number;
  readonly target: TargetState;
  readonly onState: (state: ConnectState, trace: string | null) => void;
  readonly onTopic?: (topic: string) => void;
  readonly resolve?: (config: Readonly<Record<string, string>>) => Promise<Record<string, string>>;
}

interface Parts {
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly chain: readonly TransformStage[];
  readonly errors: ErrorHandler;
  readonly headerConverter: HeaderConverter;
}

const PAUSED_WAIT_MS = 100;

/**
 * @example
 * ```ts
 * const runner = new SourceTaskRunner({ connector: 'templates-pg', taskId: 0, connectorConfig, taskConfig, plugin, client, admin, offsets, ... });
 * runner.start();
 * await runner.stop(); // stores the offsets of every acknowledged record
 * ```
 */
export class SourceTaskRunner {
  readonly id: string;
  readonly lifecycle: Lifecycle;
  readonly #o: SourceTaskRunnerOptions;
  /** Acknowledged offsets not stored yet, by canonical partition. */
  #acked = new Map<string, { partition: SourceMap; offset: SourceMap }>();
  readonly #topics = new Set<string>();
  #target: TargetState;
  #stopping = false;
  #task: SourceTask | null = null;
  #taskStopped = false;
  #producer: KafkaProducer | null = null;
  #transactional: TransactionalProducer | null = null;
  #loop: Promise<void> | null = null;

  constructor(options: SourceTaskRunnerOptions) {
    this.#o = options;
    this.id = `${options.connector}-${options.taskId}`;
    this.#target = options.target;
    this.lifecycle = new Lifecycle(this.id, options.onState);
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  setTarget(target: TargetState): void {
    this.#target = target;
    this.lifecycle.follow(target);
  }

  /** Wakes a waiting `poll` (the task's `stop`), then stores the offsets of what was acknowledged. */
  async stop(_options: { readonly leaveGroup?: boolean } = {}): Promise<void> {
    this.#stopping = true;
    await this.#stopTask();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const o = this.#o;
    let parts: Parts | null = null;
    try {
      const connectorConfig = o.resolve === undefined ? o.connectorConfig : await o.resolve(o.connectorConfig);
      const taskConfig = o.resolve === undefined ? o.taskConfig : await o.resolve(o.taskConfig);
      parts = {
        keyConverter: await createConverter(connectorConfig, 'key.converter', true),
        valueConverter: await createConverter(connectorConfig, 'value.converter', false),
        chain: buildTransformChain(connectorConfig),
        errors: new ErrorHandler(errorHandlingConfig(connectorConfig), o.logger, undefined, () => this.#stopping),
        headerConverter: await createHeaderConverter(connectorConfig),
      };
      if (o.exactlyOnce === undefined) this.#producer = new KafkaProducer(o.client);
      else {
        this.#transactional = new TransactionalProducer(o.client, o.exactlyOnce.transactionalId);
        await this.#transactional.initTransactions();
      }
      this.#task = o.plugin.createTask();
      await this.#task.start(taskConfig, { offsetStorageReader: { offset: (partition) => o.offsets.offset(o.connector, partition) } });
      this.lifecycle.transition(this.#target === 'PAUSED' ? 'PAUSED' : 'RUNNING');
      o.logger.info(`${this.id} started`);
      let lastFlush = Date.now();
      while (!this.#stopping) {
        if (this.#target === 'PAUSED') {
          await new Promise((resolve) => setTimeout(resolve, PAUSED_WAIT_MS));
          continue;
        }
        const records = await this.#poll();
        if (records.length > 0) await this.#send(parts, records, connectorConfig);
        if (Date.now() - lastFlush >= o.offsetFlushIntervalMs) {
          await this.#commitOffsets();
          lastFlush = Date.now();
        }
      }
      await this.#shutdown(parts, null);
    } catch (error) {
      if (isKstError(error, 'KST_KAFKA_PRODUCER_FENCED')) {
        // A newer run of this task took its transactional id: a zombie, not a failure of the task.
        o.logger.info(`${this.id} fenced by a newer run of the task: ${error.message}`);
        this.#stopping = true;
        await this.#shutdown(parts, null, false);
        return;
      }
      await this.#shutdown(parts, error);
    }
  }

  async #poll(): Promise<readonly SourceRecord[]> {
    try {
      return await (this.#task as SourceTask).poll();
    } catch (error) {
      if (this.#stopping) return [];
      if (!isRetriable(error)) throw wrap(error, `${this.id} poll failed`);
      this.#o.logger.warn(`${this.id} poll failed retriably, polling again: ${(error as Error).message}`);
      return [];
    }
  }

  /** Transforms, converts and produces a batch in order; offsets count once the broker acknowledged. */
  async #send(parts: Parts, records: readonly SourceRecord[], config: Readonly<Record<string, string>>): Promise<void> {
    const out: ProducerRecord[] = [];
    for (const record of records) {
      const produced = await this.#convert(parts, record);
      if (produced === null) continue;
      await this.#ensureTopic(produced.topic, config);
      out.push(produced);
    }
    const latest = new Map<string, { partition: SourceMap; offset: SourceMap }>();
    for (const record of records) latest.set(canonicalJson(record.sourcePartition), { partition: record.sourcePartition, offset: record.sourceOffset });
    if (this.#transactional !== null) {
      await this.#sendTransaction(this.#transactional, out, [...latest.values()]);
      return;
    }
    await (this.#producer as KafkaProducer).send(out);
    for (const [key, entry] of latest) this.#acked.set(key, entry);
  }

  /** The poll's records and offsets in one transaction; a failure aborts it and fails the task. */
  async #sendTransaction(producer: TransactionalProducer, out: readonly ProducerRecord[], offsets: ReadonlyArray<{ partition: SourceMap; offset: SourceMap }>): Promise<void> {
    const topic = (this.#o.exactlyOnce as { offsetsTopic: string }).offsetsTopic;
    producer.begin();
    try {
      await producer.send([
        ...out,
        ...offsets.map((e) => ({ topic, key: Buffer.from(offsetKey(this.#o.connector, e.partition), 'utf8'), value: Buffer.from(canonicalJson(e.offset), 'utf8') })),
      ]);
      await producer.commit();
    } catch (error) {
      if (producer.state === 'in-transaction' || producer.state === 'failed') await producer.abort().catch(() => undefined);
      throw wrap(error, `${this.id} committing a transaction failed`);
    }
    await this.#task?.commit?.();
  }

  async #convert(parts: Parts, record: SourceRecord): Promise<ProducerRecord | null> {
    const origin: KafkaRecord = { topic: record.topic, partition: record.kafkaPartition ?? -1, offset: -1n, timestamp: BigInt(record.timestamp ?? -1), key: null, value: null, headers: [], leaderEpoch: -1 };
    let current: SinkRecord | null = {
      topic: record.topic,
      kafkaPartition: record.kafkaPartition ?? -1,
      kafkaOffset: -1n,
      timestamp: record.timestamp,
      timestampType: record.timestamp === undefined ? 'NoTimestampType' : 'CreateTime',
      keySchema: record.keySchema,
      key: record.key,
      valueSchema: record.valueSchema,
      value: record.value,
      headers: record.headers ?? [],
    };
    for (const stage of parts.chain) {
      const input: SinkRecord = current;
      const result: SinkRecord | null | typeof SKIPPED = await parts.errors.execute(origin, 'TRANSFORMATION', stage.className, () => applyStage(stage, input));
      current = result === SKIPPED ? null : result;
      if (current === null) return null;
    }
    const r: SinkRecord = current;
    const key = await parts.errors.execute(origin, 'KEY_CONVERTER', 'key.converter', () => toBytes(parts.keyConverter, 'key.converter', r.topic, r.keySchema, r.key));
    if (key === SKIPPED) return null;
    const value = await parts.errors.execute(origin, 'VALUE_CONVERTER', 'value.converter', () => toBytes(parts.valueConverter, 'value.converter', r.topic, r.valueSchema, r.value));
    if (value === SKIPPED) return null;
    const headers = await parts.errors.execute(origin, 'HEADER_CONVERTER', 'header.converter', () => r.headers.map((h) => [h.key, parts.headerConverter.fromConnectHeader(r.topic, h.key, h.schema, h.value) ?? Buffer.alloc(0)] as [string, Buffer]));
    if (headers === SKIPPED) return null;
    return {
      topic: r.topic,
      ...(r.kafkaPartition >= 0 ? { partition: r.kafkaPartition } : {}),
      key,
      value,
      headers,
      ...(r.timestamp === undefined ? {} : { timestamp: BigInt(r.timestamp) }),
    };
  }

  /** Creates a missing topic, with `topic.creation.default.*` when given (KIP-158), else the broker's defaults. */
  async #ensureTopic(topic: string, config: Readonly<Record<string, string>>): Promise<void> {
    if (this.#topics.has(topic)) return;
    const partitions = Number(config['topic.creation.default.partitions'] ?? '-1');
    const replicationFactor = Number(config['topic.creation.default.replication.factor'] ?? '-1');
    await this.#o.admin.createTopics([{ name: topic, partitions, replicationFactor }], { ifNotExists: true });
    this.#topics.add(topic);
    this.#o.onTopic?.(topic);
  }

  /** Stores the acknowledged offsets; a failed write keeps them for the next flush. */
  async #commitOffsets(): Promise<void> {
    if (this.#acked.size === 0) return;
    const pending = this.#acked;
    this.#acked = new Map();
    try {
      await this.#o.offsets.write(this.#o.connector, [...pending.values()]);
    } catch (error) {
      for (const [key, entry] of pending) if (!this.#acked.has(key)) this.#acked.set(key, entry);
      this.#o.logger.warn(`${this.id} storing offsets failed, retrying with the next flush: ${(error as Error).message}`);
      return;
    }
    await this.#task?.commit?.();
  }

  async #stopTask(): Promise<void> {
    if (this.#taskStopped || this.#task === null) return;
    this.#taskStopped = true;
    await this.#task.stop().catch((error: unknown) => this.#o.logger.warn(`${this.id} stop failed: ${(error as Error).message}`));
  }

  async #shutdown(parts: Parts | null, failure: unknown, report = true): Promise<void> {
    const o = this.#o;
    await this.#commitOffsets().catch((error: unknown) => o.logger.warn(`${this.id} storing offsets at stop failed: ${(error as Error).message}`));
    if (failure !== null) {
      o.logger.error(`${this.id} failed: ${(failure as Error).message}`);
      if (this.lifecycle.state !== 'FAILED') this.lifecycle.fail(failure);
    }
    await this.#stopTask();
    await this.#producer?.close().catch((error: unknown) => o.logger.warn(`${this.id} closing its producer failed: ${(error as Error).message}`));
    await this.#transactional?.close().catch((error: unknown) => o.logger.warn(`${this.id} closing its transactional producer failed: ${(error as Error).message}`));
    if (parts !== null) closeChain(parts.chain);
    if (failure === null && report) this.lifecycle.transition('UNASSIGNED');
  }
}

function toBytes(converter: Converter, key: string, topic: string, schema: ConnectSchema | null, value: unknown): Buffer | null {
  if (converter.fromConnectData === undefined) {
    throw new KstError('KST_CONNECT_PLUGIN_NOT_FOUND', `The ${key} cannot write Connect data to bytes (source connectors need JsonConverter, StringConverter or ByteArrayConverter)`, { key });
  }
  return converter.fromConnectData(topic, schema, value);
}

function wrap(error: unknown, message: string): Error {
  if (isKstError(error)) return error;
  return new KstError('KST_CONNECT_TASK_FAILED', `${message}: ${(error as Error).message}`, {}, { cause: error });
}

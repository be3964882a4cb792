/**
 * The sink dead-letter queue (`errors.deadletterqueue.topic.name`): the failed record's
 * original key, value and headers, plus — with `errors.deadletterqueue.context.headers.enable`
 * — Connect's `__connect.errors.*` headers naming where and why it failed, so tools that
 * read Connect's DLQs read ours.
 */

import type { KafkaAdmin, KafkaHeader, KafkaProducer, KafkaRecord } from '../../processors/kafka/index.ts';

export type ErrorStage = 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER' | 'TRANSFORMATION' | 'TASK_PUT' | 'KAFKA_CONSUME';

/** Where a record failed: Connect's `ProcessingContext`. */
export interface ErrorContext {
  readonly record: KafkaRecord;
  readonly stage: ErrorStage;
  /** The class of the converter, transform or task that failed. */
  readonly className: string;
  readonly error: Error;
}

export const DLQ_HEADERS = {
  topic: '__connect.errors.topic',
  partition: '__connect.errors.partition',
  offset: '__connect.errors.offset',
  connectorName: '__connect.errors.connector.name',
  taskId: '__connect.errors.task.id',
  stage: '__connect.errors.stage',
  className: '__connect.errors.class.name',
  exceptionClassName: '__connect.errors.exception.class.name',
  exceptionMessage: '__connect.errors.exception.message',
  exceptionStacktrace: '__connect.errors.exception.stacktrace',
} as const;

/** The Java class name Connect would report for an error, so DLQ consumers can branch on it. */
export function exceptionClassName(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'KST_CONNECT_CONVERSION_FAILED' || code === 'KST_TRANSFORM_INPUT_INVALID' || code === 'KST_SINK_RECORD_INVALID') return 'org.apache.kafka.connect.errors.DataException';
  if ((error as { retriable?: unknown }).retriable === true) return 'org.apache.kafka.connect.errors.RetriableException';
  return typeof code === 'string' ? `io.kstreams.${code}` : error.name;
}

export interface DeadLetterQueueOptions {
  readonly topic: string;
  readonly replicationFactor: number;
  readonly contextHeaders: boolean;
  readonly connectorName: string;
  readonly taskId: number;
  /** Told of each record written to the queue (the task's metrics). */
  readonly onWritten?: () => void;
}

/**
 * @example
 * ```ts
 * const dlq = new DeadLetterQueue(producer, admin, { topic: 'orders-dlq', replicationFactor: 1, contextHeaders: true, connectorName: 'orders-pg', taskId: 0 });
 * await dlq.report({ record, stage: 'VALUE_CONVERTER', className: 'org.apache.kafka.connect.json.JsonConverter', error });
 * ```
 */
export class DeadLetterQueue {
  readonly #producer: KafkaProducer;
  readonly #admin: KafkaAdmin;
  readonly #options: DeadLetterQueueOptions;
  #created: Promise<unknown> | null = null;

  constructor(producer: KafkaProducer, admin: KafkaAdmin, options: DeadLetterQueueOptions) {
    this.#producer = producer;
    this.#admin = admin;
    this.#options = options;
  }

  async report(context: ErrorContext): Promise<void> {
    // Created on first use, as Connect does when the task starts, with the configured factor.
    this.#created ??= this.#admin.createTopics([{ name: this.#options.topic, partitions: 1, replicationFactor: this.#options.replicationFactor }], { ifNotExists: true });
    await this.#created;
    const headers: KafkaHeader[] = [...context.record.headers];
    if (this.#options.contextHeaders) headers.push(...contextHeaders(context, this.#options));
    await this.#producer.send([{ topic: this.#options.topic, key: context.record.key, value: context.record.value, headers }]);
    this.#options.onWritten?.();
  }
}

export function contextHeaders(context: ErrorContext, options: { readonly connectorName: string; readonly taskId: number }): KafkaHeader[] {
  const text = (key: string, value: string): KafkaHeader => [key, Buffer.from(value, 'utf8')];
  return [
    text(DLQ_HEADERS.topic, context.record.topic),
    text(DLQ_HEADERS.partition, String(context.record.partition)),
    text(DLQ_HEADERS.offset, String(context.record.offset)),
    text(DLQ_HEADERS.connectorName, options.connectorName),
    text(DLQ_HEADERS.taskId, String(options.taskId)),
    text(DLQ_HEADERS.stage, context.stage),
    text(DLQ_HEADERS.className, context.className),
    text(DLQ_HEADERS.exceptionClassName, exceptionClassName(context.error)),
    text(DLQ_HEADERS.exceptionMessage, context.error.message),
    text(DLQ_HEADERS.exceptionStacktrace, context.error.stack ?? context.error.message),
  ];
}

/**
 * Dead letters as KIP-1034 writes them: the skipped record's own key and value bytes,
 * its headers, plus `__streams.errors.*` headers saying what failed and where. They go
 * through the thread's record collector, so under exactly-once a dead letter is part of
 * the same transaction as the offsets that skip its record.
 *
 * @example
 * ```ts
 * const deadLetters = deadLetterHandler({ topic: 'wordcount-dlq', collector, log: console.warn });
 * new StreamTask({ ...options, deadLetters });
 * ```
 */

import type { KstError } from '../../../common/errors.ts';
import type { KafkaHeader, ProducerRecord, TooLargeRecord } from '../../kafka/index.ts';
import type { DeadLetter, DeadLetterCallback } from '../exception-handlers.ts';
import { describeLocation } from '../exception-handlers.ts';
import { taskIdToString } from '../../api/processor.ts';

export const DLQ_HEADERS = Object.freeze({
  exception: '__streams.errors.exception',
  message: '__streams.errors.message',
  stacktrace: '__streams.errors.stacktrace',
  topic: '__streams.errors.topic',
  partition: '__streams.errors.partition',
  offset: '__streams.errors.offset',
});

export interface DeadLetterOptions {
  /** The DLQ topic; undefined: skipped records are only logged and counted. */
  readonly topic: string | undefined;
  readonly collector: { sendRecord(record: ProducerRecord): void };
  /** Where "log-and-continue" logs (with the task's id as `task`); `console.warn` by default. */
  readonly log?: (message: string, fields?: Readonly<Record<string, unknown>>) => void;
}

/** The record written to the DLQ for one skipped record. */
export function deadLetterRecord(topic: string, deadLetter: DeadLetter): ProducerRecord {
  const { error, input, context } = deadLetter;
  const headers: KafkaHeader[] = input === undefined ? [] : [...input.headers];
  const text = (name: string, value: string): void => {
    headers.push([name, Buffer.from(value, 'utf8')]);
  };
  text(DLQ_HEADERS.exception, error instanceof Error ? errorClass(error) : typeof error);
  text(DLQ_HEADERS.message, error instanceof Error ? error.message : String(error));
  text(DLQ_HEADERS.stacktrace, error instanceof Error ? (error.stack ?? '') : '');
  if (context.topic !== undefined) text(DLQ_HEADERS.topic, context.topic);
  if (context.partition !== undefined) text(DLQ_HEADERS.partition, String(context.partition));
  if (context.offset !== undefined) text(DLQ_HEADERS.offset, String(context.offset));
  const timestamp = input === undefined ? undefined : typeof input.timestamp === 'bigint' ? input.timestamp : BigInt(Math.trunc(input.timestamp));
  return {
    topic,
    key: input?.key ?? null,
    value: input?.value ?? null,
    headers,
    ...(timestamp === undefined || timestamp < 0n ? {} : { timestamp }),
  };
}

/** The `deadLetters` callback of a task: logs the skip, and queues the DLQ record when a topic is set. */
export function deadLetterHandler(options: DeadLetterOptions): DeadLetterCallback {
  const log = options.log ?? ((message: string) => console.warn(message));
  return (deadLetter) => {
    const error = deadLetter.error;
    log(`kstreams: skipped a record (${deadLetter.kind} error) ${describeLocation(deadLetter.context)}: ${error instanceof Error ? error.message : String(error)}`, { task: taskIdToString(deadLetter.context.taskId) });
    if (options.topic !== undefined) options.collector.sendRecord(deadLetterRecord(options.topic, deadLetter));
  };
}

/**
 * The dead letter of an output record skipped as too large to send. It carries the
 * record's key and headers but not its value — the value is what did not fit — plus the
 * error headers, with the topic and partition it was meant for.
 */
export function tooLargeDeadLetterRecord(topic: string, rejected: TooLargeRecord, error: KstError): ProducerRecord {
  const headers: KafkaHeader[] = [...(rejected.record.headers ?? [])];
  const text = (name: string, value: string): void => {
    headers.push([name, Buffer.from(value, 'utf8')]);
  };
  text(DLQ_HEADERS.exception, errorClass(error));
  text(DLQ_HEADERS.message, error.message);
  text(DLQ_HEADERS.stacktrace, error.stack ?? '');
  text(DLQ_HEADERS.topic, rejected.topic);
  text(DLQ_HEADERS.partition, String(rejected.partition));
  const timestamp = rejected.record.timestamp;
  return { topic, key: rejected.record.key ?? null, value: null, headers, ...(timestamp === undefined || timestamp < 0n ? {} : { timestamp }) };
}

/** `production.exception.handler=log-and-continue` for a too large record: log, and dead-letter when a topic is set. */
export function skipTooLarge(options: DeadLetterOptions, rejected: TooLargeRecord, error: KstError): void {
  const log = options.log ?? ((message: string) => console.warn(message));
  log(`kstreams: skipped an output record for ${rejected.topic}-${rejected.partition} (${rejected.bytes} bytes, limit ${rejected.limit}): ${error.message}`);
  if (options.topic !== undefined) options.collector.sendRecord(tooLargeDeadLetterRecord(options.topic, rejected, error));
}

/** Kafka writes the exception's class name; ours carry a code, which says more. */
function errorClass(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name}[${code}]` : error.name;
}

/**
 * Error policy, as Kafka Streams' `DeserializationExceptionHandler` and
 * `ProcessingExceptionHandler` (KIP-1033): the user decides per failure whether the task
 * goes on (`'CONTINUE'`: the record is skipped and dead-lettered) or stops (`'FAIL'`: the
 * task throws a coded error naming where it happened). Handlers are plain functions; they
 * must not throw and must not block, they run on the hot path's error branch.
 *
 * @example
 * ```ts
 * const handler: ProcessingExceptionHandler = (context, _record, error) =>
 *   error instanceof ValidationError ? 'CONTINUE' : 'FAIL';
 * ```
 */

import type { TaskId } from '../api/processor.ts';
import type { StreamRecord } from '../api/record.ts';
import type { TaskInputRecord } from './record-collector.ts';

export const HandlerResponse = Object.freeze({
  CONTINUE: 'CONTINUE',
  FAIL: 'FAIL',
} as const);
export type HandlerResponse = (typeof HandlerResponse)[keyof typeof HandlerResponse];

/** Where a failure happened. Topic, partition and offset are undefined inside a punctuator. */
export interface ErrorHandlerContext {
  readonly taskId: TaskId;
  /** The source node for a deserialization error; the failing processor or sink otherwise. */
  readonly nodeName: string;
  readonly topic: string | undefined;
  readonly partition: number | undefined;
  readonly offset: bigint | undefined;
}

/** Decides about bytes that did not deserialize, or whose timestamp could not be extracted. */
export type DeserializationExceptionHandler = (context: ErrorHandlerContext, record: TaskInputRecord, error: unknown) => HandlerResponse;

/**
 * Decides about a processor, punctuator or sink that threw. `record` is the record as the
 * failing node saw it; undefined inside a punctuator.
 */
export type ProcessingExceptionHandler = (context: ErrorHandlerContext, record: StreamRecord<unknown, unknown> | undefined, error: unknown) => HandlerResponse;

/** What a handler that chose CONTINUE leaves behind for the dead-letter topic. */
export interface DeadLetter {
  readonly kind: 'deserialization' | 'processing';
  readonly context: ErrorHandlerContext;
  readonly error: unknown;
  /** The consumed record, byte for byte; undefined when the failure was in a punctuator. */
  readonly input: TaskInputRecord | undefined;
}

/** Receives skipped records; the runtime produces them to a DLQ topic with context headers. */
export type DeadLetterCallback = (deadLetter: DeadLetter) => void;

/** The default of both handlers: stop on the first failure, as Kafka Streams does. */
export const failOnError = (): HandlerResponse => HandlerResponse.FAIL;

/** Skips every failing record (it still reaches the dead-letter callback). */
export const continueOnError = (): HandlerResponse => HandlerResponse.CONTINUE;

/** Where a record stands, for the message of a coded error. */
export function describeLocation(context: ErrorHandlerContext): string {
  if (context.topic === undefined) return `in a punctuator of node "${context.nodeName}"`;
  return `at node "${context.nodeName}" for record ${context.topic}/${context.partition}@${context.offset}`;
}

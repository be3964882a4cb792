/**
 * Applies the user's exception handlers for one task and turns a FAIL into the coded error
 * that names where it happened. Kept apart from the task so the policy reads in one place:
 * what goes to a handler, what is passed up untouched, what is dead-lettered.
 */

import { KstError, isKstError } from '../../common/errors.ts';
import { taskIdToString, type TaskId } from '../api/processor.ts';
import type { StreamRecord } from '../api/record.ts';
import {
  describeLocation,
  failOnError,
  type DeadLetterCallback,
  type DeserializationExceptionHandler,
  type ErrorHandlerContext,
  type ProcessingExceptionHandler,
} from './exception-handlers.ts';
import type { TaskInputRecord } from './record-collector.ts';

export interface ErrorPolicyOptions {
  readonly deserializationExceptionHandler?: DeserializationExceptionHandler;
  readonly processingExceptionHandler?: ProcessingExceptionHandler;
  readonly deadLetters?: DeadLetterCallback;
}

/**
 * @example
 * ```ts
 * const policy = new TaskErrorPolicy(taskId, options);
 * policy.onProcessingError('KSTREAM-MAP-0000000001', record, error, input); // returns on CONTINUE, throws on FAIL
 * ```
 */
export class TaskErrorPolicy {
  readonly #taskId: TaskId;
  readonly #idString: string;
  readonly #deserialization: DeserializationExceptionHandler;
  readonly #processing: ProcessingExceptionHandler;
  readonly #deadLetters: DeadLetterCallback | undefined;
  /** Records skipped on CONTINUE. */
  skipped = 0;

  constructor(taskId: TaskId, options: ErrorPolicyOptions) {
    this.#taskId = taskId;
    this.#idString = taskIdToString(taskId);
    this.#deserialization = options.deserializationExceptionHandler ?? failOnError;
    this.#processing = options.processingExceptionHandler ?? failOnError;
    this.#deadLetters = options.deadLetters;
  }

  onDeserializationError(raw: TaskInputRecord, nodeName: string, error: unknown): void {
    const context: ErrorHandlerContext = { taskId: this.#taskId, nodeName, topic: raw.topic, partition: raw.partition, offset: raw.offset };
    if (this.#deserialization(context, raw, error) === 'CONTINUE') {
      this.skipped++;
      this.#deadLetters?.({ kind: 'deserialization', context, error, input: raw });
      return;
    }
    throw new KstError('KST_TASK_DESERIALIZATION_FAILED', `task ${this.#idString} cannot read the record ${describeLocation(context)}: ${messageOf(error)}`, detailsOf(context), { cause: error });
  }

  /** `input` is the consumed record being processed; undefined in a punctuator or a cache flush. */
  onProcessingError(nodeName: string, record: StreamRecord<unknown, unknown> | undefined, error: unknown, input: TaskInputRecord | undefined): void {
    // Not the record's fault (a rebalance, fencing, a topology bug), or already handled by
    // the node below that threw it: pass it up untouched.
    if (isKstError(error) && (error.code === 'KST_TASK_PROCESSING_FAILED' || error.recovery !== 'fix-input')) throw error;
    const context: ErrorHandlerContext = { taskId: this.#taskId, nodeName, topic: input?.topic, partition: input?.partition, offset: input?.offset };
    if (this.#processing(context, record, error) === 'CONTINUE') {
      this.skipped++;
      this.#deadLetters?.({ kind: 'processing', context, error, input });
      return;
    }
    throw new KstError('KST_TASK_PROCESSING_FAILED', `task ${this.#idString} failed ${describeLocation(context)}: ${messageOf(error)}`, detailsOf(context), { cause: error });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function detailsOf(context: ErrorHandlerContext): Record<string, unknown> {
  return {
    taskId: taskIdToString(context.taskId),
    node: context.nodeName,
    topic: context.topic,
    partition: context.partition,
    // A string: details cross threads and reach logs as JSON, which has no bigint.
    offset: context.offset === undefined ? undefined : String(context.offset),
  };
}

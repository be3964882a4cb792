/**
 * The task runtime: what the stream thread (and the `TopologyTestDriver`) drive.
 *
 * @example
 * ```ts
 * import { StreamTask, continueOnError } from '../processors/runtime/index.ts';
 * const task = new StreamTask({ applicationId, plan, taskId, collector, storeContext, processingExceptionHandler: continueOnError });
 * ```
 */

export { StreamTask, type StreamTaskOptions, type TaskCounters } from './stream-task.ts';
export type { TaskState } from './task-state.ts';
export type { ConsumedOffset, RecordCollector, TaskInputRecord } from './record-collector.ts';
export {
  HandlerResponse,
  continueOnError,
  failOnError,
  type DeadLetter,
  type DeadLetterCallback,
  type DeserializationExceptionHandler,
  type ErrorHandlerContext,
  type ProcessingExceptionHandler,
} from './exception-handlers.ts';
export { brokerTopicName } from './sink-node.ts';

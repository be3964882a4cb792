/**
 * The Processor API, as Kafka Streams' `org.apache.kafka.streams.processor.api`.
 *
 * One difference, made for Node.js: `process`, `forward` and store reads may be
 * asynchronous. They return `Awaitable<T>`: a plain value when the work was done
 * synchronously (the common case: the runtime prefetches a batch's store keys, so
 * DSL operators never wait), or a promise otherwise. A processor must return (or await)
 * what `forward` returns so that records stay in order; the runtime awaits it before the
 * next record of the task.
 *
 * @example
 * ```ts
 * const upperCase: ProcessorSupplier<string, string, string, string> = () => ({
 *   init(context) { this.context = context; },
 *   process(record) { return this.context.forward(withValue(record, record.value.toUpperCase())); },
 * });
 * ```
 */

import type { StateStore } from '../../state/api/state-store.ts';
import type { RecordMetadata, StreamRecord } from './record.ts';

import type { Awaitable } from '../../common/awaitable.ts';
export type { Awaitable };

export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): Awaitable<void>;
  process(record: StreamRecord<KIn, VIn>): Awaitable<void>;
  close?(): Awaitable<void>;
}

/** Makes one processor instance per task; called once per task, never shared. */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;

export const PunctuationType = Object.freeze({
  /** Fires as stream time (the largest record timestamp seen by the task) advances. */
  STREAM_TIME: 'STREAM_TIME',
  /** Fires on the wall clock, checked between batches. */
  WALL_CLOCK_TIME: 'WALL_CLOCK_TIME',
} as const);
export type PunctuationType = (typeof PunctuationType)[keyof typeof PunctuationType];

export type Punctuator = (timestampMs: number) => Awaitable<void>;

export interface Cancellable {
  cancel(): void;
}

/** A task is one partition of one sub-topology. */
export interface TaskId {
  readonly subtopology: number;
  readonly partition: number;
}

export function taskIdToString(id: TaskId): string {
  return `${id.subtopology}_${id.partition}`;
}

export interface ProcessorContext<KOut, VOut> {
  readonly applicationId: string;
  readonly taskId: TaskId;
  /** Topic, partition and offset of the input record being processed; undefined in a punctuator. */
  recordMetadata(): RecordMetadata | undefined;
  /** Sends a record to all children, or to the child named `childName`. */
  forward<K extends KOut, V extends VOut>(record: StreamRecord<K, V>, childName?: string): Awaitable<void>;
  /** A store this processor was connected to when the topology was built. */
  getStateStore<S extends StateStore>(name: string): S;
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** The task's stream time: the largest timestamp of the records it has processed. */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  /** Asks for a commit as soon as the current batch is done. */
  commit(): void;
}

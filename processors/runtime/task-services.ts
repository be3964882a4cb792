/**
 * What a task gives its nodes and their contexts. Nodes and contexts hold this interface,
 * not the task class, so the node files import nothing that imports them.
 */

import type { Cancellable, PunctuationType, Punctuator, TaskId } from '../api/processor.ts';
import type { Headers, StreamRecord } from '../api/record.ts';
import type { StateStore } from '../../state/api/state-store.ts';
import type { Awaitable } from '../../common/awaitable.ts';
import type { RecordCollector, TaskInputRecord } from './record-collector.ts';

/**
 * The timestamp of the record the current node is processing, as Kafka Streams' record
 * context: stores stamp it on changelog records and cache entries. One mutable object per
 * task, so setting it costs a field write, not an allocation.
 */
export interface RecordClock {
  /** -1 when no record is being processed. */
  timestampMs: number;
  /**
   * The headers of the input record being processed (with tracing, naming its span); empty
   * outside one and in a punctuator. Caches keep them with what is written, as the record
   * context Kafka Streams keeps (which follows a processor's `withHeaders`; this does not).
   */
  headers: Headers;
}

export interface TaskServices {
  readonly applicationId: string;
  readonly recordClock: RecordClock;
  readonly taskId: TaskId;
  readonly collector: RecordCollector;
  /** The input record being processed; undefined in a punctuator or a commit. */
  currentInput(): TaskInputRecord | undefined;
  streamTimeMs(): number;
  systemTimeMs(): number;
  requestCommit(): void;
  schedule(nodeName: string, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** A store of the task or a global store; undefined when there is none by that name. */
  store(name: string): StateStore | undefined;
  /** True for a global store, which every processor may read without being connected to it. */
  isGlobalStore(name: string): boolean;
  /**
   * Applies the processing exception handler to an error thrown at `nodeName`: returns
   * (CONTINUE, after dead-lettering) or throws a coded error (FAIL). Errors that are not
   * the record's fault (already handled below, rebalances, fencing) are rethrown as they are.
   */
  onProcessingError(nodeName: string, record: StreamRecord<unknown, unknown> | undefined, error: unknown): Awaitable<void>;
}

/** A node in the running graph: a source, a processor or a sink. */
export interface RuntimeNode {
  readonly name: string;
  process(record: StreamRecord<unknown, unknown>): Awaitable<void>;
}

/** The part of a node its context needs. */
export interface ForwardingNode {
  readonly name: string;
  readonly children: readonly RuntimeNode[];
  readonly childByName: ReadonlyMap<string, RuntimeNode>;
  readonly storeNames: ReadonlySet<string>;
}

/**
 * The typed messages between a `KafkaStreams` client and the worker threads that run its
 * stream threads (`num.stream.threads` > 1). Everything is structured-clone data: errors
 * cross as `ErrorData` (`KstError.toData` / `fromData`), restore targets without their
 * store, metrics as prom-client JSON.
 *
 * @example
 * ```ts
 * worker.postMessage({ type: 'close' } satisfies ToWorker);
 * worker.on('message', (message: FromWorker) => { if (message.type === 'state') onState(message.state); });
 * ```
 */

import { KstError, type ErrorData } from '../../common/errors.ts';
import type { KafkaClientConfig, TopicPartition } from '../kafka/index.ts';
import type { HostInfo } from '../runtime/assignment/index.ts';
import type { ThreadSettings } from '../runtime/thread/thread-config.ts';
import type { ThreadState } from '../runtime/thread/thread-state.ts';
import type { StoreShape } from './queries/store-instances.ts';

/** How a worker finds the topology: it imports `module` and calls (or reads) `exportName`. */
export interface TopologyModule {
  readonly module: string;
  readonly exportName: string;
}

export interface WorkerData {
  readonly settings: ThreadSettings;
  readonly topology: TopologyModule;
  /** True when the client has a global restore listener: only then are restore events posted. */
  readonly restoreEvents: boolean;
  /** Set when the topology has global stores: the worker keeps its own copy of them. */
  readonly global?: WorkerGlobalSettings;
  /** True when the client has a logger: the thread's log lines are posted to it (a logger cannot cross threads). */
  readonly logs?: boolean;
}

/**
 * What a worker needs to keep its copy of the global stores: a stream thread on a worker
 * cannot read the client's (objects do not cross threads), so it restores and follows the
 * global topics itself, in a folder of its own.
 */
export interface WorkerGlobalSettings {
  readonly client: KafkaClientConfig;
  readonly stateDir: string;
  readonly folderName: string;
  readonly partitionCounts: ReadonlyMap<string, number>;
  readonly exactlyOnce: boolean;
  readonly commitIntervalMs: number;
  readonly pollMs: number;
}

/** A restore target as it crosses threads (the store object stays in the worker). */
export interface RestoreTargetData {
  readonly taskId: string;
  readonly storeName: string;
  readonly topic: string;
  readonly partition: number;
  readonly startOffset: bigint | undefined;
}

/** One local copy of a store on a worker, as the client lists it for queries. */
export interface StoreInstanceData {
  readonly storeName: string;
  readonly taskId: string;
  readonly partition: number;
  readonly standby: boolean;
  readonly shape: StoreShape;
}

/** A read of a store copy on a worker: a method of its shape (see `STORE_METHODS`) with its arguments. */
export interface StoreCall {
  readonly taskId: string;
  readonly storeName: string;
  readonly standby: boolean;
  readonly method: string;
  readonly args: readonly unknown[];
}

/**
 * What a store read answers: a value, or a page of entries with the cursor of the rest
 * (none when the page is the last); a failure as error data.
 */
export type StoreAnswer =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'page'; readonly entries: readonly unknown[]; readonly cursor: number | undefined }
  | { readonly kind: 'error'; readonly error: ErrorData | PlainErrorData };

export type ToWorker =
  | { readonly type: 'close'; readonly leaveGroup: boolean }
  | { readonly type: 'metrics'; readonly requestId: number }
  | { readonly type: 'store-call'; readonly requestId: number; readonly call: StoreCall }
  | { readonly type: 'store-next'; readonly requestId: number; readonly cursor: number }
  | { readonly type: 'store-close'; readonly cursor: number }
  | { readonly type: 'store-lags'; readonly requestId: number };

export type FromWorker =
  | { readonly type: 'state'; readonly state: ThreadState; readonly previous: ThreadState }
  | {
      readonly type: 'assignment';
      readonly activeTasks: ReadonlyArray<readonly [string, readonly TopicPartition[]]>;
      readonly standbyTasks: ReadonlyArray<readonly [string, readonly TopicPartition[]]>;
      readonly hosts: readonly HostInfo[];
    }
  | { readonly type: 'restore-start'; readonly target: RestoreTargetData; readonly start: bigint; readonly end: bigint }
  | { readonly type: 'restore-batch'; readonly target: RestoreTargetData; readonly batchEnd: bigint; readonly count: number }
  | { readonly type: 'restore-end'; readonly target: RestoreTargetData; readonly total: number }
  | { readonly type: 'metrics'; readonly requestId: number; readonly metrics: readonly object[] }
  /** One line of the thread's log, for the client's logger. */
  | { readonly type: 'log'; readonly level: 'error' | 'warn' | 'info' | 'debug'; readonly message: string; readonly fields: Readonly<Record<string, unknown>> }
  /** The worker's store copies a query may read, sent again whenever its thread changes state. */
  | { readonly type: 'stores'; readonly instances: readonly StoreInstanceData[] }
  /** The answer to a `store-call`, `store-next` or `store-lags` (a value: the thread's `StorePartitionLag[]`). */
  | { readonly type: 'store-answer'; readonly requestId: number; readonly answer: StoreAnswer }
  | { readonly type: 'done'; readonly error: ErrorData | PlainErrorData | undefined };

export interface PlainErrorData {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** An error as data: coded errors keep code and details, others name, message and stack. */
export function errorToData(error: Error): ErrorData | PlainErrorData {
  if (error instanceof KstError) return error.toData();
  return { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
}

export function errorFromData(data: ErrorData | PlainErrorData): Error {
  if ('code' in data) return KstError.fromData(data);
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}

/**
 * What every state store is, whatever its shape (key-value, window, session) and
 * backend (RocksDB, Level, memory). Stores are a stack of layers built in one place
 * (`state/builder`): metered → caching → change-logging → bytes store.
 */

export interface StateStoreContext {
  readonly applicationId: string;
  /** The task's folder for persistent stores: `<state.dir>/<application.id>/<taskId>`. */
  readonly stateDir: string;
  /** Task id as `<subtopology>_<partition>`, the changelog partition is the task's partition. */
  readonly taskId: string;
  readonly partition: number;
  /** Where change-logging layers send their records; undefined when logging is disabled. */
  readonly changelog: ChangelogWriter | undefined;
}

/** Receives the store's changes for its changelog topic; sending is batched by the caller. */
export interface ChangelogWriter {
  /** Queues one change; `value` null is a delete (a tombstone on a compacted topic). */
  append(topic: string, partition: number, key: Buffer, value: Buffer | null, timestamp: number): void;
}

export interface StateStore {
  readonly name: string;
  /** True when the store keeps its data on disk and can restore from a checkpoint. */
  readonly persistent: boolean;
  init(context: StateStoreContext): Promise<void>;
  /** Writes cached and buffered changes down the layers and to the backend. */
  flush(): Promise<void>;
  close(): Promise<void>;
  isOpen(): boolean;
}

export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

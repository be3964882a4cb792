// rocksdb-native ships no types; these declare the part of its API the RocksDB backend uses
// (read from node_modules/rocksdb-native/index.js and lib/*.js, version 3.18).
declare module 'rocksdb-native' {
  interface Range {
    gt?: Buffer;
    gte?: Buffer;
    lt?: Buffer;
    lte?: Buffer;
    reverse?: boolean;
    limit?: number;
  }

  interface BatchOptions {
    capacity?: number;
    /** Returns the batch to the pool once flushed; a batch left open keeps `close` waiting. */
    autoDestroy?: boolean;
  }

  interface ReadBatch {
    get(key: Buffer): Promise<Buffer | null>;
    tryFlush(): void;
    flush(): Promise<void>;
    destroy(): void;
  }

  interface WriteBatch {
    tryPut(key: Buffer, value: Buffer): void;
    tryDelete(key: Buffer): void;
    flush(): Promise<void>;
    destroy(): void;
  }

  interface RocksDBOptions {
    readOnly?: boolean;
    createIfMissing?: boolean;
    maxOpenFiles?: number;
  }

  class RocksDB {
    constructor(path: string, options?: RocksDBOptions);
    readonly opened: boolean;
    readonly closed: boolean;
    ready(): Promise<void>;
    close(options?: { force?: boolean }): Promise<void>;
    read(options?: BatchOptions): ReadBatch;
    write(options?: BatchOptions): WriteBatch;
    iterator(range?: Range): AsyncIterable<{ key: Buffer; value: Buffer }>;
    snapshot(): RocksDB;
    getProperty(name: string): Promise<string | number>;
    flush(): Promise<void>;
  }

  export default RocksDB;
}

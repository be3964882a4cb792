/**
 * Records as sink connectors see them, after the converter and the transforms: Kafka
 * Connect's `SinkRecord` with its `Schema` (null for schemaless data).
 */

export type ConnectSchemaType = 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'boolean' | 'string' | 'bytes' | 'array' | 'map' | 'struct';

export interface ConnectField {
  readonly name: string;
  readonly index: number;
  readonly schema: ConnectSchema;
}

export interface ConnectSchema {
  readonly type: ConnectSchemaType;
  readonly optional: boolean;
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  readonly defaultValue?: unknown;
  readonly parameters?: Readonly<Record<string, string>>;
  /** struct */
  readonly fields?: readonly ConnectField[];
  /** array and map values */
  readonly valueSchema?: ConnectSchema;
  /** map keys */
  readonly keySchema?: ConnectSchema;
}

export type ConnectHeaders = ReadonlyArray<{ readonly key: string; readonly value: unknown; readonly schema: ConnectSchema | null }>;

export interface SinkRecord {
  readonly topic: string;
  readonly kafkaPartition: number;
  readonly kafkaOffset: bigint;
  /** ms since the epoch; undefined when the record has none. */
  readonly timestamp: number | undefined;
  readonly timestampType: 'CreateTime' | 'LogAppendTime' | 'NoTimestampType';
  readonly keySchema: ConnectSchema | null;
  /** Structs are plain objects keyed by field name; bytes are Buffers; int64 may be bigint or number. */
  readonly key: unknown;
  readonly valueSchema: ConnectSchema | null;
  /** null is a tombstone. */
  readonly value: unknown;
  readonly headers: ConnectHeaders;
}

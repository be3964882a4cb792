/**
 * Turns SinkRecords into rows: the destination table, the primary-key values (by
 * `pk.mode`) and the value columns, each with the PostgreSQL type it would get from
 * `auto.create` / `auto.evolve` (from the Connect schema, or guessed from the JSON
 * value when schemaless; nested values become `jsonb`).
 *
 * @example
 * ```ts
 * const mapper = new RowMapper(settings);
 * const row = mapper.toRow(record); // { table: { schema: null, name: 'orders' }, key: [...], columns: [...] }
 * ```
 */

import type { ConnectSchema, SinkRecord } from '../../api/connect-record.ts';
import type { PostgresSinkSettings } from './config.ts';
import { sinkError } from '../support/errors.ts';

export interface Column {
  readonly name: string;
  /** The type `auto.create` / `auto.evolve` would give it. */
  readonly sqlType: string;
  readonly nullable: boolean;
  readonly value: unknown;
}

export interface TableId {
  readonly schema: string | null;
  readonly name: string;
}

export interface Row {
  readonly record: SinkRecord;
  readonly table: TableId;
  /** Primary-key columns, in pk order; empty with pk.mode=none. */
  readonly key: readonly Column[];
  /** Non-key columns; empty for a delete. */
  readonly columns: readonly Column[];
  readonly isDelete: boolean;
}

const KAFKA_PK = ['__connect_topic', '__connect_partition', '__connect_offset'];

/** Connect's PostgreSQL dialect types, with jsonb for nested data (Connect would refuse it). */
export function sqlTypeOf(schema: ConnectSchema): string {
  switch (schema.name) {
    case 'org.apache.kafka.connect.data.Timestamp': return 'TIMESTAMP';
    case 'org.apache.kafka.connect.data.Date': return 'DATE';
    case 'org.apache.kafka.connect.data.Time': return 'TIME';
    case 'org.apache.kafka.connect.data.Decimal': return 'DECIMAL';
    default: break;
  }
  switch (schema.type) {
    case 'int8': case 'int16': return 'SMALLINT';
    case 'int32': return 'INT';
    case 'int64': return 'BIGINT';
    case 'float32': return 'REAL';
    case 'float64': return 'DOUBLE PRECISION';
    case 'boolean': return 'BOOLEAN';
    case 'string': return 'TEXT';
    case 'bytes': return 'BYTEA';
    case 'array': case 'map': case 'struct': return 'JSONB';
  }
}

/** Schemaless JSON: numbers are JavaScript doubles, so DOUBLE PRECISION holds any of them. */
export function sqlTypeOfValue(value: unknown): string {
  if (typeof value === 'number') return 'DOUBLE PRECISION';
  if (typeof value === 'bigint') return 'NUMERIC';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'string') return 'TEXT';
  if (value instanceof Date) return 'TIMESTAMP';
  if (Buffer.isBuffer(value)) return 'BYTEA';
  if (value === null || value === undefined) return 'TEXT';
  return 'JSONB';
}

function isRecordObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Date);
}

function columnsOf(schema: ConnectSchema | null, value: unknown, what: string, record: SinkRecord): Column[] {
  if (schema !== null && schema.type === 'struct') {
    const struct = (value ?? {}) as Record<string, unknown>;
    return (schema.fields ?? []).map((f) => ({ name: f.name, sqlType: sqlTypeOf(f.schema), nullable: f.schema.optional, value: struct[f.name] ?? null }));
  }
  const map = value instanceof Map ? Object.fromEntries(value) as Record<string, unknown> : value;
  if (schema === null && isRecordObject(map)) {
    return Object.entries(map).map(([name, v]) => ({ name, sqlType: sqlTypeOfValue(v), nullable: true, value: v ?? null }));
  }
  throw sinkError('KST_SINK_RECORD_INVALID', `the record ${what} must be a struct or a JSON object to be written as columns (topic ${record.topic}, partition ${record.kafkaPartition}, offset ${record.kafkaOffset})`, { topic: record.topic, offset: String(record.kafkaOffset) });
}

export class RowMapper {
  private readonly settings: PostgresSinkSettings;
  private readonly tables = new Map<string, TableId>();

  constructor(settings: PostgresSinkSettings) {
    this.settings = settings;
  }

  tableFor(topic: string): TableId {
    let id = this.tables.get(topic);
    if (id === undefined) {
      const name = this.settings.tableNameFormat.replaceAll('${topic}', topic);
      const dot = name.indexOf('.');
      id = dot === -1 ? { schema: null, name } : { schema: name.slice(0, dot), name: name.slice(dot + 1) };
      this.tables.set(topic, id);
    }
    return id;
  }

  /** The row for a record, or null for a tombstone the sink ignores (delete.enabled=false). */
  toRow(record: SinkRecord): Row | null {
    const isDelete = record.value === null || record.value === undefined;
    if (isDelete && !this.settings.deleteEnabled) return null;
    const table = this.tableFor(record.topic);
    const key = this.keyColumns(record);
    if (isDelete) return { record, table, key, columns: [], isDelete };
    const valueColumns = columnsOf(record.valueSchema, record.value, 'value', record);
    const keyNames = new Set(key.map((c) => c.name));
    // A value field that is also a key column is written once, as part of the key.
    const columns = valueColumns.filter((c) => !keyNames.has(c.name));
    return { record, table, key, columns, isDelete };
  }

  private keyColumns(record: SinkRecord): Column[] {
    const { pkMode, pkFields } = this.settings;
    switch (pkMode) {
      case 'none': return [];
      case 'kafka': {
        const names = pkFields.length === 3 ? pkFields : KAFKA_PK;
        return [
          { name: names[0] as string, sqlType: 'TEXT', nullable: false, value: record.topic },
          { name: names[1] as string, sqlType: 'INT', nullable: false, value: record.kafkaPartition },
          { name: names[2] as string, sqlType: 'BIGINT', nullable: false, value: record.kafkaOffset },
        ];
      }
      case 'record_key': {
        if (record.key === null || record.key === undefined) throw this.missing(record, 'key');
        const structured = record.keySchema?.type === 'struct' || (record.keySchema === null && (isRecordObject(record.key) || record.key instanceof Map));
        if (!structured) {
          const sqlType = record.keySchema === null ? sqlTypeOfValue(record.key) : sqlTypeOf(record.keySchema);
          return [{ name: pkFields[0] ?? '__connect_key', sqlType, nullable: false, value: record.key }];
        }
        return this.pick(columnsOf(record.keySchema, record.key, 'key', record), record, 'key');
      }
      case 'record_value': {
        if (record.value === null || record.value === undefined) throw this.missing(record, 'value');
        return this.pick(columnsOf(record.valueSchema, record.value, 'value', record), record, 'value');
      }
    }
  }

  private pick(columns: Column[], record: SinkRecord, what: string): Column[] {
    const fields = this.settings.pkFields;
    if (fields.length === 0) return columns.map((c) => ({ ...c, nullable: false }));
    return fields.map((name) => {
      const column = columns.find((c) => c.name === name);
      if (column === undefined) throw sinkError('KST_SINK_RECORD_INVALID', `pk.fields names "${name}", which the record ${what} lacks (topic ${record.topic}, offset ${record.kafkaOffset})`, { field: name });
      return { ...column, nullable: false };
    });
  }

  private missing(record: SinkRecord, what: string): Error {
    return sinkError('KST_SINK_RECORD_INVALID', `pk.mode=${this.settings.pkMode} needs a record ${what}; topic ${record.topic}, partition ${record.kafkaPartition}, offset ${record.kafkaOffset} has none`, { topic: record.topic, offset: String(record.kafkaOffset) });
  }
}

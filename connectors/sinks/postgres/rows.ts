/**
 * Turns SinkRecords into rows: the destination table, the primary-key values (by
 * `pk.mode`) and the value columns, each with the PostgreSQL type it would get from
 * `auto.create` / `auto.evolve` (from the Connect schema, or guessed from the JSON
 * value when schemaless; nested values become `jsonb`). Column layouts are cached per
 * Connect schema, so with schemas a row is its values and a shared layout.
 *
 * @example
 * ```ts
 * const mapper = new RowMapper(settings);
 * const row = mapper.toRow(record); // { table: { schema: null, name: 'orders' }, layout: { key: [...], columns: [...] }, keyValues: [5], values: [...] }
 * ```
 */

import type { ConnectSchema, SinkRecord } from '../../api/connect-record.ts';
import type { PostgresSinkSettings } from './config.ts';
import { sinkError } from '../support/errors.ts';

export interface ColumnDef {
  readonly name: string;
  /** The type `auto.create` / `auto.evolve` would give it. */
  readonly sqlType: string;
  readonly nullable: boolean;
}

export interface TableId {
  readonly schema: string | null;
  readonly name: string;
}

/**
 * The columns of rows that share a shape. Built once per Connect schema (pair) and shared
 * by every row of that shape, so a row carries only its values: no per-record column
 * objects, and rows group into statements by identity or `signature`.
 */
export interface Layout {
  /** Primary-key columns, in pk order; empty with pk.mode=none. */
  readonly key: readonly ColumnDef[];
  /** Non-key columns; empty for a delete. */
  readonly columns: readonly ColumnDef[];
  /** Every column name, joined: rows with the same signature go in one statement. */
  readonly signature: string;
}

export interface Row {
  readonly record: SinkRecord;
  readonly table: TableId;
  readonly layout: Layout;
  /** Values of `layout.key`, in order. */
  readonly keyValues: readonly unknown[];
  /** Values of `layout.columns`, in order; empty for a delete. */
  readonly values: readonly unknown[];
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

/** Columns and the struct fields they read, for one schema (or one schemaless object). */
interface Part {
  readonly defs: readonly ColumnDef[];
  readonly fields: readonly string[];
}

const EMPTY: Part = { defs: [], fields: [] };
const NO_VALUES: readonly unknown[] = [];

function read(fields: readonly string[], value: unknown): unknown[] {
  const struct = (value ?? {}) as Record<string, unknown>;
  const out = new Array<unknown>(fields.length);
  for (let i = 0; i < fields.length; i += 1) out[i] = struct[fields[i] as string] ?? null;
  return out;
}

export class RowMapper {
  private readonly settings: PostgresSinkSettings;
  private readonly tables = new Map<string, TableId>();
  private readonly kafkaKey: Part;
  /** Parts per schema: struct columns, primitive key columns, picked key columns. */
  private readonly structParts = new WeakMap<ConnectSchema, Part>();
  private readonly keyParts = new WeakMap<ConnectSchema, Part>();
  private readonly primitiveKeys = new Map<string, Part>();
  /** Layouts per key columns, then per value schema (deletes: per key columns only). */
  private readonly layouts = new WeakMap<readonly ColumnDef[], WeakMap<ConnectSchema, { layout: Layout; fields: readonly string[] }>>();
  private readonly deleteLayouts = new WeakMap<readonly ColumnDef[], Layout>();

  constructor(settings: PostgresSinkSettings) {
    this.settings = settings;
    const names = settings.pkFields.length === 3 ? settings.pkFields : KAFKA_PK;
    this.kafkaKey = {
      defs: [
        { name: names[0] as string, sqlType: 'TEXT', nullable: false },
        { name: names[1] as string, sqlType: 'INT', nullable: false },
        { name: names[2] as string, sqlType: 'BIGINT', nullable: false },
      ],
      fields: [],
    };
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
    const key = this.keyPart(record);
    const keyValues = this.keyValues(record, key);
    if (isDelete) return { record, table, layout: this.deleteLayout(key.defs), keyValues, values: NO_VALUES, isDelete };
    const schema = record.valueSchema;
    if (schema !== null && schema.type === 'struct') {
      const { layout, fields } = this.structLayout(key.defs, schema);
      return { record, table, layout, keyValues, values: read(fields, record.value), isDelete };
    }
    // Schemaless: the object's own fields, one layout per record.
    const object = this.schemaless(record.value, schema, 'value', record);
    const keyNames = new Set(key.defs.map((c) => c.name));
    const entries = Object.entries(object).filter(([name]) => !keyNames.has(name));
    const columns = entries.map(([name, v]): ColumnDef => ({ name, sqlType: sqlTypeOfValue(v), nullable: true }));
    return { record, table, layout: layoutOf(key.defs, columns), keyValues, values: entries.map(([, v]) => v ?? null), isDelete };
  }

  private keyPart(record: SinkRecord): Part {
    const { pkMode, pkFields } = this.settings;
    switch (pkMode) {
      case 'none': return EMPTY;
      case 'kafka': return this.kafkaKey;
      case 'record_key': {
        if (record.key === null || record.key === undefined) throw this.missing(record, 'key');
        const schema = record.keySchema;
        if (schema !== null && schema.type === 'struct') return this.pickedPart(schema, record, 'key');
        if (schema === null && (isRecordObject(record.key) || record.key instanceof Map)) return this.pick(this.objectPart(this.schemaless(record.key, null, 'key', record)), record, 'key');
        const sqlType = schema === null ? sqlTypeOfValue(record.key) : sqlTypeOf(schema);
        let part = this.primitiveKeys.get(sqlType);
        if (part === undefined) this.primitiveKeys.set(sqlType, part = { defs: [{ name: pkFields[0] ?? '__connect_key', sqlType, nullable: false }], fields: [] });
        return part;
      }
      case 'record_value': {
        if (record.value === null || record.value === undefined) throw this.missing(record, 'value');
        const schema = record.valueSchema;
        if (schema !== null && schema.type === 'struct') return this.pickedPart(schema, record, 'value');
        return this.pick(this.objectPart(this.schemaless(record.value, schema, 'value', record)), record, 'value');
      }
    }
  }

  private keyValues(record: SinkRecord, part: Part): readonly unknown[] {
    switch (this.settings.pkMode) {
      case 'none': return NO_VALUES;
      case 'kafka': return [record.topic, record.kafkaPartition, record.kafkaOffset];
      case 'record_key': {
        // A primitive key is its own one column; a struct or object key is read by field.
        if (part.fields.length === 0 && part.defs.length === 1) return [record.key];
        return read(part.fields, record.key instanceof Map ? Object.fromEntries(record.key) : record.key);
      }
      case 'record_value': return read(part.fields, record.value instanceof Map ? Object.fromEntries(record.value) : record.value);
    }
  }

  private structPart(schema: ConnectSchema): Part {
    let part = this.structParts.get(schema);
    if (part === undefined) {
      const fields = schema.fields ?? [];
      this.structParts.set(schema, part = { defs: fields.map((f) => ({ name: f.name, sqlType: sqlTypeOf(f.schema), nullable: f.schema.optional })), fields: fields.map((f) => f.name) });
    }
    return part;
  }

  private pickedPart(schema: ConnectSchema, record: SinkRecord, what: string): Part {
    let part = this.keyParts.get(schema);
    if (part === undefined) this.keyParts.set(schema, part = this.pick(this.structPart(schema), record, what));
    return part;
  }

  private objectPart(object: Record<string, unknown>): Part {
    const entries = Object.entries(object);
    return { defs: entries.map(([name, v]) => ({ name, sqlType: sqlTypeOfValue(v), nullable: true })), fields: entries.map(([name]) => name) };
  }

  private structLayout(key: readonly ColumnDef[], schema: ConnectSchema): { layout: Layout; fields: readonly string[] } {
    let bySchema = this.layouts.get(key);
    if (bySchema === undefined) this.layouts.set(key, bySchema = new WeakMap());
    let entry = bySchema.get(schema);
    if (entry === undefined) {
      const part = this.structPart(schema);
      const keyNames = new Set(key.map((c) => c.name));
      // A value field that is also a key column is written once, as part of the key.
      const kept = part.defs.flatMap((def, i) => (keyNames.has(def.name) ? [] : [{ def, field: part.fields[i] as string }]));
      entry = { layout: layoutOf(key, kept.map((k) => k.def)), fields: kept.map((k) => k.field) };
      bySchema.set(schema, entry);
    }
    return entry;
  }

  private deleteLayout(key: readonly ColumnDef[]): Layout {
    let layout = this.deleteLayouts.get(key);
    if (layout === undefined) this.deleteLayouts.set(key, layout = layoutOf(key, []));
    return layout;
  }

  private schemaless(value: unknown, schema: ConnectSchema | null, what: string, record: SinkRecord): Record<string, unknown> {
    const map = value instanceof Map ? Object.fromEntries(value) as Record<string, unknown> : value;
    if (schema === null && isRecordObject(map)) return map;
    throw sinkError('KST_SINK_RECORD_INVALID', `the record ${what} must be a struct or a JSON object to be written as columns (topic ${record.topic}, partition ${record.kafkaPartition}, offset ${record.kafkaOffset})`, { topic: record.topic, offset: String(record.kafkaOffset) });
  }

  private pick(part: Part, record: SinkRecord, what: string): Part {
    const fields = this.settings.pkFields;
    if (fields.length === 0) return { defs: part.defs.map((c) => ({ ...c, nullable: false })), fields: part.fields };
    const defs = fields.map((name) => {
      const def = part.defs.find((c) => c.name === name);
      if (def === undefined) throw sinkError('KST_SINK_RECORD_INVALID', `pk.fields names "${name}", which the record ${what} lacks (topic ${record.topic}, offset ${record.kafkaOffset})`, { field: name });
      return { ...def, nullable: false };
    });
    return { defs, fields: [...fields] };
  }

  private missing(record: SinkRecord, what: string): Error {
    return sinkError('KST_SINK_RECORD_INVALID', `pk.mode=${this.settings.pkMode} needs a record ${what}; topic ${record.topic}, partition ${record.kafkaPartition}, offset ${record.kafkaOffset} has none`, { topic: record.topic, offset: String(record.kafkaOffset) });
  }
}

function layoutOf(key: readonly ColumnDef[], columns: readonly ColumnDef[]): Layout {
  return { key, columns, signature: [...key, ...columns].map((c) => c.name).join('\u0000') };
}

/**
 * Rows as Connect data, as Confluent's JDBC source maps them: one struct per row, named
 * after the table, one optional field per column. PostgreSQL types map by type OID:
 * booleans, integers (int2 → int16, int4 → int32, int8 → int64), floats, `numeric` as
 * float64 (Confluent's `numeric.mapping=best_fit` for most columns), `timestamp` and
 * `timestamptz` as Connect `Timestamp` (a `Date`, milliseconds), `bytea` as bytes, and
 * every other type (text, varchar, date, uuid, json…) as its text.
 */

import type { ConnectField, ConnectSchema } from '../../api/connect-record.ts';
import { LOGICAL_TIMESTAMP } from '../../converters/connect-schemas.ts';
import { TS_MICROS_COLUMN } from './query.ts';

export interface ColumnDescription {
  readonly name: string;
  readonly dataTypeID: number;
}

const OID = { bool: 16, bytea: 17, int8: 20, int2: 21, int4: 23, float4: 700, float8: 701, numeric: 1700, timestamp: 1114, timestamptz: 1184 } as const;

function columnSchema(oid: number): ConnectSchema {
  switch (oid) {
    case OID.bool: return { type: 'boolean', optional: true };
    case OID.int2: return { type: 'int16', optional: true };
    case OID.int4: return { type: 'int32', optional: true };
    case OID.int8: return { type: 'int64', optional: true };
    case OID.float4: return { type: 'float32', optional: true };
    case OID.float8: case OID.numeric: return { type: 'float64', optional: true };
    case OID.timestamp: case OID.timestamptz: return { type: 'int64', optional: true, name: LOGICAL_TIMESTAMP, version: 1 };
    case OID.bytea: return { type: 'bytes', optional: true };
    default: return { type: 'string', optional: true };
  }
}

/** The value schema of a result: the table's name, its columns in order (the offset helper column left out). */
export function rowSchema(table: string, columns: readonly ColumnDescription[]): ConnectSchema {
  const fields: ConnectField[] = columns.filter((c) => c.name !== TS_MICROS_COLUMN).map((c, index) => ({ name: c.name, index, schema: columnSchema(c.dataTypeID) }));
  return { type: 'struct', optional: false, name: table, fields };
}

/** One column value as Connect data for its schema. */
function columnValue(schema: ConnectSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (schema.type) {
    case 'int64': {
      if (value instanceof Date) return value;
      const n = BigInt(String(value));
      return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
    case 'float64': return typeof value === 'number' ? value : Number(value);
    case 'string': {
      if (typeof value === 'string') return value;
      if (value instanceof Date) return value.toISOString();
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    default: return value;
  }
}

/**
 * @example
 * ```ts
 * const schema = rowSchema('orders', result.fields);
 * const value = rowValue(schema, result.rows[0]); // { id: 1, customer: 'c1', updated_at: Date }
 * ```
 */
export function rowValue(schema: ConnectSchema, row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of schema.fields ?? []) out[field.name] = columnValue(field.schema, row[field.name]);
  return out;
}

/**
 * The incremental queries of Confluent's JDBC source (`TimestampIncrementingCriteria`),
 * for PostgreSQL, and the offsets they resume from:
 *
 * - incrementing: `WHERE inc > :lastInc ORDER BY inc`;
 * - timestamp: `WHERE ts > :lastTs AND ts < :now - delay ORDER BY ts`;
 * - timestamp+incrementing: `WHERE ts < :now - delay AND ((ts = :lastTs AND inc > :lastInc) OR ts > :lastTs) ORDER BY ts, inc`;
 * - bulk: the whole table.
 *
 * Timestamps travel as exact microseconds since the epoch (PostgreSQL's precision): a
 * `Date` has milliseconds only, and a row whose stored time a millisecond value cuts
 * would come back on every poll. Offsets keep Confluent's keys: `incrementing`,
 * `timestamp` (ms) and `timestamp_nanos` (the nanoseconds of that second).
 */

import type { SourceMap } from '../../api/source.ts';
import type { Mode } from './config.ts';

/** The column a query adds with the row's timestamp in microseconds. */
export const TS_MICROS_COLUMN = '__kst_ts_micros';

export interface TableRef {
  readonly schema: string;
  readonly table: string;
}

/** Where a table's polling stands: undefined parts have not been seen yet. */
export interface QueryOffset {
  readonly incrementing?: bigint;
  readonly timestampMicros?: bigint;
}

export interface QuerySpec {
  readonly mode: Mode;
  readonly incrementingColumn: string;
  readonly timestampColumns: readonly string[];
  readonly delayMs: number;
  readonly limit: number;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(table: TableRef): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.table)}`;
}

/** `schema.table` or `table` (in `defaultSchema`). */
export function tableRef(name: string, defaultSchema: string): TableRef {
  const parts = name.split('.');
  return parts.length === 2 ? { schema: parts[0] as string, table: parts[1] as string } : { schema: defaultSchema, table: name };
}

const tsParam = (n: number): string => `('epoch'::timestamptz + $${n}::bigint * interval '1 microsecond')`;

/**
 * The query for one poll of one table.
 *
 * @example
 * ```ts
 * buildQuery({ schema: 'public', table: 't' }, { mode: 'incrementing', incrementingColumn: 'id', timestampColumns: [], delayMs: 0, limit: 100 }, { incrementing: 5n });
 * // { text: 'SELECT * FROM "public"."t" WHERE "id" > $1::bigint ORDER BY "id" ASC LIMIT 100', values: ['5'] }
 * ```
 */
export function buildQuery(table: TableRef, spec: QuerySpec, offset: QueryOffset): { text: string; values: string[] } {
  const from = qualified(table);
  if (spec.mode === 'bulk') return { text: `SELECT * FROM ${from}`, values: [] };
  const inc = quoteIdent(spec.incrementingColumn);
  if (spec.mode === 'incrementing') {
    return { text: `SELECT * FROM ${from} WHERE ${inc} > $1::bigint ORDER BY ${inc} ASC LIMIT ${spec.limit}`, values: [String(offset.incrementing ?? -1n)] };
  }
  const ts = spec.timestampColumns.length === 1 ? quoteIdent(spec.timestampColumns[0] as string) : `COALESCE(${spec.timestampColumns.map(quoteIdent).join(', ')})`;
  const select = `SELECT *, (EXTRACT(EPOCH FROM ${ts}) * 1000000)::bigint AS ${quoteIdent(TS_MICROS_COLUMN)} FROM ${from}`;
  const end = `(CURRENT_TIMESTAMP - $2::bigint * interval '1 millisecond')`;
  const lastTs = String(offset.timestampMicros ?? 0n);
  if (spec.mode === 'timestamp') {
    return { text: `${select} WHERE ${ts} > ${tsParam(1)} AND ${ts} < ${end} ORDER BY ${ts} ASC LIMIT ${spec.limit}`, values: [lastTs, String(spec.delayMs)] };
  }
  return {
    text: `${select} WHERE ${ts} < ${end} AND ((${ts} = ${tsParam(1)} AND ${inc} > $3::bigint) OR ${ts} > ${tsParam(1)}) ORDER BY ${ts} ASC, ${inc} ASC LIMIT ${spec.limit}`,
    values: [lastTs, String(spec.delayMs), String(offset.incrementing ?? -1n)],
  };
}

/** Confluent's offset map of a position. */
export function toOffsetMap(offset: QueryOffset): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  if (offset.incrementing !== undefined) out['incrementing'] = exactNumber(offset.incrementing);
  if (offset.timestampMicros !== undefined) {
    const micros = offset.timestampMicros;
    const seconds = floorDiv(micros, 1_000_000n);
    out['timestamp'] = exactNumber(floorDiv(micros, 1000n));
    out['timestamp_nanos'] = Number((micros - seconds * 1_000_000n) * 1000n);
  }
  return out;
}

/** The position an offset map stands for; null or missing parts: from the start. */
export function fromOffsetMap(map: SourceMap | null): QueryOffset {
  if (map === null) return {};
  const incrementing = toBigInt(map['incrementing']);
  const ms = toBigInt(map['timestamp']);
  const nanos = toBigInt(map['timestamp_nanos']) ?? 0n;
  return {
    ...(incrementing === undefined ? {} : { incrementing }),
    ...(ms === undefined ? {} : { timestampMicros: floorDiv(ms, 1000n) * 1_000_000n + nanos / 1000n }),
  };
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function exactNumber(value: bigint): number | string {
  return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
}

function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'bigint') return value;
  return undefined;
}

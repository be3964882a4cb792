/**
 * Writes one batch of rows in one transaction, with one statement per table and column
 * set, never one per record: rows travel as arrays (`unnest($1::int[], $2::text[])`), so
 * a statement has as many parameters as columns whatever the batch size. Within a batch
 * the last write per primary key wins, and a key's delete and upsert cannot both run,
 * so their relative order does not matter.
 *
 * @example
 * ```ts
 * const writer = new BatchWriter(settings, tables);
 * await writer.write(client, rows); // BEGIN; ensure tables; DELETE …; INSERT … ON CONFLICT …; COMMIT
 * ```
 */

import type { PostgresSinkSettings } from './config.ts';
import type { PgClient } from './connection.ts';
import type { ColumnDef, Layout, Row, TableId } from './rows.ts';
import { qualified, quote, type TableColumns, type TableManager } from './tables.ts';
import { sinkError, toJson } from '../support/errors.ts';

interface TablePlan {
  readonly table: TableId;
  readonly upserts: Row[];
  readonly deletes: Row[];
}

/** A map key for a primary key: numbers, bigints, booleans and strings as themselves, else text. */
function keyOf(values: readonly unknown[]): unknown {
  if (values.length === 1) {
    const v = values[0];
    const t = typeof v;
    if (t === 'number' || t === 'string' || t === 'bigint' || t === 'boolean') return v;
  }
  let out = '';
  for (const v of values) {
    out += typeof v === 'bigint' ? `n${v}` : Buffer.isBuffer(v) ? `b${v.toString('hex')}` : v instanceof Date ? `d${v.getTime()}` : `j${JSON.stringify(v)}`;
    out += '\u0000';
  }
  return out;
}

/** A value as the parameter array element for a column of `type`. */
export function toParam(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'jsonb' || type === 'json') return toJson(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object' && !Buffer.isBuffer(value)) return toJson(value);
  return value;
}

/** The conversion of one column, chosen once per statement: plain values pass through untouched. */
function converterFor(type: string): (value: unknown) => unknown {
  if (type === 'jsonb' || type === 'json') return (value) => (value === null || value === undefined ? null : toJson(value));
  return (value) => (value === null || value === undefined ? null : typeof value === 'object' || typeof value === 'bigint' ? toParam(value, type) : value);
}

export class BatchWriter {
  private readonly settings: PostgresSinkSettings;
  private readonly tables: TableManager;

  constructor(settings: PostgresSinkSettings, tables: TableManager) {
    this.settings = settings;
    this.tables = tables;
  }

  /** Groups by table and keeps the last write per key, in first-seen order. */
  plan(rows: readonly Row[]): TablePlan[] {
    // Table ids are cached per topic: look them up by identity, and merge topics that map to one table by name.
    const byId = new Map<TableId, { table: TableId; byKey: Map<unknown, Row>; all: Row[] }>();
    const byName = new Map<string, { table: TableId; byKey: Map<unknown, Row>; all: Row[] }>();
    for (const row of rows) {
      let entry = byId.get(row.table);
      if (entry === undefined) {
        const name = qualified(row.table);
        entry = byName.get(name);
        if (entry === undefined) byName.set(name, entry = { table: row.table, byKey: new Map(), all: [] });
        byId.set(row.table, entry);
      }
      // A key seen again keeps its place and takes the later row: one write per key per statement.
      if (row.keyValues.length === 0) entry.all.push(row);
      else entry.byKey.set(keyOf(row.keyValues), row);
    }
    return [...byName.values()].map(({ table, byKey, all }) => {
      const upserts: Row[] = [];
      const deletes: Row[] = [];
      for (const row of all.length > 0 ? all : byKey.values()) (row.isDelete ? deletes : upserts).push(row);
      return { table, upserts, deletes };
    });
  }

  async write(client: PgClient, rows: readonly Row[]): Promise<void> {
    const plans = this.plan(rows);
    // DDL first, outside the data transaction, so a rolled-back batch does not undo it.
    const described = new Map<TablePlan, TableColumns | null>();
    for (const plan of plans) {
      if (plan.upserts.length === 0) described.set(plan, await this.tables.describe(client, plan.table));
      else described.set(plan, await this.tables.ensure(client, plan.table, (plan.upserts[0] as Row).layout.key, unionOfColumns(plan.upserts)));
    }
    await client.query('BEGIN');
    try {
      for (const plan of plans) {
        const columns = described.get(plan);
        if (columns === null || columns === undefined) continue; // deletes only, no table: nothing to delete
        if (plan.deletes.length > 0) await this.delete(client, plan, columns);
        for (const group of groupByLayout(plan.upserts)) await this.upsert(client, plan.table, group, columns);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      this.tables.invalidate();
      throw error;
    }
  }

  private async delete(client: PgClient, plan: TablePlan, types: TableColumns): Promise<void> {
    const key = (plan.deletes[0] as Row).layout.key;
    const { casts, params } = arrays(key, [], types, plan.deletes);
    const names = key.map((c) => quote(c.name));
    const on = names.map((n) => `t.${n} = v.${n}`).join(' AND ');
    await client.query(`DELETE FROM ${qualified(plan.table)} AS t USING unnest(${casts}) AS v(${names.join(', ')}) WHERE ${on}`, params);
  }

  private async upsert(client: PgClient, table: TableId, rows: readonly Row[], types: TableColumns): Promise<void> {
    const layout = (rows[0] as Row).layout;
    const { casts, params } = arrays(layout.key, layout.columns, types, rows);
    const names = [...layout.key, ...layout.columns].map((c) => quote(c.name));
    const keyNames = layout.key.map((c) => quote(c.name));
    const valueNames = layout.columns.map((c) => quote(c.name));
    const target = qualified(table);
    let sql: string;
    switch (this.settings.insertMode) {
      case 'insert':
        sql = `INSERT INTO ${target} (${names.join(', ')}) SELECT * FROM unnest(${casts})`;
        // A row keyed by (topic, partition, offset) is that record: a redelivered one is already
        // there, so it is skipped instead of failing the batch (an append-only log stays exact).
        if (this.settings.pkMode === 'kafka') sql += ` ON CONFLICT (${keyNames.join(', ')}) DO NOTHING`;
        break;
      case 'upsert': {
        const action = valueNames.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${valueNames.map((n) => `${n} = EXCLUDED.${n}`).join(', ')}`;
        sql = `INSERT INTO ${target} (${names.join(', ')}) SELECT * FROM unnest(${casts}) ON CONFLICT (${keyNames.join(', ')}) ${action}`;
        break;
      }
      case 'update':
        if (valueNames.length === 0) return;
        sql = `UPDATE ${target} AS t SET ${valueNames.map((n) => `${n} = v.${n}`).join(', ')} FROM unnest(${casts}) AS v(${names.join(', ')}) WHERE ${keyNames.map((n) => `t.${n} = v.${n}`).join(' AND ')}`;
        break;
    }
    await client.query(sql, params);
  }
}

/**
 * One parameter array per column, filled straight from the rows' value arrays: the key
 * columns, then the value columns (none for deletes). Casts use the table's own types.
 */
function arrays(key: readonly ColumnDef[], columns: readonly ColumnDef[], types: TableColumns, rows: readonly Row[]): { casts: string; params: unknown[][] } {
  const all = [...key, ...columns];
  const valueCount = columns.length;
  const columnTypes = all.map(({ name }) => {
    const type = types.get(name);
    if (type === undefined) throw sinkError('KST_SINK_WRITE_FAILED', `column "${name}" is missing from the table`, { column: name });
    return type;
  });
  const convert = columnTypes.map(converterFor);
  const params = all.map(() => new Array<unknown>(rows.length));
  const keyCount = key.length;
  for (let i = 0; i < keyCount; i += 1) {
    const out = params[i] as unknown[];
    const to = convert[i] as (value: unknown) => unknown;
    for (let r = 0; r < rows.length; r += 1) out[r] = to((rows[r] as Row).keyValues[i]);
  }
  for (let j = 0; j < valueCount; j += 1) {
    const out = params[keyCount + j] as unknown[];
    const to = convert[keyCount + j] as (value: unknown) => unknown;
    for (let r = 0; r < rows.length; r += 1) out[r] = to((rows[r] as Row).values[j]);
  }
  return { casts: columnTypes.map((type, i) => `$${i + 1}::${type}[]`).join(', '), params };
}

/** Every column the rows write, over their distinct layouts (usually one). */
function unionOfColumns(rows: readonly Row[]): ColumnDef[] {
  const seen = new Map<string, ColumnDef>();
  let last: Layout | null = null;
  for (const row of rows) {
    if (row.layout === last) continue;
    last = row.layout;
    for (const c of row.layout.columns) if (!seen.has(c.name)) seen.set(c.name, c);
  }
  return [...seen.values()];
}

/** Rows with the same columns go in one statement; schemaless rows may differ. */
function groupByLayout(rows: readonly Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  let last: Layout | null = null;
  let group: Row[] = [];
  for (const row of rows) {
    if (row.layout !== last) {
      last = row.layout;
      const found = groups.get(last.signature);
      if (found === undefined) groups.set(last.signature, group = []);
      else group = found;
    }
    group.push(row);
  }
  return [...groups.values()];
}

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
import type { Column, Row, TableId } from './rows.ts';
import { qualified, quote, type TableColumns, type TableManager } from './tables.ts';
import { sinkError, toJson } from '../support/errors.ts';

interface TablePlan {
  readonly table: TableId;
  readonly upserts: Row[];
  readonly deletes: Row[];
}

function keyString(columns: readonly Column[]): string {
  let out = '';
  for (const c of columns) {
    const v = c.value;
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

export class BatchWriter {
  private readonly settings: PostgresSinkSettings;
  private readonly tables: TableManager;

  constructor(settings: PostgresSinkSettings, tables: TableManager) {
    this.settings = settings;
    this.tables = tables;
  }

  /** Groups by table and keeps the last write per key, in first-seen order. */
  plan(rows: readonly Row[]): TablePlan[] {
    const byTable = new Map<string, { table: TableId; byKey: Map<string, Row>; all: Row[] }>();
    for (const row of rows) {
      const name = qualified(row.table);
      let entry = byTable.get(name);
      if (entry === undefined) byTable.set(name, entry = { table: row.table, byKey: new Map(), all: [] });
      if (row.key.length === 0) entry.all.push(row);
      else {
        const k = keyString(row.key);
        entry.byKey.delete(k);
        entry.byKey.set(k, row);
      }
    }
    return [...byTable.values()].map(({ table, byKey, all }) => {
      const rowsLeft = all.length > 0 ? all : [...byKey.values()];
      return { table, upserts: rowsLeft.filter((r) => !r.isDelete), deletes: rowsLeft.filter((r) => r.isDelete) };
    });
  }

  async write(client: PgClient, rows: readonly Row[]): Promise<void> {
    const plans = this.plan(rows);
    // DDL first, outside the data transaction, so a rolled-back batch does not undo it.
    const described = new Map<TablePlan, TableColumns | null>();
    for (const plan of plans) {
      if (plan.upserts.length === 0) described.set(plan, await this.tables.describe(client, plan.table));
      else described.set(plan, await this.tables.ensure(client, plan.table, (plan.upserts[0] as Row).key, unionOfColumns(plan.upserts)));
    }
    await client.query('BEGIN');
    try {
      for (const plan of plans) {
        const columns = described.get(plan);
        if (columns === null || columns === undefined) continue; // deletes only, no table: nothing to delete
        if (plan.deletes.length > 0) await this.delete(client, plan, columns);
        for (const group of groupByColumns(plan.upserts)) await this.upsert(client, plan.table, group, columns);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      this.tables.invalidate();
      throw error;
    }
  }

  private async delete(client: PgClient, plan: TablePlan, types: TableColumns): Promise<void> {
    const key = (plan.deletes[0] as Row).key;
    const { casts, params } = arrays(key.map((c) => c.name), types, plan.deletes, (row, i) => (row.key[i] as Column).value);
    const names = key.map((c) => quote(c.name));
    const on = names.map((n) => `t.${n} = v.${n}`).join(' AND ');
    await client.query(`DELETE FROM ${qualified(plan.table)} AS t USING unnest(${casts}) AS v(${names.join(', ')}) WHERE ${on}`, params);
  }

  private async upsert(client: PgClient, table: TableId, rows: readonly Row[], types: TableColumns): Promise<void> {
    const first = rows[0] as Row;
    const all = [...first.key, ...first.columns];
    const { casts, params } = arrays(all.map((c) => c.name), types, rows, (row, i) => (i < row.key.length ? (row.key[i] as Column).value : (row.columns[i - row.key.length] as Column).value));
    const names = all.map((c) => quote(c.name));
    const keyNames = first.key.map((c) => quote(c.name));
    const valueNames = first.columns.map((c) => quote(c.name));
    const target = qualified(table);
    let sql: string;
    switch (this.settings.insertMode) {
      case 'insert':
        sql = `INSERT INTO ${target} (${names.join(', ')}) SELECT * FROM unnest(${casts})`;
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

function arrays(names: readonly string[], types: TableColumns, rows: readonly Row[], valueAt: (row: Row, index: number) => unknown): { casts: string; params: unknown[][] } {
  const params: unknown[][] = names.map(() => new Array<unknown>(rows.length));
  const columnTypes = names.map((name) => {
    const type = types.get(name);
    if (type === undefined) throw sinkError('KST_SINK_WRITE_FAILED', `column "${name}" is missing from the table`, { column: name });
    return type;
  });
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r] as Row;
    for (let i = 0; i < names.length; i += 1) (params[i] as unknown[])[r] = toParam(valueAt(row, i), columnTypes[i] as string);
  }
  return { casts: columnTypes.map((type, i) => `$${i + 1}::${type}[]`).join(', '), params };
}

function unionOfColumns(rows: readonly Row[]): Column[] {
  const seen = new Map<string, Column>();
  for (const row of rows) for (const c of row.columns) if (!seen.has(c.name)) seen.set(c.name, c);
  return [...seen.values()];
}

/** Rows with the same columns go in one statement; schemaless rows may differ. */
function groupByColumns(rows: readonly Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const signature = row.columns.map((c) => c.name).join('\u0000');
    let group = groups.get(signature);
    if (group === undefined) groups.set(signature, group = []);
    group.push(row);
  }
  return [...groups.values()];
}

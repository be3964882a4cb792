/**
 * What the sink knows of its destination tables: their columns and types, read from the
 * catalog once and cached, and the DDL of `auto.create` (CREATE TABLE with the primary
 * key) and `auto.evolve` (ALTER TABLE … ADD COLUMN, always nullable, as Connect does).
 *
 * @example
 * ```ts
 * const tables = new TableManager(settings);
 * const columns = await tables.ensure(client, { schema: null, name: 'orders' }, keyColumns, valueColumns);
 * columns.get('amount'); // 'double precision'
 * ```
 */

import type { PostgresSinkSettings } from './config.ts';
import type { PgClient } from './connection.ts';
import type { ColumnDef, TableId } from './rows.ts';
import { sinkError } from '../support/errors.ts';

export const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

export function qualified(table: TableId): string {
  return table.schema === null ? quote(table.name) : `${quote(table.schema)}.${quote(table.name)}`;
}

/** Column name → type as `format_type` prints it, usable in a cast. */
export type TableColumns = ReadonlyMap<string, string>;

export class TableManager {
  private readonly settings: PostgresSinkSettings;
  private readonly cache = new Map<string, TableColumns>();

  constructor(settings: PostgresSinkSettings) {
    this.settings = settings;
  }

  /** Forgets what was read, e.g. after a failed batch whose DDL may have rolled back. */
  invalidate(): void {
    this.cache.clear();
  }

  /** The table's columns, or null when it does not exist. */
  async describe(client: PgClient, table: TableId): Promise<TableColumns | null> {
    const name = qualified(table);
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const result = await client.query<{ name: string; type: string }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a
        WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [name],
    );
    if (result.rows.length === 0) return null;
    const columns = new Map(result.rows.map((row) => [row.name, row.type]));
    this.cache.set(name, columns);
    return columns;
  }

  /**
   * Makes sure the table has every column the rows need, creating or altering it as
   * allowed. The DDL runs under an advisory lock on the table's name: tasks of one
   * connector start side by side, and two concurrent `CREATE TABLE IF NOT EXISTS` of one
   * table make PostgreSQL fail one of them (a unique violation in pg_type).
   */
  async ensure(client: PgClient, table: TableId, key: readonly ColumnDef[], columns: readonly ColumnDef[]): Promise<TableColumns> {
    const existing = await this.describe(client, table);
    if (existing !== null && [...key, ...columns].every((c) => existing.has(c.name))) return existing;
    const name = qualified(table);
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      this.cache.delete(name);
      return await this.#ensureLocked(client, table, key, columns);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  }

  async #ensureLocked(client: PgClient, table: TableId, key: readonly ColumnDef[], columns: readonly ColumnDef[]): Promise<TableColumns> {
    const name = qualified(table);
    let existing = await this.describe(client, table);
    if (existing === null) {
      if (!this.settings.autoCreate) {
        throw sinkError('KST_SINK_WRITE_FAILED', `table ${name} does not exist and auto.create is false`, { table: name });
      }
      const definitions = [
        ...key.map((c) => `${quote(c.name)} ${c.sqlType} NOT NULL`),
        ...columns.map((c) => `${quote(c.name)} ${c.sqlType}${c.nullable ? '' : ' NOT NULL'}`),
      ];
      const primaryKey = key.length === 0 ? '' : `, PRIMARY KEY (${key.map((c) => quote(c.name)).join(', ')})`;
      await client.query(`CREATE TABLE IF NOT EXISTS ${name} (${definitions.join(', ')}${primaryKey})`);
      this.cache.delete(name);
      existing = await this.describe(client, table);
      if (existing === null) throw sinkError('KST_SINK_WRITE_FAILED', `table ${name} was created but cannot be read back`, { table: name });
    }
    const missing = [...key, ...columns].filter((c) => !existing.has(c.name));
    if (missing.length === 0) return existing;
    if (!this.settings.autoEvolve) {
      throw sinkError('KST_SINK_WRITE_FAILED', `table ${name} lacks column(s) ${missing.map((c) => c.name).join(', ')} and auto.evolve is false`, { table: name, columns: missing.map((c) => c.name) });
    }
    // Added columns are nullable: rows already in the table have no value for them.
    await client.query(`ALTER TABLE ${name} ${missing.map((c) => `ADD COLUMN IF NOT EXISTS ${quote(c.name)} ${c.sqlType}`).join(', ')}`);
    this.cache.delete(name);
    const evolved = await this.describe(client, table);
    if (evolved === null) throw sinkError('KST_SINK_WRITE_FAILED', `table ${name} disappeared while being altered`, { table: name });
    return evolved;
  }
}

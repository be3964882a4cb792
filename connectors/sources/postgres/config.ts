/**
 * The PostgreSQL source's configuration: the keys of Confluent's JDBC source connector
 * that apply to incremental table polling on PostgreSQL, their documentation and
 * validators (for `config/validate`), the cross-key rules, and the parsed, typed form a
 * task runs with.
 *
 * @example
 * ```ts
 * const settings = parsePostgresSourceConfig({ 'connection.url': 'jdbc:postgresql://127.0.0.1:5432/shop', mode: 'incrementing',
 *   'incrementing.column.name': 'id', 'table.whitelist': 'orders', 'topic.prefix': 'pg-' });
 * settings.pollIntervalMs; // 5000
 * ```
 */

import type { ConfigDefinitionKey } from '../../api/config-def.ts';
import { enumKey, intKey, listKey, passwordKey, readConfig, splitList, stringKey, validateAgainst } from '../../transforms/support/config.ts';
import { KstError } from '../../../common/errors.ts';

export const MODES = ['bulk', 'incrementing', 'timestamp', 'timestamp+incrementing'] as const;
export type Mode = typeof MODES[number];

export const POSTGRES_SOURCE_CONFIG: readonly ConfigDefinitionKey[] = [
  stringKey('connection.url', { doc: 'JDBC connection URL (jdbc:postgresql://host:port/database) or a postgres:// URL.', importance: 'HIGH', group: 'Database', nonEmpty: true }),
  stringKey('connection.user', { default: null, doc: 'JDBC connection user; overrides a user in the URL.', importance: 'HIGH', group: 'Database' }),
  passwordKey('connection.password', { default: null, doc: 'JDBC connection password; overrides a password in the URL.', importance: 'HIGH', group: 'Database' }),
  intKey('connection.attempts', { default: 3, min: 1, doc: 'Attempts to get a working connection (and to run a query on a failing one) before the task fails.', group: 'Database' }),
  intKey('connection.backoff.ms', { default: 10_000, min: 0, type: 'LONG', doc: 'Backoff time in milliseconds between connection attempts.', group: 'Database' }),
  listKey('table.whitelist', { default: '', doc: 'Tables to copy (table or schema.table), comma-separated. Deprecated name of table.include.list.', importance: 'MEDIUM', group: 'Database' }),
  listKey('table.include.list', { default: '', doc: 'Tables to copy (table or schema.table), comma-separated.', importance: 'MEDIUM', group: 'Database' }),
  stringKey('schema.pattern', { default: null, doc: 'Schema of tables named without one; unset: public.', group: 'Database' }),
  enumKey('mode', MODES, { doc: 'How each table is polled: bulk (the whole table every poll), incrementing (a strictly increasing column: new rows), timestamp (a modification time column: new and updated rows), timestamp+incrementing (both: new and updated rows, no ambiguity between rows of equal timestamp).', importance: 'HIGH', group: 'Mode' }),
  stringKey('incrementing.column.name', { default: '', doc: 'The name of the strictly incrementing column used to detect new rows (incrementing and timestamp+incrementing modes).', importance: 'MEDIUM', group: 'Mode' }),
  listKey('timestamp.column.name', { default: '', doc: 'The timestamp column(s) used to detect new or modified rows; with several, the first non-null one (COALESCE) counts.', importance: 'MEDIUM', group: 'Mode' }),
  { ...intKey('timestamp.initial', { type: 'LONG', doc: 'Epoch ms to start from when the connector has no offset yet; -1: the current time; unset: the beginning.', group: 'Mode' }), defaultValue: null },
  intKey('timestamp.delay.interval.ms', { default: 0, min: 0, type: 'LONG', doc: 'How long after a row\'s timestamp it is copied: gives transactions with earlier timestamps time to commit.', group: 'Mode' }),
  stringKey('topic.prefix', { doc: 'Prefix of the topic names: each table goes to <topic.prefix><table>.', importance: 'HIGH', group: 'Connector' }),
  intKey('poll.interval.ms', { default: 5_000, min: 1, doc: 'How often each table is polled for new data, in milliseconds.', importance: 'HIGH', group: 'Connector' }),
  intKey('batch.max.rows', { default: 100, min: 1, doc: 'Most rows one poll takes from one table; a full batch is followed by the next one at once.', group: 'Connector' }),
];

export interface PostgresSourceSettings {
  readonly connectionUrl: string;
  readonly user: string | null;
  readonly password: string | null;
  readonly connectionAttempts: number;
  readonly connectionBackoffMs: number;
  readonly tables: readonly string[];
  readonly schema: string;
  readonly mode: Mode;
  readonly incrementingColumn: string;
  readonly timestampColumns: readonly string[];
  /** Epoch ms; null: from the beginning. */
  readonly timestampInitialMs: number | null;
  readonly timestampDelayMs: number;
  readonly topicPrefix: string;
  readonly pollIntervalMs: number;
  readonly batchMaxRows: number;
}

/** The tables named by either key (table.include.list wins over the older table.whitelist). */
export function tablesOf(config: Readonly<Record<string, string>>): string[] {
  const included = splitList(config['table.include.list'] ?? null);
  return included.length > 0 ? included : splitList(config['table.whitelist'] ?? null);
}

/** Cross-key rules, per key, as `config/validate` reports them. */
export function crossKeyErrors(config: Readonly<Record<string, string>>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string): void => void (errors[key] ??= []).push(message);
  const mode = (config['mode'] ?? '').trim();
  const incrementing = (config['incrementing.column.name'] ?? '').trim();
  const timestamps = splitList(config['timestamp.column.name'] ?? null);
  if ((mode === 'incrementing' || mode === 'timestamp+incrementing') && incrementing === '') add('incrementing.column.name', `Missing required configuration "incrementing.column.name" for mode ${mode}`);
  if ((mode === 'timestamp' || mode === 'timestamp+incrementing') && timestamps.length === 0) add('timestamp.column.name', `Missing required configuration "timestamp.column.name" for mode ${mode}`);
  const whitelist = splitList(config['table.whitelist'] ?? null);
  const included = splitList(config['table.include.list'] ?? null);
  if (whitelist.length > 0 && included.length > 0) add('table.include.list', 'table.whitelist and table.include.list are two names of one setting: set only table.include.list');
  if (whitelist.length === 0 && included.length === 0) add('table.include.list', 'Name the tables to copy in table.include.list (or table.whitelist); this connector does not discover tables');
  for (const table of [...whitelist, ...included]) if (table.split('.').length > 2) add('table.include.list', `Table ${table} must be named table or schema.table`);
  return errors;
}

export function validatePostgresSourceConfig(config: Readonly<Record<string, string>>): Record<string, string[]> {
  const errors = validateAgainst(POSTGRES_SOURCE_CONFIG, config);
  for (const [key, messages] of Object.entries(crossKeyErrors(config))) errors[key] = [...(errors[key] ?? []), ...messages];
  return errors;
}

/** Parses and checks a connector or task config; throws `KST_CONFIG_INVALID` naming the first bad key. */
export function parsePostgresSourceConfig(config: Readonly<Record<string, string>>): PostgresSourceSettings {
  const values = readConfig(POSTGRES_SOURCE_CONFIG, config);
  const cross = Object.entries(crossKeyErrors(config));
  if (cross.length > 0) {
    const [key, messages] = cross[0] as [string, string[]];
    throw new KstError('KST_CONFIG_INVALID', `config "${key}": ${messages.join('; ')}`, { key });
  }
  const initial = values.optionalString('timestamp.initial');
  return Object.freeze({
    connectionUrl: values.string('connection.url'),
    user: values.optionalString('connection.user'),
    password: values.optionalString('connection.password'),
    connectionAttempts: values.int('connection.attempts'),
    connectionBackoffMs: values.int('connection.backoff.ms'),
    // A task gets its share of the tables under `tables`.
    tables: Object.freeze(config['tables'] === undefined ? tablesOf(config) : splitList(config['tables'])),
    schema: values.optionalString('schema.pattern') ?? 'public',
    mode: values.string('mode') as Mode,
    incrementingColumn: values.string('incrementing.column.name').trim(),
    timestampColumns: Object.freeze(values.list('timestamp.column.name')),
    timestampInitialMs: initial === null ? null : Number(initial) === -1 ? Date.now() : Number(initial),
    timestampDelayMs: values.int('timestamp.delay.interval.ms'),
    topicPrefix: values.string('topic.prefix'),
    pollIntervalMs: values.int('poll.interval.ms'),
    batchMaxRows: values.int('batch.max.rows'),
  });
}

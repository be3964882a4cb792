/**
 * The PostgreSQL sink's configuration: the keys of Confluent's JDBC sink that apply to
 * PostgreSQL, their documentation and validators (for `config/validate`), the cross-key
 * rules, and the parsed, typed form a task runs with.
 *
 * @example
 * ```ts
 * const settings = parsePostgresSinkConfig({ 'connection.url': 'jdbc:postgresql://127.0.0.1:5432/shop', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'id' });
 * settings.batchSize; // 3000
 * ```
 */

import type { ConfigDefinitionKey } from '../../api/config-def.ts';
import { booleanKey, enumKey, intKey, listKey, passwordKey, readConfig, stringKey, validateAgainst } from '../../transforms/support/config.ts';
import { KstError } from '../../../common/errors.ts';

export const INSERT_MODES = ['insert', 'upsert', 'update'] as const;
export const PK_MODES = ['none', 'kafka', 'record_key', 'record_value'] as const;
export type InsertMode = typeof INSERT_MODES[number];
export type PkMode = typeof PK_MODES[number];

export const POSTGRES_SINK_CONFIG: readonly ConfigDefinitionKey[] = [
  stringKey('connection.url', { doc: 'JDBC connection URL (jdbc:postgresql://host:port/database) or a postgres:// URL.', importance: 'HIGH', group: 'Connection', nonEmpty: true }),
  stringKey('connection.user', { default: null, doc: 'JDBC connection user; overrides a user in the URL.', importance: 'HIGH', group: 'Connection' }),
  passwordKey('connection.password', { default: null, doc: 'JDBC connection password; overrides a password in the URL.', importance: 'HIGH', group: 'Connection' }),
  intKey('connection.timeout.ms', { default: 10_000, min: 100, doc: 'How long to wait for a connection to PostgreSQL before the attempt counts as failed.', group: 'Connection' }),
  enumKey('insert.mode', INSERT_MODES, { default: 'insert', doc: 'insert: plain INSERT (with pk.mode=kafka a redelivered record, same topic, partition and offset, is skipped); upsert: INSERT … ON CONFLICT (pk) DO UPDATE; update: UPDATE of existing rows only.', importance: 'HIGH', group: 'Writes' }),
  intKey('batch.size', { default: 3000, min: 1, doc: 'Records written together in one transaction (one statement per table and column set).', group: 'Writes' }),
  booleanKey('delete.enabled', { default: false, doc: 'Whether to treat null record values (tombstones) as deletes. Requires pk.mode record_key.', group: 'Writes' }),
  stringKey('table.name.format', { default: '${topic}', doc: 'Format of the destination table name; ${topic} is replaced by the topic. A dot separates the schema from the table, as in Connect.', group: 'Data mapping' }),
  enumKey('pk.mode', PK_MODES, { default: 'none', doc: 'Where the primary key comes from: none, kafka (topic, partition, offset), record_key, record_value.', importance: 'HIGH', group: 'Data mapping' }),
  listKey('pk.fields', { default: '', doc: 'Primary key column names. kafka: three names (default __connect_topic,__connect_partition,__connect_offset); record_key: one name for a primitive key (default __connect_key) or key fields; record_value: value fields (default all).', group: 'Data mapping' }),
  booleanKey('auto.create', { default: false, doc: 'Create the destination table (CREATE TABLE) from the record schema, or the JSON fields when schemaless, when it is missing.', group: 'DDL support' }),
  booleanKey('auto.evolve', { default: false, doc: 'Add columns (ALTER TABLE ADD COLUMN) for fields the table lacks.', group: 'DDL support' }),
  intKey('max.retries', { default: 10, min: 0, doc: 'How many times to retry a batch on connection errors before failing it (the worker then retries it later).', group: 'Retries' }),
  intKey('retry.backoff.ms', { default: 3000, min: 0, doc: 'Time to wait after a connection error before retrying.', group: 'Retries' }),
];

export interface PostgresSinkSettings {
  readonly connectionUrl: string;
  readonly user: string | null;
  readonly password: string | null;
  readonly connectionTimeoutMs: number;
  readonly insertMode: InsertMode;
  readonly batchSize: number;
  readonly deleteEnabled: boolean;
  readonly tableNameFormat: string;
  readonly pkMode: PkMode;
  readonly pkFields: readonly string[];
  readonly autoCreate: boolean;
  readonly autoEvolve: boolean;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
}

/** Cross-key rules, per key, as `config/validate` reports them. */
export function crossKeyErrors(config: Readonly<Record<string, string>>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string): void => {
    (errors[key] ??= []).push(message);
  };
  const insertMode = config['insert.mode'] ?? 'insert';
  const pkMode = config['pk.mode'] ?? 'none';
  const pkFields = (config['pk.fields'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (config['delete.enabled']?.trim().toLowerCase() === 'true' && pkMode !== 'record_key') add('delete.enabled', 'delete.enabled=true requires pk.mode=record_key');
  if ((insertMode === 'upsert' || insertMode === 'update') && pkMode === 'none') add('pk.mode', `insert.mode=${insertMode} needs a primary key: set pk.mode to kafka, record_key or record_value`);
  if (pkMode === 'kafka' && pkFields.length !== 0 && pkFields.length !== 3) add('pk.fields', 'pk.mode=kafka takes exactly three names (topic, partition, offset columns) or none');
  if (pkMode === 'none' && pkFields.length > 0) add('pk.fields', 'pk.fields is ignored with pk.mode=none; remove it or choose a pk.mode');
  return errors;
}

export function validatePostgresSinkConfig(config: Readonly<Record<string, string>>): Record<string, string[]> {
  const errors = validateAgainst(POSTGRES_SINK_CONFIG, config);
  for (const [key, messages] of Object.entries(crossKeyErrors(config))) errors[key] = [...(errors[key] ?? []), ...messages];
  return errors;
}

export function parsePostgresSinkConfig(config: Readonly<Record<string, string>>): PostgresSinkSettings {
  const values = readConfig(POSTGRES_SINK_CONFIG, config);
  const cross = Object.entries(crossKeyErrors(config));
  if (cross.length > 0) {
    const [key, messages] = cross[0] as [string, string[]];
    throw new KstError('KST_CONFIG_INVALID', `config "${key}": ${messages.join('; ')}`, { key });
  }
  return Object.freeze({
    connectionUrl: values.string('connection.url'),
    user: values.optionalString('connection.user'),
    password: values.optionalString('connection.password'),
    connectionTimeoutMs: values.int('connection.timeout.ms'),
    insertMode: values.string('insert.mode') as InsertMode,
    batchSize: values.int('batch.size'),
    deleteEnabled: values.boolean('delete.enabled'),
    tableNameFormat: values.string('table.name.format'),
    pkMode: values.string('pk.mode') as PkMode,
    pkFields: Object.freeze(values.list('pk.fields')),
    autoCreate: values.boolean('auto.create'),
    autoEvolve: values.boolean('auto.evolve'),
    maxRetries: values.int('max.retries'),
    retryBackoffMs: values.int('retry.backoff.ms'),
  });
}

/**
 * The PostgreSQL source connector plugin: Confluent JDBC source-compatible keys for
 * incremental table polling, validated per key and across keys. The tables are spread
 * over at most `tasks.max` tasks (round robin); each task gets its share as `tables`.
 *
 * @example
 * ```json
 * { "connector.class": "PostgresSourceConnector", "connection.url": "jdbc:postgresql://127.0.0.1:5432/kstreams",
 *   "table.include.list": "notification_templates", "mode": "timestamp+incrementing",
 *   "timestamp.column.name": "updated_at", "incrementing.column.name": "id", "topic.prefix": "pg." }
 * ```
 */

import type { SourceConnectorPlugin } from '../../api/source.ts';
import { crossKeyErrors, POSTGRES_SOURCE_CONFIG, tablesOf } from './config.ts';
import { PostgresSourceTask } from './task.ts';

/** Round robin: table i goes to task i mod n, n = min(maxTasks, tables). */
export function spreadTables(tables: readonly string[], maxTasks: number): string[][] {
  const groups: string[][] = Array.from({ length: Math.max(1, Math.min(maxTasks, tables.length)) }, () => []);
  tables.forEach((table, i) => groups[i % groups.length]?.push(table));
  return groups;
}

export const postgresSourceConnector: SourceConnectorPlugin = Object.freeze({
  className: 'io.kstreams.connect.jdbc.PostgresSourceConnector',
  aliases: Object.freeze(['PostgresSourceConnector', 'PostgresSource', 'io.confluent.connect.jdbc.JdbcSourceConnector', 'JdbcSourceConnector']),
  type: 'source' as const,
  version: '0.1.0',
  configDef: POSTGRES_SOURCE_CONFIG,
  validate: (config: Readonly<Record<string, string>>) => crossKeyErrors(config),
  taskConfigs: (config: Readonly<Record<string, string>>, maxTasks: number) => spreadTables(tablesOf(config), maxTasks).map((tables) => ({ ...config, tables: tables.join(',') })),
  createTask: () => new PostgresSourceTask(),
  // Its position is all in the offsets it hands the worker: committed with the records, a restart resumes exactly there.
  exactlyOnceSupport: 'SUPPORTED' as const,
});

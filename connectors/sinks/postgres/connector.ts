/**
 * The PostgreSQL sink connector plugin: Confluent JDBC sink-compatible keys, validated
 * per key and across keys; every task gets the connector's config (partitions spread
 * over tasks through the consumer group).
 *
 * @example
 * ```json
 * { "connector.class": "PostgresSinkConnector", "topics": "orders", "connection.url": "jdbc:postgresql://127.0.0.1:5432/kstreams",
 *   "insert.mode": "upsert", "pk.mode": "record_key", "pk.fields": "order_id", "auto.create": "true", "delete.enabled": "true" }
 * ```
 */

import type { SinkConnectorPlugin } from '../../api/sink.ts';
import { crossKeyErrors, POSTGRES_SINK_CONFIG } from './config.ts';
import { PostgresSinkTask } from './task.ts';

export const postgresSinkConnector: SinkConnectorPlugin = Object.freeze({
  className: 'io.kstreams.connect.jdbc.PostgresSinkConnector',
  aliases: Object.freeze(['PostgresSinkConnector', 'PostgresSink', 'io.confluent.connect.jdbc.JdbcSinkConnector', 'JdbcSinkConnector']),
  type: 'sink' as const,
  version: '0.1.0',
  configDef: POSTGRES_SINK_CONFIG,
  validate: (config: Readonly<Record<string, string>>) => crossKeyErrors(config),
  taskConfigs: (config: Readonly<Record<string, string>>, maxTasks: number) => Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...config })),
  createTask: () => new PostgresSinkTask(),
});

/**
 * The Elasticsearch/OpenSearch sink connector plugin, configured with Confluent's
 * Elasticsearch sink keys and talking plain `_bulk` HTTP, so it works with Elasticsearch
 * 8/9 and OpenSearch 2 alike.
 *
 * @example
 * ```json
 * { "connector.class": "ElasticsearchSinkConnector", "topics": "products", "connection.url": "http://127.0.0.1:9200",
 *   "write.method": "upsert", "behavior.on.null.values": "delete", "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "products-dlq" }
 * ```
 */

import type { SinkConnectorPlugin } from '../../api/sink.ts';
import { crossKeyErrors, SEARCH_SINK_CONFIG } from './config.ts';
import { SearchSinkTask } from './task.ts';

export const searchSinkConnector: SinkConnectorPlugin = Object.freeze({
  className: 'io.kstreams.connect.search.ElasticsearchSinkConnector',
  aliases: Object.freeze(['ElasticsearchSinkConnector', 'OpenSearchSinkConnector', 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector']),
  type: 'sink' as const,
  version: '0.1.0',
  configDef: SEARCH_SINK_CONFIG,
  validate: (config: Readonly<Record<string, string>>) => crossKeyErrors(config),
  taskConfigs: (config: Readonly<Record<string, string>>, maxTasks: number) => Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...config })),
  createTask: () => new SearchSinkTask(),
});

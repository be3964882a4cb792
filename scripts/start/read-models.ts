/**
 * The platform's read models, as Connect sink connectors the platform creates through the
 * worker's REST API (docs/ARCHITECTURE.md: orders and payments to PostgreSQL, products with
 * live stock to OpenSearch):
 *
 * - `orders-postgres`: the order service's `orders` store changelog (one JSON OrderView per
 *   order, the latest) upserted into table `orders` by order id; a tombstone deletes.
 * - `payments-postgres`: every payment event (Avro) appended to table `payments`, keyed by
 *   topic, partition and offset, so the table is the payment ledger.
 * - `audit-postgres`: every command and event (the command and event topics, Avro) appended
 *   to table `audit_log`: the record as jsonb (`record`), its timestamp, and its topic,
 *   partition and offset as the primary key, so a redelivered record is skipped, never
 *   written twice. The gateway answers `GET /orders/:id/audit` from it.
 * - `products-search`: the inventory service's `products` store changelog (JSON
 *   ProductView) indexed as documents of index `products`, one per product id; the index
 *   and its mapping are created first (`search-index.ts`), the gateway searches it.
 * - `sales-opensearch`: the analytics service's final window results (`analytics.sales`,
 *   JSON) indexed as documents of index `sales`, one per window and product or category,
 *   under the result's id (`<groupBy>|<key>|<window start>`), so a result delivered twice
 *   replaces itself.
 *
 * `PUT /connectors/{name}/config` creates or updates, so starting the platform again is
 * harmless.
 *
 * No password is in a connector config: the PostgreSQL sinks name theirs as
 * `${env:PLATFORM_PG_PASSWORD}`, which the worker resolves when their tasks start through
 * its env config provider (`readModelWorkerEnv` gives the worker that provider and the
 * variable); the config topic and the REST API keep the reference.
 *
 * @example
 * ```ts
 * const worker = new ManagedProcess({ name: 'connect', entry: 'connectors/worker-main.ts', env: readModelWorkerEnv(postgresUrl, secretsDir), logFile, ready });
 * await applyReadModels('http://127.0.0.1:8083', readModels({ prefix: '', postgresUrl, opensearchUrl, registryUrl }));
 * ```
 */

import { productsIndex } from '../../topologies/ecommerce/contracts/product-search-index.ts';
import { ApplicationIds, Stores } from '../../topologies/ecommerce/contracts/stores.ts';
import { prefixedTopics } from '../../topologies/ecommerce/contracts/topics.ts';

export interface ReadModelSettings {
  /** The platform's topic prefix (`ECOMMERCE_TOPIC_PREFIX`). */
  readonly prefix: string;
  /** postgres://user:password@host:port/database; the password stays out of the connector configs. */
  readonly postgresUrl: string;
  readonly opensearchUrl: string;
  readonly registryUrl: string;
}

export type ConnectorConfig = Readonly<Record<string, string>>;

/** The variable the worker's env provider reads the PostgreSQL password from. */
export const PG_PASSWORD_VARIABLE = 'PLATFORM_PG_PASSWORD';
export const PG_PASSWORD_REFERENCE = `\${env:${PG_PASSWORD_VARIABLE}}`;

/**
 * The worker's environment for the read models: config providers env (reading only
 * PLATFORM_PG_PASSWORD), file and dir (reading only under `secretsDir`, which must exist),
 * and the password itself.
 */
export function readModelWorkerEnv(postgresUrl: string, secretsDir: string): Record<string, string> {
  return {
    CONNECT_CONFIG_PROVIDERS: 'env,file,dir',
    CONNECT_CONFIG_PROVIDERS_ENV_CLASS: 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    CONNECT_CONFIG_PROVIDERS_ENV_PARAM_ALLOWLIST_PATTERN: `^${PG_PASSWORD_VARIABLE}$`,
    CONNECT_CONFIG_PROVIDERS_FILE_CLASS: 'org.apache.kafka.common.config.provider.FileConfigProvider',
    CONNECT_CONFIG_PROVIDERS_FILE_PARAM_ALLOWED_PATHS: secretsDir,
    CONNECT_CONFIG_PROVIDERS_DIR_CLASS: 'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
    CONNECT_CONFIG_PROVIDERS_DIR_PARAM_ALLOWED_PATHS: secretsDir,
    [PG_PASSWORD_VARIABLE]: decodeURIComponent(new URL(postgresUrl).password),
  };
}

/** A PostgreSQL connector's connection keys: the URL without credentials, the user, and the password as a reference. */
export function postgresConnection(postgresUrl: string): Record<string, string> {
  const url = new URL(postgresUrl);
  return {
    'connection.url': `jdbc:postgresql://${url.host}${url.pathname}`,
    'connection.user': decodeURIComponent(url.username),
    'connection.password': PG_PASSWORD_REFERENCE,
  };
}

/** A store's changelog topic, as Kafka Streams names it: `<application id>-<store>-changelog`. */
function changelog(prefix: string, applicationId: string, store: string): string {
  return `${prefix}${applicationId}-${store}-changelog`;
}

const JSON_VALUES = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
} as const;

const TOLERANT = {
  'errors.tolerance': 'all',
  'errors.log.enable': 'true',
  'errors.deadletterqueue.context.headers.enable': 'true',
} as const;

/** The topics the audit log keeps: every command and event topic of the platform. */
export function auditedTopics(prefix: string): string[] {
  const topics = prefixedTopics(prefix);
  return [topics.orderCommands, topics.orderEvents, topics.inventoryCommands, topics.inventoryEvents, topics.paymentEvents, topics.shipmentEvents, topics.customerCommands, topics.customerEvents];
}

/** The audit log's table (the gateway's GATEWAY_AUDIT_TABLE). */
export const auditTable = (prefix: string): string => `${prefix.replace(/[^A-Za-z0-9_]/g, '_')}audit_log`;

export function readModels(settings: ReadModelSettings): Record<string, ConnectorConfig> {
  const { prefix } = settings;
  return {
    [`${prefix}orders-postgres`]: {
      'connector.class': 'io.kstreams.connect.jdbc.PostgresSinkConnector',
      'tasks.max': '2',
      topics: changelog(prefix, ApplicationIds.order, Stores.orders),
      ...postgresConnection(settings.postgresUrl),
      'insert.mode': 'upsert',
      'pk.mode': 'record_key',
      'pk.fields': 'order_id',
      'auto.create': 'true',
      'auto.evolve': 'true',
      'delete.enabled': 'true',
      'table.name.format': `${prefix.replace(/[^A-Za-z0-9_]/g, '_')}orders`,
      'errors.deadletterqueue.topic.name': `${prefix}orders-postgres.dead-letters`,
      ...JSON_VALUES,
      ...TOLERANT,
    },
    [`${prefix}payments-postgres`]: {
      'connector.class': 'io.kstreams.connect.jdbc.PostgresSinkConnector',
      'tasks.max': '2',
      topics: prefixedTopics(prefix).paymentEvents,
      ...postgresConnection(settings.postgresUrl),
      'insert.mode': 'insert',
      'pk.mode': 'kafka',
      'auto.create': 'true',
      'auto.evolve': 'true',
      'table.name.format': `${prefix.replace(/[^A-Za-z0-9_]/g, '_')}payments`,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'io.confluent.connect.avro.AvroConverter',
      'value.converter.schema.registry.url': settings.registryUrl,
      'errors.deadletterqueue.topic.name': `${prefix}payments-postgres.dead-letters`,
      ...TOLERANT,
    },
    // Every command and event, appended as it was (one jsonb column) with where it was; the gateway reads it by order id.
    [`${prefix}audit-postgres`]: {
      'connector.class': 'io.kstreams.connect.jdbc.PostgresSinkConnector',
      'tasks.max': '2',
      topics: auditedTopics(prefix).join(','),
      ...postgresConnection(settings.postgresUrl),
      'insert.mode': 'insert',
      'pk.mode': 'kafka',
      'pk.fields': 'kafka_topic,kafka_partition,kafka_offset',
      'auto.create': 'true',
      'auto.evolve': 'true',
      'table.name.format': auditTable(prefix),
      transforms: 'wrap,when',
      'transforms.wrap.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
      'transforms.wrap.field': 'record',
      'transforms.when.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
      'transforms.when.timestamp.field': 'kafka_timestamp',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'io.confluent.connect.avro.AvroConverter',
      'value.converter.schema.registry.url': settings.registryUrl,
      'errors.deadletterqueue.topic.name': `${prefix}audit-postgres.dead-letters`,
      ...TOLERANT,
    },
    [`${prefix}products-search`]: {
      'connector.class': 'io.kstreams.connect.search.ElasticsearchSinkConnector',
      'tasks.max': '1',
      topics: changelog(prefix, ApplicationIds.inventory, Stores.products),
      'connection.url': settings.opensearchUrl,
      'key.ignore': 'false',
      'schema.ignore': 'true',
      'write.method': 'insert',
      'behavior.on.null.values': 'delete',
      'index.name.format': productsIndex(prefix),
      'errors.deadletterqueue.topic.name': `${prefix}products-search.dead-letters`,
      ...JSON_VALUES,
      ...TOLERANT,
    },
    [`${prefix}sales-opensearch`]: {
      'connector.class': 'io.kstreams.connect.search.ElasticsearchSinkConnector',
      'tasks.max': '1',
      topics: prefixedTopics(prefix).analyticsSales,
      'connection.url': settings.opensearchUrl,
      'key.ignore': 'false',
      'schema.ignore': 'true',
      'write.method': 'insert',
      'index.name.format': `${prefix.toLowerCase()}sales`,
      'errors.deadletterqueue.topic.name': `${prefix}sales-opensearch.dead-letters`,
      ...JSON_VALUES,
      ...TOLERANT,
    },
  };
}

/**
 * Creates or updates each connector; throws with the worker's message when one is
 * refused. A worker answers 409 while it joins its group or rebalances (as Connect does):
 * that is retried for up to `timeoutMs`. `authorization` is sent when the worker's REST
 * API needs basic auth.
 */
export async function applyReadModels(connectUrl: string, connectors: Record<string, ConnectorConfig>, timeoutMs = 60_000, authorization?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const [name, config] of Object.entries(connectors)) {
    for (;;) {
      const response = await fetch(`${connectUrl}/connectors/${encodeURIComponent(name)}/config`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
        body: JSON.stringify(config),
      });
      if (response.ok) break;
      const body = await response.text();
      if (response.status !== 409 || Date.now() > deadline) throw new Error(`connector ${name}: the Connect worker answered ${response.status}: ${body}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

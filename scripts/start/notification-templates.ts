/**
 * Notification templates for `npm start`: the PostgreSQL table `notification_templates`
 * (prefixed like the read models' tables) and the Connect PostgreSQL source that copies
 * it to `notifications.templates`, keyed by status, which the notification service reads
 * as a GlobalKTable (topologies/ecommerce/notification/templates.ts).
 *
 * The table: `id` (incrementing), `status` (an order status, unique), `template` (the
 * text, with `{orderId}`, `{customerId}`, `{status}`, `{reason}`), `updated_at` (set by a
 * trigger on every update). The source polls it in `timestamp+incrementing` mode, so an
 * insert or an update reaches the service within about a second; a blank template gives
 * the built-in text back (a deleted row is not seen by a query-based source).
 *
 * @example
 * ```ts
 * await ensureTemplatesTable(postgresUrl, prefix);
 * await applyReadModels(connectUrl, templateSources({ prefix, postgresUrl }));
 * // then: UPDATE notification_templates SET template = 'Paid: {orderId}' WHERE status = 'PAID';
 * ```
 */

import pg from 'pg';
import { prefixedTopics } from '../../topologies/ecommerce/contracts/topics.ts';
import { postgresConnection, type ConnectorConfig } from './read-models.ts';

/** The table's name for a topic prefix (the read models' rule: the prefix as an identifier, then the name). */
export function templatesTable(prefix: string): string {
  return `${prefix.replace(/[^A-Za-z0-9_]/g, '_')}notification_templates`;
}

/** Creates the table and its `updated_at` trigger if they are missing (starting again is harmless). */
export async function ensureTemplatesTable(postgresUrl: string, prefix: string): Promise<string> {
  const table = templatesTable(prefix);
  const quoted = `"${table}"`;
  const db = new pg.Client({ connectionString: postgresUrl });
  await db.connect();
  try {
    await db.query(`CREATE TABLE IF NOT EXISTS ${quoted} (
      id BIGSERIAL PRIMARY KEY,
      status TEXT NOT NULL UNIQUE,
      template TEXT NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())`);
    await db.query(`CREATE OR REPLACE FUNCTION kst_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END $$`);
    await db.query(`CREATE OR REPLACE TRIGGER "${table}_touch" BEFORE UPDATE ON ${quoted} FOR EACH ROW EXECUTE FUNCTION kst_touch_updated_at()`);
  } finally {
    await db.end();
  }
  return table;
}

/** The source connector's config: rows keyed by status, routed to the templates topic. */
export function templateSources(settings: { readonly prefix: string; readonly postgresUrl: string }): Record<string, ConnectorConfig> {
  const { prefix } = settings;
  return {
    [`${prefix}notification-templates-source`]: {
      'connector.class': 'io.kstreams.connect.jdbc.PostgresSourceConnector',
      'tasks.max': '1',
      ...postgresConnection(settings.postgresUrl),
      'table.include.list': templatesTable(prefix),
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'updated_at',
      'incrementing.column.name': 'id',
      'topic.prefix': `${prefix}pg.`,
      'poll.interval.ms': '1000',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      transforms: 'createKey,extractKey,route',
      'transforms.createKey.type': 'org.apache.kafka.connect.transforms.ValueToKey',
      'transforms.createKey.fields': 'status',
      'transforms.extractKey.type': 'org.apache.kafka.connect.transforms.ExtractField$Key',
      'transforms.extractKey.field': 'status',
      'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
      'transforms.route.regex': '.*',
      'transforms.route.replacement': prefixedTopics(prefix).notificationTemplates,
    },
  };
}

/**
 * Shared by the end-to-end sink tests (REST-created connectors on real Kafka, registry,
 * PostgreSQL and OpenSearch): an Avro workload of products with updates and tombstones
 * whose final state the test computes itself, a producer of it in the Confluent wire
 * format through the project's own Avro serde, connector configs, and readers that put
 * the table and the index in the same shape as the expected state.
 */

import assert from 'node:assert/strict';
import type pg from 'pg';
import { RegistryClient } from '../../schemas/registry/registry-client.ts';
import { AvroSerde } from '../../schemas/serdes/avro.ts';
import type { Broker } from './helpers.ts';
import { stack } from './sinks/support.ts';
import { seededRandom } from '../../common/seeded-random.ts';

export interface Product {
  readonly sku: string;
  readonly version: number;
  readonly stock: number;
  readonly price: number;
  readonly label: string | null;
  readonly tags: readonly string[];
}

/** Keys are Avro records too; the search sink extracts the sku (ids must be primitive). */
export const PRODUCT_KEY_SCHEMA = { type: 'record', name: 'ProductKey', namespace: 'shop.e2e', fields: [{ name: 'sku', type: 'string' }] } as const;

export const PRODUCT_SCHEMA = {
  type: 'record', name: 'Product', namespace: 'shop.e2e',
  fields: [
    { name: 'sku', type: 'string' },
    { name: 'version', type: 'int' },
    { name: 'stock', type: 'int' },
    { name: 'price', type: 'double' },
    { name: 'label', type: ['null', 'string'], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
} as const;

/** One record to produce: an update, a tombstone (value null), or bytes no converter can read. */
export type Change = { readonly key: string; readonly value: Product | null } | { readonly key: string; readonly malformed: Buffer };

export interface Workload {
  readonly changes: readonly Change[];
  /** Final state, sku → product, as every sink should leave it. */
  readonly expected: ReadonlyMap<string, Product>;
  readonly malformed: number;
}

/**
 * `count` changes over `keys` skus: mostly updates (every sku is written many times), one
 * in 9 a tombstone (a deleted sku may come back later), and with `malformedEvery` a few
 * values that are not Avro at all, which change nothing and must go to the DLQ.
 */
export function productWorkload(count: number, options: { keys?: number; seed?: number; malformedEvery?: number } = {}): Workload {
  const keys = options.keys ?? 1200;
  // Seeded, not a plain LCG: an LCG's low bits would tie the sku to whether it is deleted.
  const next = seededRandom(options.seed ?? 17);
  const random = (n: number): number => Math.floor(next() * n);
  const changes: Change[] = [];
  const expected = new Map<string, Product>();
  let malformed = 0;
  for (let i = 0; i < count; i += 1) {
    const key = `sku-${random(keys)}`;
    if (options.malformedEvery !== undefined && i % options.malformedEvery === options.malformedEvery - 1) {
      changes.push({ key, malformed: Buffer.from(`not avro ${i}`) });
      malformed += 1;
    } else if (random(9) === 0) {
      changes.push({ key, value: null });
      expected.delete(key);
    } else {
      const value: Product = { sku: key, version: i, stock: random(500), price: (100 + random(99_900)) / 100, label: random(4) === 0 ? null : `Product ${key} v${i}`, tags: i % 3 === 0 ? [] : [`t${i % 7}`, `c${random(5)}`] };
      changes.push({ key, value });
      expected.set(key, value);
    }
  }
  return { changes, expected, malformed };
}

/** Serdes registered under `<topic>-key` (ProductKey) and `<topic>-value` (Product). */
export async function productSerdes(topic: string): Promise<{ key: AvroSerde<{ sku: string }>; value: AvroSerde<Product> }> {
  const registry = new RegistryClient({ url: stack.registryUrl });
  return {
    key: await AvroSerde.create<{ sku: string }>(registry, { topic, isKey: true, schema: PRODUCT_KEY_SCHEMA }),
    value: await AvroSerde.create<Product>(registry, { topic, schema: PRODUCT_SCHEMA }),
  };
}

/** Produces the changes in order (keyed, so a sku's changes share a partition), `chunk` at a time. */
export async function produceChanges(kafka: Broker, topic: string, changes: readonly Change[], options: { chunk?: number; pauseMs?: number } = {}): Promise<void> {
  const serdes = await productSerdes(topic);
  const chunk = options.chunk ?? 1000;
  for (let i = 0; i < changes.length; i += chunk) {
    await kafka.send(changes.slice(i, i + chunk).map((c) => ({
      topic,
      key: serdes.key.serialize(topic, { sku: c.key }),
      value: 'malformed' in c ? c.malformed : serdes.value.serialize(topic, c.value),
    })));
    if (options.pauseMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  }
}

const avroConverters = {
  'key.converter': 'io.confluent.connect.avro.AvroConverter', 'key.converter.schema.registry.url': stack.registryUrl,
  'value.converter': 'io.confluent.connect.avro.AvroConverter', 'value.converter.schema.registry.url': stack.registryUrl,
};

/** A PostgreSQL sink of `topic` into table `topic` (upsert by the key, tombstones delete). */
export function postgresConnectorConfig(topic: string, postgresUrl = stack.postgresUrl, extra: Record<string, string> = {}): Record<string, string> {
  const url = new URL(postgresUrl);
  return {
    'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector', topics: topic, 'tasks.max': '2',
    ...avroConverters,
    'connection.url': `jdbc:postgresql://${url.host}${url.pathname}`,
    'connection.user': decodeURIComponent(url.username), 'connection.password': decodeURIComponent(url.password),
    'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'sku', 'delete.enabled': 'true', 'auto.create': 'true',
    ...extra,
  };
}

/** A search sink of `topic` into index `topic` (ids from the key, tombstones delete). */
export function searchConnectorConfig(topic: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'connector.class': 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector', topics: topic, 'tasks.max': '2',
    ...avroConverters,
    transforms: 'sku', 'transforms.sku.type': 'org.apache.kafka.connect.transforms.ExtractField$Key', 'transforms.sku.field': 'sku',
    'connection.url': stack.opensearchUrl, 'key.ignore': 'false', 'write.method': 'insert', 'behavior.on.null.values': 'delete',
    ...extra,
  };
}

/** Dead-letter queue settings with Connect's context headers, tolerating every error. */
export function deadLetterConfig(dlq: string): Record<string, string> {
  return {
    'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': dlq,
    'errors.deadletterqueue.topic.replication.factor': '1', 'errors.deadletterqueue.context.headers.enable': 'true',
  };
}

/** The table as sku → product, or null while it does not exist yet. */
export async function tableState(db: pg.Client, table: string): Promise<Map<string, Product> | null> {
  const exists = await db.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`"${table}"`]);
  if (exists.rows[0]?.t === null) return null;
  const result = await db.query<Product>(`SELECT sku, version, stock, price, label, tags FROM "${table}" ORDER BY sku`);
  return new Map(result.rows.map((row) => [row.sku, { ...row }]));
}

/** Every document of the index as id → source, or null while the index does not exist. */
export async function indexState(index: string): Promise<Map<string, Product> | null> {
  const refresh = await fetch(`${stack.opensearchUrl}/${index}/_refresh`, { method: 'POST' });
  if (refresh.status === 404) return null;
  const response = await fetch(`${stack.opensearchUrl}/${index}/_search?size=10000`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: { match_all: {} } }) });
  const hits = ((await response.json()) as { hits: { hits: Array<{ _id: string; _source: Product }> } }).hits.hits;
  return new Map(hits.map((hit) => [hit._id, hit._source]));
}

const sorted = (state: ReadonlyMap<string, Product>): Array<[string, Product]> => [...state].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Whether the actual state is the expected one (cheap check for polling). */
export function sameState(actual: ReadonlyMap<string, Product> | null, expected: ReadonlyMap<string, Product>): boolean {
  return actual !== null && actual.size === expected.size && JSON.stringify(sorted(actual)) === JSON.stringify(sorted(expected));
}

/** Row by row: the same skus, and for each the same columns. */
export function assertSameState(actual: ReadonlyMap<string, Product> | null, expected: ReadonlyMap<string, Product>, what: string): void {
  assert.ok(actual !== null, `${what} exists`);
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${what} holds exactly the expected keys`);
  for (const [sku, want] of sorted(expected)) assert.deepEqual(actual.get(sku), want, `${what}: row ${sku}`);
}

export async function dropTable(db: pg.Client, table: string): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => undefined);
}

export async function dropIndex(index: string): Promise<void> {
  await fetch(`${stack.opensearchUrl}/${index}`, { method: 'DELETE' }).catch(() => undefined);
}

/**
 * Kafka Connect's `InsertField$Key` / `InsertField$Value`: adds the record's topic,
 * partition, offset, timestamp and/or a static string to a struct or map. A field name
 * ending in `!` is required, `?` (the default) optional, which shapes the new schema.
 *
 * @example
 * ```properties
 * transforms=meta
 * transforms.meta.type=org.apache.kafka.connect.transforms.InsertField$Value
 * transforms.meta.topic.field=source_topic
 * transforms.meta.static.field=origin
 * transforms.meta.static.value=shop-eu
 * ```
 */

import type { ConnectSchema, SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { readConfig, stringKey } from './support/config.ts';
import { keyValuePlugins, operand, withOperand, type Side } from './support/key-value.ts';
import { LOGICAL_TIMESTAMP, primitive, requireMap, requireStruct, SchemaCache, struct } from './support/schemas.ts';

export const INSERT_FIELD_CONFIG = [
  stringKey('topic.field', { default: null, doc: 'Field name for the Kafka topic. Suffix with ! to make it required, ? to keep it optional (default).' }),
  stringKey('partition.field', { default: null, doc: 'Field name for the Kafka partition. Suffix with ! or ?.' }),
  stringKey('offset.field', { default: null, doc: 'Field name for the Kafka offset (sink connectors only). Suffix with ! or ?.' }),
  stringKey('timestamp.field', { default: null, doc: 'Field name for the record timestamp. Suffix with ! or ?.' }),
  stringKey('static.field', { default: null, doc: 'Field name for a static data field. Suffix with ! or ?.' }),
  stringKey('static.value', { default: null, doc: 'Static field value, if a static field name is configured.' }),
];

interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function parseSpec(raw: string | null): InsertionSpec | null {
  if (raw === null || raw === '') return null;
  if (raw.endsWith('!')) return { name: raw.slice(0, -1), optional: false };
  if (raw.endsWith('?')) return { name: raw.slice(0, -1), optional: true };
  return { name: raw, optional: true };
}

type Kind = 'topic' | 'partition' | 'offset' | 'timestamp' | 'static';

const SCHEMAS: Record<Kind, (optional: boolean) => ConnectSchema> = {
  topic: (optional) => primitive('string', optional),
  partition: (optional) => primitive('int32', optional),
  offset: (optional) => primitive('int64', optional),
  timestamp: (optional) => primitive('int64', optional, LOGICAL_TIMESTAMP),
  static: (optional) => primitive('string', optional),
};

export class InsertField implements Transformation {
  private readonly side: Side;
  private specs: Array<{ readonly kind: Kind; readonly spec: InsertionSpec }> = [];
  private staticValue: string | null = null;
  private readonly schemas = new SchemaCache();

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, string>>): void {
    const values = readConfig(INSERT_FIELD_CONFIG, config);
    const kinds: Kind[] = ['topic', 'partition', 'offset', 'timestamp', 'static'];
    this.specs = kinds.flatMap((kind) => {
      const spec = parseSpec(values.optionalString(`${kind}.field`));
      return spec === null ? [] : [{ kind, spec }];
    });
    this.staticValue = values.optionalString('static.value');
  }

  apply(record: SinkRecord): SinkRecord {
    const { schema, value } = operand(record, this.side);
    // Connect passes tombstones through untouched: there is nothing to insert into.
    if (value === null || value === undefined) return record;
    if (schema === null) {
      const map = requireMap(value, 'field insertion');
      const updated: Record<string, unknown> = { ...map };
      for (const { kind, spec } of this.specs) updated[spec.name] = this.valueOf(kind, record);
      return withOperand(record, this.side, null, updated);
    }
    const source = requireStruct(schema, value, 'field insertion');
    const updatedSchema = this.schemas.get(schema, (s) => struct([
      ...(s.fields ?? []).map((f) => ({ name: f.name, schema: f.schema })),
      ...this.specs.map(({ kind, spec }) => ({ name: spec.name, schema: SCHEMAS[kind](spec.optional) })),
    ], s.optional, s));
    const updated: Record<string, unknown> = {};
    for (const field of schema.fields ?? []) updated[field.name] = source[field.name];
    for (const { kind, spec } of this.specs) updated[spec.name] = this.valueOf(kind, record);
    return withOperand(record, this.side, updatedSchema, updated);
  }

  private valueOf(kind: Kind, record: SinkRecord): unknown {
    switch (kind) {
      case 'topic': return record.topic;
      case 'partition': return record.kafkaPartition;
      case 'offset': return record.kafkaOffset;
      case 'timestamp': return record.timestamp === undefined ? null : new Date(record.timestamp);
      case 'static': return this.staticValue;
    }
  }
}

export const insertFieldPlugins = keyValuePlugins('InsertField', INSERT_FIELD_CONFIG, (side) => new InsertField(side));

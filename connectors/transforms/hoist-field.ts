/**
 * Kafka Connect's `HoistField$Key` / `HoistField$Value`: wraps the key or value in a
 * struct (with a schema) or a map (without) under one field name.
 *
 * @example
 * ```properties
 * transforms.wrap.type=org.apache.kafka.connect.transforms.HoistField$Key
 * transforms.wrap.field=id
 * ```
 */

import type { SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { readConfig, stringKey } from './support/config.ts';
import { keyValuePlugins, operand, withOperand, type Side } from './support/key-value.ts';
import { SchemaCache, struct } from './support/schemas.ts';

export const HOIST_FIELD_CONFIG = [
  stringKey('field', { doc: 'Field name for the single field that will be created in the resulting Struct or Map.', nonEmpty: true }),
];

export class HoistField implements Transformation {
  private readonly side: Side;
  private field = '';
  private readonly schemas = new SchemaCache();

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, string>>): void {
    this.field = readConfig(HOIST_FIELD_CONFIG, config).string('field');
  }

  apply(record: SinkRecord): SinkRecord {
    const { schema, value } = operand(record, this.side);
    if (schema === null) return withOperand(record, this.side, null, { [this.field]: value });
    const updatedSchema = this.schemas.get(schema, (s) => struct([{ name: this.field, schema: s }], false));
    return withOperand(record, this.side, updatedSchema, { [this.field]: value });
  }
}

export const hoistFieldPlugins = keyValuePlugins('HoistField', HOIST_FIELD_CONFIG, (side) => new HoistField(side));

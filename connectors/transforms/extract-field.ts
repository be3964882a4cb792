/**
 * Kafka Connect's `ExtractField$Key` / `ExtractField$Value`: replaces the key or value
 * with one field of it (struct or map); the schema becomes that field's schema.
 *
 * @example
 * ```properties
 * transforms.id.type=org.apache.kafka.connect.transforms.ExtractField$Key
 * transforms.id.field=orderId
 * ```
 */

import type { SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { readConfig, stringKey } from './support/config.ts';
import { keyValuePlugins, operand, withOperand, type Side } from './support/key-value.ts';
import { fieldOf, inputInvalid, requireMap, requireStruct } from './support/schemas.ts';

export const EXTRACT_FIELD_CONFIG = [
  stringKey('field', { doc: 'Field name to extract.', importance: 'MEDIUM', nonEmpty: true }),
];

export class ExtractField implements Transformation {
  private readonly side: Side;
  private field = '';

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, string>>): void {
    this.field = readConfig(EXTRACT_FIELD_CONFIG, config).string('field');
  }

  apply(record: SinkRecord): SinkRecord {
    const { schema, value } = operand(record, this.side);
    if (schema === null) {
      if (value === null || value === undefined) return withOperand(record, this.side, null, null);
      const map = requireMap(value, 'field extraction');
      return withOperand(record, this.side, null, map[this.field] ?? null);
    }
    const field = fieldOf(schema, this.field);
    if (field === undefined) inputInvalid(`unknown field: ${this.field}`, { field: this.field });
    if (value === null || value === undefined) return withOperand(record, this.side, field.schema, null);
    const struct = requireStruct(schema, value, 'field extraction');
    return withOperand(record, this.side, field.schema, struct[this.field] ?? null);
  }
}

export const extractFieldPlugins = keyValuePlugins('ExtractField', EXTRACT_FIELD_CONFIG, (side) => new ExtractField(side));

/**
 * Kafka Connect's `Flatten$Key` / `Flatten$Value`: nested structs (or maps) become
 * top-level fields named `parent<delimiter>child`. Arrays and map-typed fields of a
 * struct stay as they are. A field under an optional parent becomes optional, since a
 * null parent leaves it null.
 *
 * @example
 * ```properties
 * transforms.flat.type=org.apache.kafka.connect.transforms.Flatten$Value
 * transforms.flat.delimiter=_
 * ```
 */

import type { ConnectSchema, SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { readConfig, stringKey } from './support/config.ts';
import { keyValuePlugins, operand, withOperand, type Side } from './support/key-value.ts';
import { isPlainObject, requireMap, requireStruct, SchemaCache, struct, withOptional } from './support/schemas.ts';

export const FLATTEN_CONFIG = [
  stringKey('delimiter', { default: '.', doc: 'Delimiter to insert between field names from the input record when generating field names for the output record.' }),
];

export class Flatten implements Transformation {
  private readonly side: Side;
  private delimiter = '.';
  private readonly schemas = new SchemaCache();

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, string>>): void {
    this.delimiter = readConfig(FLATTEN_CONFIG, config).string('delimiter');
  }

  private name(prefix: string, name: string): string {
    return prefix === '' ? name : `${prefix}${this.delimiter}${name}`;
  }

  apply(record: SinkRecord): SinkRecord {
    const { schema, value } = operand(record, this.side);
    if (schema === null) {
      if (value === null || value === undefined) return record;
      const out: Record<string, unknown> = {};
      this.flattenMap(requireMap(value, 'flattening'), '', out);
      return withOperand(record, this.side, null, out);
    }
    const flatSchema = this.schemas.get(schema, (s) => {
      const fields: Array<{ name: string; schema: ConnectSchema }> = [];
      this.flattenSchema(s, '', false, fields);
      return struct(fields, s.optional, s);
    });
    if (value === null || value === undefined) return withOperand(record, this.side, flatSchema, null);
    const out: Record<string, unknown> = {};
    this.flattenStruct(schema, requireStruct(schema, value, 'flattening'), '', out);
    return withOperand(record, this.side, flatSchema, out);
  }

  private flattenMap(map: Record<string, unknown>, prefix: string, out: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(map)) {
      const name = this.name(prefix, key);
      if (isPlainObject(value)) this.flattenMap(value, name, out);
      else if (value instanceof Map) this.flattenMap(Object.fromEntries(value) as Record<string, unknown>, name, out);
      else out[name] = value ?? null;
    }
  }

  private flattenSchema(schema: ConnectSchema, prefix: string, parentOptional: boolean, out: Array<{ name: string; schema: ConnectSchema }>): void {
    for (const field of schema.fields ?? []) {
      const name = this.name(prefix, field.name);
      const optional = parentOptional || field.schema.optional;
      if (field.schema.type === 'struct') this.flattenSchema(field.schema, name, optional, out);
      else out.push({ name, schema: withOptional(field.schema, optional) });
    }
  }

  private flattenStruct(schema: ConnectSchema, value: Record<string, unknown> | null, prefix: string, out: Record<string, unknown>): void {
    for (const field of schema.fields ?? []) {
      const name = this.name(prefix, field.name);
      const fieldValue = value === null ? null : value[field.name] ?? null;
      if (field.schema.type === 'struct') this.flattenStruct(field.schema, fieldValue as Record<string, unknown> | null, name, out);
      else out[name] = fieldValue;
    }
  }
}

export const flattenPlugins = keyValuePlugins('Flatten', FLATTEN_CONFIG, (side) => new Flatten(side));

/**
 * Kafka Connect's `HeaderFrom$Key` / `HeaderFrom$Value`: copies (`operation=copy`) or
 * moves (`move`: the fields leave the key/value) the listed fields into headers, the
 * i-th field to the i-th header name.
 *
 * @example
 * ```properties
 * transforms.h.type=org.apache.kafka.connect.transforms.HeaderFrom$Value
 * transforms.h.fields=id,source
 * transforms.h.headers=record-id,record-source
 * transforms.h.operation=copy
 * ```
 */

import type { ConnectSchema, SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { KstError } from '../../common/errors.ts';
import { booleanKey, enumKey, listKey, readConfig } from './support/config.ts';
import { keyValuePlugins, operand, withOperand, type Side } from './support/key-value.ts';
import { fieldOf, requireMap, requireStruct, SchemaCache, struct } from './support/schemas.ts';

export const HEADER_FROM_CONFIG = [
  listKey('fields', { doc: 'Field names in the record whose values are to be copied or moved to headers.', importance: 'HIGH' }),
  listKey('headers', { doc: 'Header names, in the same order as the field names listed in the fields configuration property.', importance: 'HIGH' }),
  enumKey('operation', ['move', 'copy'], { doc: 'Either move if the fields are to be moved to the headers (removed from the key/value), or copy if the fields are to be copied to the headers (retained in the key/value).', importance: 'HIGH' }),
  booleanKey('replace.null.with.default', { default: true, doc: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.' }),
];

export class HeaderFrom implements Transformation {
  private readonly side: Side;
  private fields: string[] = [];
  private headers: string[] = [];
  private move = false;
  private replaceNullWithDefault = true;
  private readonly schemas = new SchemaCache();

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, string>>): void {
    const values = readConfig(HEADER_FROM_CONFIG, config);
    this.fields = values.list('fields');
    this.headers = values.list('headers');
    if (this.fields.length === 0) throw new KstError('KST_CONFIG_INVALID', 'config "fields" must not be empty', { key: 'fields' });
    if (this.headers.length !== this.fields.length) throw new KstError('KST_CONFIG_INVALID', '\'fields\' config must have the same number of elements as \'headers\' config.', { key: 'headers' });
    this.move = values.string('operation') === 'move';
    this.replaceNullWithDefault = values.boolean('replace.null.with.default');
  }

  apply(record: SinkRecord): SinkRecord {
    const { schema, value } = operand(record, this.side);
    const purpose = `header ${this.move ? 'move' : 'copy'}`;
    const headers = [...record.headers];
    if (schema === null) {
      const map = requireMap(value, purpose);
      const updated = { ...map };
      this.fields.forEach((field, i) => {
        if (this.move) delete updated[field];
        headers.push({ key: this.headers[i] as string, value: map[field] ?? null, schema: null });
      });
      return { ...withOperand(record, this.side, null, updated), headers };
    }
    const data = requireStruct(schema, value, purpose);
    this.fields.forEach((name, i) => {
      const field = fieldOf(schema, name);
      const raw = data[name] ?? null;
      const fieldValue = raw === null && this.replaceNullWithDefault && field?.schema.defaultValue !== undefined ? field.schema.defaultValue : raw;
      headers.push({ key: this.headers[i] as string, value: fieldValue, schema: field?.schema ?? null });
    });
    if (!this.move) return { ...record, headers };
    const moved: ConnectSchema = this.schemas.get(schema, (s) => struct((s.fields ?? []).filter((f) => !this.fields.includes(f.name)).map((f) => ({ name: f.name, schema: f.schema })), s.optional, s));
    const updated: Record<string, unknown> = {};
    for (const field of moved.fields ?? []) updated[field.name] = data[field.name];
    return { ...withOperand(record, this.side, moved, updated), headers };
  }
}

export const headerFromPlugins = keyValuePlugins('HeaderFrom', HEADER_FROM_CONFIG, (side) => new HeaderFrom(side));

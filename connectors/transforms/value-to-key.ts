/**
 * Kafka Connect's `ValueToKey`: replaces the key with a struct (or map) of the listed
 * fields of the value, e.g. to key a stream by an id before a keyed sink.
 *
 * @example
 * ```properties
 * transforms.key.type=org.apache.kafka.connect.transforms.ValueToKey
 * transforms.key.fields=orderId
 * ```
 */

import type { ConnectSchema, SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { listKey, readConfig } from './support/config.ts';
import { transformPlugin } from './support/key-value.ts';
import { fieldOf, inputInvalid, requireMap, requireStruct, SchemaCache, struct } from './support/schemas.ts';
import { KstError } from '../../common/errors.ts';

export const VALUE_TO_KEY_CONFIG = [
  listKey('fields', { doc: 'Field names on the record value to extract as the record key.', importance: 'HIGH' }),
];

export class ValueToKey implements Transformation {
  private fields: string[] = [];
  private readonly schemas = new SchemaCache();

  configure(config: Readonly<Record<string, string>>): void {
    this.fields = readConfig(VALUE_TO_KEY_CONFIG, config).list('fields');
    if (this.fields.length === 0) throw new KstError('KST_CONFIG_INVALID', 'config "fields" must name at least one field', { key: 'fields' });
  }

  apply(record: SinkRecord): SinkRecord {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, 'copying fields from value to key');
      const key: Record<string, unknown> = {};
      for (const field of this.fields) key[field] = value[field];
      return { ...record, keySchema: null, key };
    }
    const value = requireStruct(record.valueSchema, record.value, 'copying fields from value to key');
    const keySchema = this.schemas.get(record.valueSchema, (s) => struct(this.fields.map((name) => ({ name, schema: this.fieldSchema(s, name) })), false));
    const key: Record<string, unknown> = {};
    for (const field of this.fields) key[field] = value[field];
    return { ...record, keySchema, key };
  }

  private fieldSchema(schema: ConnectSchema, name: string): ConnectSchema {
    const field = fieldOf(schema, name);
    if (field === undefined) inputInvalid(`field does not exist: ${name}`, { field: name });
    return field.schema;
  }
}

export const valueToKeyPlugin = transformPlugin('ValueToKey', VALUE_TO_KEY_CONFIG, () => new ValueToKey());

/**
 * Kafka Connect's `SetSchemaMetadata$Key` / `$Value`: sets the name, the version or both
 * of the key's or value's schema; the data stays as it is. Schemaless data with no value
 * passes unchanged; other schemaless data is refused, as in Connect.
 *
 * @example
 * ```properties
 * transforms.name.type=org.apache.kafka.connect.transforms.SetSchemaMetadata$Value
 * transforms.name.schema.name=com.example.Order
 * transforms.name.schema.version=2
 * ```
 */

import type { ConnectSchema, SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { KstError } from '../../common/errors.ts';
import { booleanKey, intKey, readConfig, stringKey } from './support/config.ts';
import { keyValuePlugins, operand, withOperand, type Side } from './support/key-value.ts';
import { inputInvalid } from './support/schemas.ts';

export const SET_SCHEMA_METADATA_CONFIG = [
  stringKey('schema.name', { default: null, doc: 'Schema name to set.', importance: 'HIGH' }),
  { ...intKey('schema.version', { doc: 'Schema version to set.', importance: 'HIGH' }), defaultValue: null },
  booleanKey('replace.null.with.default', { default: true, doc: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.' }),
];

export class SetSchemaMetadata implements Transformation {
  private readonly side: Side;
  private name: string | null = null;
  private version: number | null = null;

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, string>>): void {
    const values = readConfig(SET_SCHEMA_METADATA_CONFIG, config);
    this.name = values.optionalString('schema.name');
    const version = values.optionalString('schema.version');
    this.version = version === null ? null : Number(version);
    if (this.name === null && this.version === null) throw new KstError('KST_CONFIG_INVALID', 'Neither schema name nor version configured', { key: 'schema.name' });
  }

  apply(record: SinkRecord): SinkRecord {
    const { schema, value } = operand(record, this.side);
    if (schema === null && value === null) return record;
    if (schema === null) return inputInvalid('Schema required for [updating schema metadata]');
    const updated: ConnectSchema = { ...schema, ...(this.name === null ? {} : { name: this.name }), ...(this.version === null ? {} : { version: this.version }) };
    return withOperand(record, this.side, updated, value);
  }
}

export const setSchemaMetadataPlugins = keyValuePlugins('SetSchemaMetadata', SET_SCHEMA_METADATA_CONFIG, (side) => new SetSchemaMetadata(side));

/**
 * Kafka Connect's `ReplaceField$Key` / `ReplaceField$Value`: keeps only `include`d
 * fields, drops `exclude`d ones and renames with `renames` (`old:new` pairs), on structs
 * (the schema follows) and on maps. `whitelist` / `blacklist` are the old names.
 *
 * @example
 * ```properties
 * transforms.tidy.type=org.apache.kafka.connect.transforms.ReplaceField$Value
 * transforms.tidy.exclude=internal_notes
 * transforms.tidy.renames=cust_id:customer_id,amt:amount
 * ```
 */

import type { SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { listKey, readConfig } from './support/config.ts';
import { keyValuePlugins, operand, withOperand, type Side } from './support/key-value.ts';
import { requireMap, requireStruct, SchemaCache, struct } from './support/schemas.ts';
import { KstError } from '../../common/errors.ts';

export const REPLACE_FIELD_CONFIG = [
  listKey('exclude', { default: '', doc: 'Fields to exclude. This takes precedence over the fields to include.' }),
  listKey('include', { default: '', doc: 'Fields to include. If specified, only these fields will be used.' }),
  listKey('renames', { default: '', doc: 'Field rename mappings, as comma-separated old:new pairs.' }),
  listKey('blacklist', { default: null, doc: 'Deprecated. Use exclude instead.', importance: 'LOW' }),
  listKey('whitelist', { default: null, doc: 'Deprecated. Use include instead.', importance: 'LOW' }),
];

export class ReplaceField implements Transformation {
  private readonly side: Side;
  private exclude = new Set<string>();
  private include = new Set<string>();
  private renames = new Map<string, string>();
  private readonly schemas = new SchemaCache();

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, string>>): void {
    const values = readConfig(REPLACE_FIELD_CONFIG, config);
    this.exclude = new Set([...values.list('exclude'), ...values.list('blacklist')]);
    this.include = new Set([...values.list('include'), ...values.list('whitelist')]);
    this.renames = new Map(values.list('renames').map((pair) => {
      const parts = pair.split(':');
      if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
        throw new KstError('KST_CONFIG_INVALID', `config "renames" must be a list of old:new pairs (got ${JSON.stringify(pair)})`, { key: 'renames', value: pair });
      }
      return [parts[0] as string, parts[1] as string];
    }));
  }

  /** Connect's `filter`: excluded fields go; when `include` is set, only those stay. */
  private keeps(name: string): boolean {
    return !this.exclude.has(name) && (this.include.size === 0 || this.include.has(name));
  }

  private renamed(name: string): string {
    return this.renames.get(name) ?? name;
  }

  apply(record: SinkRecord): SinkRecord {
    const { schema, value } = operand(record, this.side);
    if (schema === null) {
      if (value === null || value === undefined) return record;
      const map = requireMap(value, 'field replacement');
      const updated: Record<string, unknown> = {};
      for (const [name, fieldValue] of Object.entries(map)) if (this.keeps(name)) updated[this.renamed(name)] = fieldValue;
      return withOperand(record, this.side, null, updated);
    }
    const updatedSchema = this.schemas.get(schema, (s) => struct(
      (s.fields ?? []).filter((f) => this.keeps(f.name)).map((f) => ({ name: this.renamed(f.name), schema: f.schema })),
      s.optional,
      s,
    ));
    // A null struct of an optional schema stays null; only the schema changes.
    if (value === null || value === undefined) return withOperand(record, this.side, updatedSchema, null);
    const source = requireStruct(schema, value, 'field replacement');
    const updated: Record<string, unknown> = {};
    for (const field of schema.fields ?? []) if (this.keeps(field.name)) updated[this.renamed(field.name)] = source[field.name];
    return withOperand(record, this.side, updatedSchema, updated);
  }
}

export const replaceFieldPlugins = keyValuePlugins('ReplaceField', REPLACE_FIELD_CONFIG, (side) => new ReplaceField(side));

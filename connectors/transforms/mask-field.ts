/**
 * Kafka Connect's `MaskField$Key` / `MaskField$Value`: replaces the listed fields with
 * the empty value of their type (0, false, "", empty array or map, epoch for dates), or
 * with `replacement` converted to the field's type. The schema does not change.
 *
 * @example
 * ```properties
 * transforms.pii.type=org.apache.kafka.connect.transforms.MaskField$Value
 * transforms.pii.fields=email,cardNumber
 * transforms.pii.replacement=****
 * ```
 */

import type { ConnectSchema, SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { listKey, readConfig, stringKey } from './support/config.ts';
import { keyValuePlugins, operand, withOperand, type Side } from './support/key-value.ts';
import { fieldOf, inputInvalid, isPlainObject, requireMap, requireStruct } from './support/schemas.ts';
import { KstError } from '../../common/errors.ts';

export const MASK_FIELD_CONFIG = [
  listKey('fields', { doc: 'Names of fields to mask.', importance: 'HIGH' }),
  stringKey('replacement', { default: null, doc: 'Custom value replacement, applied to all masked fields (numeric, string, boolean or date fields).', importance: 'LOW' }),
];

export class MaskField implements Transformation {
  private readonly side: Side;
  private fields = new Set<string>();
  private replacement: string | null = null;

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, string>>): void {
    const values = readConfig(MASK_FIELD_CONFIG, config);
    this.fields = new Set(values.list('fields'));
    if (this.fields.size === 0) throw new KstError('KST_CONFIG_INVALID', 'config "fields" must name at least one field', { key: 'fields' });
    this.replacement = values.optionalString('replacement');
  }

  apply(record: SinkRecord): SinkRecord {
    const { schema, value } = operand(record, this.side);
    if (value === null || value === undefined) return record;
    const source = schema === null ? requireMap(value, 'masking') : requireStruct(schema, value, 'masking');
    const updated: Record<string, unknown> = { ...source };
    for (const name of this.fields) {
      if (schema !== null && fieldOf(schema, name) === undefined) continue;
      if (schema === null && !(name in source)) continue;
      updated[name] = this.masked(source[name], schema === null ? undefined : fieldOf(schema, name)?.schema);
    }
    return withOperand(record, this.side, schema, updated);
  }

  private masked(value: unknown, schema: ConnectSchema | undefined): unknown {
    if (value === null || value === undefined) return null;
    if (this.replacement !== null) return this.replaced(value);
    if (typeof value === 'string') return '';
    if (typeof value === 'number') return 0;
    if (typeof value === 'bigint') return 0n;
    if (typeof value === 'boolean') return false;
    if (value instanceof Date) return new Date(0);
    if (Buffer.isBuffer(value)) return Buffer.alloc(0);
    if (Array.isArray(value)) return [];
    if (value instanceof Map) return new Map();
    if (isPlainObject(value) && schema?.type !== 'struct') return {};
    return inputInvalid(`cannot mask value of type ${schema?.type ?? typeof value}`);
  }

  private replaced(value: unknown): unknown {
    const replacement = this.replacement as string;
    if (typeof value === 'string') return replacement;
    if (typeof value === 'number') {
      const n = Number(replacement);
      if (Number.isNaN(n)) inputInvalid(`unable to convert ${JSON.stringify(replacement)} to a number`);
      return n;
    }
    if (typeof value === 'bigint') return BigInt(replacement);
    if (typeof value === 'boolean') return replacement.toLowerCase() === 'true';
    if (value instanceof Date) {
      const date = new Date(replacement);
      if (Number.isNaN(date.getTime())) inputInvalid(`unable to convert ${JSON.stringify(replacement)} to a date`);
      return date;
    }
    return inputInvalid('cannot mask value of a complex type with a replacement; only primitives can be replaced');
  }
}

export const maskFieldPlugins = keyValuePlugins('MaskField', MASK_FIELD_CONFIG, (side) => new MaskField(side));

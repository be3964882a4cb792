/**
 * Kafka Connect's `Cast$Key` / `Cast$Value`: casts fields (`spec=field:type,…`) or the
 * whole primitive key/value (`spec=type`) to int8…int64, float32/float64, boolean or
 * string, updating the schema. Integer casts truncate and wrap as Java's do.
 *
 * @example
 * ```properties
 * transforms.types.type=org.apache.kafka.connect.transforms.Cast$Value
 * transforms.types.spec=quantity:int32,price:float64,active:boolean
 * ```
 */

import type { ConnectSchema, ConnectSchemaType, SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { listKey, readConfig } from './support/config.ts';
import { keyValuePlugins, operand, withOperand, type Side } from './support/key-value.ts';
import { inputInvalid, primitive, requireMap, requireStruct, SchemaCache, struct } from './support/schemas.ts';
import { KstError } from '../../common/errors.ts';

export const CAST_CONFIG = [
  listKey('spec', { doc: 'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value.', importance: 'HIGH' }),
];

const TARGETS = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'] as const;
type Target = typeof TARGETS[number];

const isTarget = (type: string): type is Target => (TARGETS as readonly string[]).includes(type);
const WHOLE = '';

export class Cast implements Transformation {
  private readonly side: Side;
  private casts = new Map<string, Target>();
  private readonly schemas = new SchemaCache();

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, string>>): void {
    const spec = readConfig(CAST_CONFIG, config).list('spec');
    const bad = (item: string): never => {
      throw new KstError('KST_CONFIG_INVALID', `config "spec" must be field:type pairs or one type out of ${TARGETS.join(', ')} (got ${JSON.stringify(item)})`, { key: 'spec', value: item });
    };
    if (spec.length === 0) bad('');
    this.casts = new Map(spec.map((item): [string, Target] => {
      const parts = item.split(':');
      if (parts.length === 1 && isTarget(item)) return [WHOLE, item];
      if (parts.length !== 2 || parts[0] === '' || !isTarget(parts[1] as string)) return bad(item);
      return [parts[0] as string, parts[1] as Target];
    }));
    if (this.casts.has(WHOLE) && this.casts.size > 1) bad(spec.join(','));
  }

  apply(record: SinkRecord): SinkRecord {
    const { schema, value } = operand(record, this.side);
    const whole = this.casts.get(WHOLE);
    if (whole !== undefined) {
      const castSchema = schema === null ? null : primitive(whole, schema.optional);
      return withOperand(record, this.side, castSchema, value === null || value === undefined ? null : castValue(value, whole));
    }
    if (value === null || value === undefined) return record;
    if (schema === null) {
      const updated: Record<string, unknown> = { ...requireMap(value, 'cast') };
      for (const [field, target] of this.casts) if (field in updated) updated[field] = castValue(updated[field], target);
      return withOperand(record, this.side, null, updated);
    }
    const source = requireStruct(schema, value, 'cast');
    const castSchema = this.schemas.get(schema, (s) => struct((s.fields ?? []).map((f) => {
      const target = this.casts.get(f.name);
      return { name: f.name, schema: target === undefined ? f.schema : castFieldSchema(f.schema, target) };
    }), s.optional, s));
    const updated: Record<string, unknown> = { ...source };
    for (const [field, target] of this.casts) if (field in updated) updated[field] = castValue(updated[field], target);
    return withOperand(record, this.side, castSchema, updated);
  }
}

function castFieldSchema(schema: ConnectSchema, target: ConnectSchemaType): ConnectSchema {
  if (['array', 'map', 'struct'].includes(schema.type) && target !== 'string') inputInvalid(`cannot cast a field of type ${schema.type} to ${target}`);
  return primitive(target, schema.optional);
}

const INT_BITS: Partial<Record<Target, number>> = { int8: 8, int16: 16, int32: 32 };

/** Casts one value as Connect's `Cast.castValueToType` does. */
export function castValue(value: unknown, target: Target): unknown {
  if (value === null || value === undefined) return null;
  if (target === 'string') {
    if (value instanceof Date) return value.toISOString();
    if (Buffer.isBuffer(value)) return value.toString('base64');
    if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    return String(value);
  }
  if (target === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number' || typeof value === 'bigint') return value !== 0 && value !== 0n;
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
    return inputInvalid(`unable to cast ${JSON.stringify(String(value))} to boolean`);
  }
  const number = toNumber(value, target);
  if (target === 'float32') return Math.fround(number);
  if (target === 'float64') return number;
  const truncated = Math.trunc(number);
  const bits = INT_BITS[target];
  if (bits !== undefined) return Number(BigInt.asIntN(bits, BigInt(truncated)));
  const wide = typeof value === 'bigint' ? value : BigInt(truncated);
  const int64 = BigInt.asIntN(64, wide);
  return Number.isSafeInteger(Number(int64)) ? Number(int64) : int64;
}

function toNumber(value: unknown, target: Target): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    if (!Number.isNaN(n)) return n;
  }
  return inputInvalid(`unable to cast ${JSON.stringify(String(value))} to ${target}`);
}

export const castPlugins = keyValuePlugins('Cast', CAST_CONFIG, (side) => new Cast(side));

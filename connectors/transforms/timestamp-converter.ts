/**
 * Kafka Connect's `TimestampConverter$Key` / `TimestampConverter$Value`: converts a
 * timestamp field (or the whole key/value when `field` is empty) between a formatted
 * `string`, a `unix` number (in `unix.precision`), and Connect's `Date`, `Time` and
 * `Timestamp` logical types (JavaScript `Date`s here), updating the schema.
 *
 * @example
 * ```properties
 * transforms.ts.type=org.apache.kafka.connect.transforms.TimestampConverter$Value
 * transforms.ts.field=createdAt
 * transforms.ts.target.type=string
 * transforms.ts.format=yyyy-MM-dd'T'HH:mm:ss.SSSXXX
 * ```
 */

import type { ConnectSchema, SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { enumKey, readConfig, stringKey } from './support/config.ts';
import { compileDateFormat, type DateFormat } from './support/date-format.ts';
import { keyValuePlugins, operand, withOperand, type Side } from './support/key-value.ts';
import { inputInvalid, LOGICAL_DATE, LOGICAL_TIME, LOGICAL_TIMESTAMP, primitive, requireMap, requireStruct, SchemaCache, struct } from './support/schemas.ts';
import { KstError } from '../../common/errors.ts';

const TYPES = ['string', 'unix', 'Date', 'Time', 'Timestamp'] as const;
type TimestampType = typeof TYPES[number];
const PRECISIONS = ['seconds', 'milliseconds', 'microseconds', 'nanoseconds'] as const;
const MS_PER_UNIT: Record<string, number> = { seconds: 1000, milliseconds: 1, microseconds: 1e-3, nanoseconds: 1e-6 };
const DAY_MS = 86_400_000;

export const TIMESTAMP_CONVERTER_CONFIG = [
  stringKey('field', { default: '', doc: 'The field containing the timestamp, or empty if the entire value is a timestamp.', importance: 'HIGH' }),
  enumKey('target.type', TYPES, { doc: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp.', importance: 'HIGH' }),
  stringKey('format', { default: '', doc: 'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.' }),
  enumKey('unix.precision', PRECISIONS, { default: 'milliseconds', doc: 'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds.', importance: 'LOW' }),
];

const SCHEMAS: Record<TimestampType, (optional: boolean) => ConnectSchema> = {
  string: (optional) => primitive('string', optional),
  unix: (optional) => primitive('int64', optional),
  Date: (optional) => primitive('int32', optional, LOGICAL_DATE),
  Time: (optional) => primitive('int32', optional, LOGICAL_TIME),
  Timestamp: (optional) => primitive('int64', optional, LOGICAL_TIMESTAMP),
};

export class TimestampConverter implements Transformation {
  private readonly side: Side;
  private field = '';
  private target: TimestampType = 'Timestamp';
  private format: DateFormat | null = null;
  private unitMs = 1;
  private readonly schemas = new SchemaCache();

  constructor(side: Side) {
    this.side = side;
  }

  configure(config: Readonly<Record<string, string>>): void {
    const values = readConfig(TIMESTAMP_CONVERTER_CONFIG, config);
    this.field = values.string('field');
    this.target = values.string('target.type') as TimestampType;
    const pattern = values.string('format');
    if (this.target === 'string' && pattern === '') throw new KstError('KST_CONFIG_INVALID', 'config "format" is required when target.type is string', { key: 'format' });
    this.format = pattern === '' ? null : compileDateFormat(pattern);
    this.unitMs = MS_PER_UNIT[values.string('unix.precision')] ?? 1;
  }

  apply(record: SinkRecord): SinkRecord {
    const { schema, value } = operand(record, this.side);
    if (this.field === '') {
      const converted = value === null || value === undefined ? null : this.convert(value, schema);
      return withOperand(record, this.side, schema === null ? null : SCHEMAS[this.target](schema.optional), converted);
    }
    if (value === null || value === undefined) return record;
    if (schema === null) {
      const updated = { ...requireMap(value, 'converting timestamp formats') };
      const fieldValue = updated[this.field];
      updated[this.field] = fieldValue === null || fieldValue === undefined ? null : this.convert(fieldValue, null);
      return withOperand(record, this.side, null, updated);
    }
    const source = requireStruct(schema, value, 'converting timestamp formats');
    const fieldSchema = schema.fields?.find((f) => f.name === this.field)?.schema;
    if (fieldSchema === undefined) inputInvalid(`unknown field: ${this.field}`, { field: this.field });
    const updatedSchema = this.schemas.get(schema, (s) => struct((s.fields ?? []).map((f) => ({
      name: f.name,
      schema: f.name === this.field ? SCHEMAS[this.target](f.schema.optional) : f.schema,
    })), s.optional, s));
    const fieldValue = source[this.field];
    const updated = { ...source, [this.field]: fieldValue === null || fieldValue === undefined ? null : this.convert(fieldValue, fieldSchema) };
    return withOperand(record, this.side, updatedSchema, updated);
  }

  private convert(value: unknown, schema: ConnectSchema | null): unknown {
    return this.fromDate(this.toDate(value, schema));
  }

  /** Every representation goes through a `Date`, as Connect's goes through `java.util.Date`. */
  private toDate(value: unknown, schema: ConnectSchema | null): Date {
    if (value instanceof Date) return value;
    if (typeof value === 'string') {
      if (this.format === null) inputInvalid('a string timestamp needs "format" to be parsed');
      return this.format.parse(value);
    }
    if (typeof value === 'number' || typeof value === 'bigint') {
      const n = Number(value);
      // Date and Time logical values are days and millis-of-day in their int32 encoding.
      if (schema?.name === LOGICAL_DATE) return new Date(n * DAY_MS);
      if (schema?.name === LOGICAL_TIME || schema?.name === LOGICAL_TIMESTAMP) return new Date(n);
      return new Date(Math.trunc(n * this.unitMs));
    }
    return inputInvalid(`timestamp of unsupported type ${typeof value}`);
  }

  private fromDate(date: Date): unknown {
    const ms = date.getTime();
    switch (this.target) {
      case 'string': return (this.format as DateFormat).format(date);
      case 'unix': return Math.trunc(ms / this.unitMs);
      case 'Date': return new Date(Math.floor(ms / DAY_MS) * DAY_MS);
      case 'Time': return new Date(((ms % DAY_MS) + DAY_MS) % DAY_MS);
      case 'Timestamp': return date;
    }
  }
}

export const timestampConverterPlugins = keyValuePlugins('TimestampConverter', TIMESTAMP_CONVERTER_CONFIG, (side) => new TimestampConverter(side));

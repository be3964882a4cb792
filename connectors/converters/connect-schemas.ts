/**
 * Connect's predefined schemas and logical type names, shared by the converters. Logical
 * types keep Connect's names (`org.apache.kafka.connect.data.Decimal`...) because sinks and
 * transforms written for Connect recognise them by name.
 */

import type { ConnectSchema, ConnectSchemaType } from '../api/connect-record.ts';

export const LOGICAL_DECIMAL = 'org.apache.kafka.connect.data.Decimal';
export const LOGICAL_DATE = 'org.apache.kafka.connect.data.Date';
export const LOGICAL_TIME = 'org.apache.kafka.connect.data.Time';
export const LOGICAL_TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp';

/** A primitive schema, as Connect's `Schema.INT32_SCHEMA` / `Schema.OPTIONAL_STRING_SCHEMA`... */
export function primitive(type: ConnectSchemaType, optional = false): ConnectSchema {
  return Object.freeze({ type, optional });
}

export const OPTIONAL_STRING_SCHEMA = primitive('string', true);
export const OPTIONAL_BYTES_SCHEMA = primitive('bytes', true);

/** Removes undefined properties, so optional schema parts stay absent under exactOptionalPropertyTypes. */
export function compact<T extends object>(value: { readonly [K in keyof T]?: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return Object.freeze(out) as T;
}

const DAY_MS = 86_400_000;

/**
 * Date, Time and Timestamp values as `Date` objects (what Connect's Java types are and what
 * the transforms test for); other numbers pass through.
 */
export function fromLogical(schema: ConnectSchema, value: number): unknown {
  switch (schema.name) {
    case LOGICAL_DATE: return new Date(value * DAY_MS);
    case LOGICAL_TIME: case LOGICAL_TIMESTAMP: return new Date(value);
    default: return value;
  }
}

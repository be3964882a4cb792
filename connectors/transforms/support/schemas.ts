/**
 * Small helpers over Connect schemas for the transforms: building structs, copying a
 * schema with another optionality, the logical types' names, and the checks Connect's
 * `Requirements` makes (a struct where a struct is needed, a map where a map is).
 */

import type { ConnectField, ConnectSchema, ConnectSchemaType } from '../../api/connect-record.ts';
import { KstError } from '../../../common/errors.ts';

export const LOGICAL_TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp';
export const LOGICAL_DATE = 'org.apache.kafka.connect.data.Date';
export const LOGICAL_TIME = 'org.apache.kafka.connect.data.Time';
export const LOGICAL_DECIMAL = 'org.apache.kafka.connect.data.Decimal';

export function primitive(type: ConnectSchemaType, optional = false, name?: string): ConnectSchema {
  return Object.freeze({ type, optional, ...(name === undefined ? {} : { name }) });
}

/** A struct schema; fields are numbered in order. Keeps name/version/doc of `like`. */
export function struct(fields: ReadonlyArray<{ readonly name: string; readonly schema: ConnectSchema }>, optional: boolean, like?: ConnectSchema): ConnectSchema {
  const numbered: ConnectField[] = fields.map((field, index) => Object.freeze({ name: field.name, index, schema: field.schema }));
  return Object.freeze({
    type: 'struct',
    optional,
    fields: Object.freeze(numbered),
    ...(like?.name === undefined ? {} : { name: like.name }),
    ...(like?.version === undefined ? {} : { version: like.version }),
    ...(like?.doc === undefined ? {} : { doc: like.doc }),
  });
}

export function withOptional(schema: ConnectSchema, optional: boolean): ConnectSchema {
  return schema.optional === optional ? schema : Object.freeze({ ...schema, optional });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Date) && !(value instanceof Map);
}

export function inputInvalid(message: string, details: Record<string, unknown> = {}): never {
  throw new KstError('KST_TRANSFORM_INPUT_INVALID', message, details);
}

/** Connect's `requireMap`: schemaless data must be a map (here, a plain object). */
export function requireMap(value: unknown, purpose: string): Record<string, unknown> {
  if (value instanceof Map) return Object.fromEntries(value) as Record<string, unknown>;
  if (!isPlainObject(value)) inputInvalid(`only Map objects supported in absence of schema for [${purpose}], found: ${describe(value)}`);
  return value;
}

/** Connect's `requireStruct`: data with a schema must be a struct. */
export function requireStruct(schema: ConnectSchema, value: unknown, purpose: string): Record<string, unknown> {
  if (schema.type !== 'struct' || !isPlainObject(value)) inputInvalid(`only Struct objects supported for [${purpose}], found: ${schema.type === 'struct' ? describe(value) : schema.type}`);
  return value;
}

export function requireStructSchema(schema: ConnectSchema, purpose: string): readonly ConnectField[] {
  if (schema.type !== 'struct' || schema.fields === undefined) inputInvalid(`only Struct objects supported for [${purpose}], found: ${schema.type}`);
  return schema.fields;
}

export function fieldOf(schema: ConnectSchema, name: string): ConnectField | undefined {
  return schema.fields?.find((field) => field.name === name);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Buffer.isBuffer(value)) return 'bytes';
  return typeof value;
}

/**
 * Memoises a schema → schema mapping per transform instance, as Connect's
 * `SynchronizedCache` does, so a batch of records with one schema derives it once.
 */
export class SchemaCache {
  private readonly cache = new WeakMap<ConnectSchema, ConnectSchema>();

  get(schema: ConnectSchema, derive: (schema: ConnectSchema) => ConnectSchema): ConnectSchema {
    let derived = this.cache.get(schema);
    if (derived === undefined) {
      derived = derive(schema);
      this.cache.set(schema, derived);
    }
    return derived;
  }
}

/**
 * `org.apache.kafka.connect.json.JsonConverter`: JSON with Connect's schema envelope
 * (`{"schema": ..., "payload": ...}`, `schemas.enable=true`, the default) or plain JSON
 * (`schemas.enable=false`). Envelope schemas use Connect's JSON form (`field` names struct
 * fields, `items`/`keys`/`values` the element schemas), so records written by Connect's
 * own JsonConverter read the same here.
 */

import { KstError } from '../../common/errors.ts';
import type { ConnectField, ConnectSchema, ConnectSchemaType } from '../api/connect-record.ts';
import type { Converter, SchemaAndValue } from '../api/converter.ts';
import { compact, fromLogical, LOGICAL_DECIMAL } from './connect-schemas.ts';

const TYPES: readonly ConnectSchemaType[] = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string', 'bytes', 'array', 'map', 'struct'];
const ENVELOPE_MESSAGE = 'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Reads Connect's JSON schema form into a `ConnectSchema`. */
export function schemaFromJson(json: unknown): ConnectSchema {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('schema must be a JSON object');
  const node = json as Record<string, unknown>;
  const type = node['type'];
  if (typeof type !== 'string' || !TYPES.includes(type as ConnectSchemaType)) throw new Error(`unknown schema type ${JSON.stringify(type)}`);
  const fields = type === 'struct'
    ? (Array.isArray(node['fields']) ? node['fields'] : []).map((f: unknown, index): ConnectField => {
      const fieldNode = f as Record<string, unknown>;
      if (typeof fieldNode['field'] !== 'string') throw new Error('struct field without a "field" name');
      return Object.freeze({ name: fieldNode['field'], index, schema: schemaFromJson(fieldNode) });
    })
    : undefined;
  return compact<ConnectSchema>({
    type: type as ConnectSchemaType,
    optional: node['optional'] === true,
    name: typeof node['name'] === 'string' ? node['name'] : undefined,
    version: typeof node['version'] === 'number' ? node['version'] : undefined,
    doc: typeof node['doc'] === 'string' ? node['doc'] : undefined,
    defaultValue: node['default'],
    parameters: typeof node['parameters'] === 'object' && node['parameters'] !== null ? node['parameters'] as Record<string, string> : undefined,
    fields: fields === undefined ? undefined : Object.freeze(fields),
    valueSchema: type === 'array' ? schemaFromJson(node['items']) : type === 'map' ? schemaFromJson(node['values']) : undefined,
    keySchema: type === 'map' ? schemaFromJson(node['keys']) : undefined,
  });
}

/** Writes a `ConnectSchema` in Connect's JSON form (the inverse of `schemaFromJson`). */
export function schemaToJson(schema: ConnectSchema, field?: string): Record<string, unknown> {
  return compact({
    type: schema.type,
    optional: schema.optional,
    name: schema.name,
    version: schema.version,
    doc: schema.doc,
    default: schema.defaultValue,
    parameters: schema.parameters,
    fields: schema.fields?.map((f) => schemaToJson(f.schema, f.name)),
    items: schema.type === 'array' && schema.valueSchema !== undefined ? schemaToJson(schema.valueSchema) : undefined,
    keys: schema.keySchema === undefined ? undefined : schemaToJson(schema.keySchema),
    values: schema.type === 'map' && schema.valueSchema !== undefined ? schemaToJson(schema.valueSchema) : undefined,
    field,
  });
}

/** Converts a JSON payload to the Connect value its schema describes (bytes from base64, maps from objects or pairs). */
export function valueFromJson(schema: ConnectSchema, value: Json | undefined): unknown {
  if (value === null || value === undefined) {
    if (schema.defaultValue !== undefined) return schema.defaultValue;
    if (schema.optional) return null;
    throw new Error(`invalid null value for required ${schema.type} field`);
  }
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32': case 'int64': case 'float32': case 'float64':
      if (typeof value !== 'number') throw new Error(`expected a number for ${schema.type}, got ${typeof value}`);
      return fromLogical(schema, value);
    case 'boolean':
      if (typeof value !== 'boolean') throw new Error(`expected a boolean, got ${typeof value}`);
      return value;
    case 'string':
      if (typeof value !== 'string') throw new Error(`expected a string, got ${typeof value}`);
      return value;
    case 'bytes':
      if (typeof value === 'number' && schema.name === LOGICAL_DECIMAL) return value;
      if (typeof value !== 'string') throw new Error('expected base64 bytes');
      return Buffer.from(value, 'base64');
    case 'array':
      if (!Array.isArray(value)) throw new Error('expected an array');
      return value.map((item) => valueFromJson(schema.valueSchema as ConnectSchema, item));
    case 'map': {
      const valueSchema = schema.valueSchema as ConnectSchema;
      if (Array.isArray(value)) return new Map(value.map((pair) => {
        const [k, v] = pair as Json[];
        return [valueFromJson(schema.keySchema as ConnectSchema, k), valueFromJson(valueSchema, v)];
      }));
      if (typeof value !== 'object') throw new Error('expected a map object');
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, valueFromJson(valueSchema, v)]));
    }
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a struct object');
      const out: Record<string, unknown> = {};
      for (const f of schema.fields ?? []) out[f.name] = valueFromJson(f.schema, value[f.name]);
      return out;
    }
  }
}

function valueToJson(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), valueToJson(v)]));
  if (Array.isArray(value)) return value.map(valueToJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, valueToJson(v)]));
  return value;
}

/**
 * @example
 * ```ts
 * const converter = new JsonConverter();
 * converter.configure({ 'schemas.enable': 'false' }, false);
 * converter.toConnectData('orders', Buffer.from('{"id":1}')); // { schema: null, value: { id: 1 } }
 * ```
 */
export class JsonConverter implements Converter {
  #schemasEnabled = true;

  configure(config: Readonly<Record<string, string>>): void {
    this.#schemasEnabled = (config['schemas.enable'] ?? 'true').trim().toLowerCase() !== 'false';
  }

  toConnectData(topic: string, bytes: Buffer | null): SchemaAndValue {
    if (bytes === null) return { schema: null, value: null };
    let json: Json;
    try {
      json = JSON.parse(bytes.toString('utf8')) as Json;
    } catch (error) {
      throw new KstError('KST_CONNECT_CONVERSION_FAILED', `Converting byte[] to Kafka Connect data failed due to serialization error of topic ${topic}: ${(error as Error).message}`, { topic }, { cause: error });
    }
    if (!this.#schemasEnabled) return { schema: null, value: json };
    if (typeof json !== 'object' || json === null || Array.isArray(json) || !('schema' in json) || !('payload' in json) || Object.keys(json).length !== 2) {
      throw new KstError('KST_CONNECT_CONVERSION_FAILED', ENVELOPE_MESSAGE, { topic });
    }
    try {
      if (json['schema'] === null) return { schema: null, value: json['payload'] };
      const schema = schemaFromJson(json['schema']);
      return { schema, value: valueFromJson(schema, json['payload']) };
    } catch (error) {
      throw new KstError('KST_CONNECT_CONVERSION_FAILED', `Converting byte[] to Kafka Connect data failed for topic ${topic}: ${(error as Error).message}`, { topic }, { cause: error });
    }
  }

  fromConnectData(_topic: string, schema: ConnectSchema | null, value: unknown): Buffer | null {
    if (value === null && schema === null && !this.#schemasEnabled) return null;
    const payload = valueToJson(value);
    const out = this.#schemasEnabled ? { schema: schema === null ? null : schemaToJson(schema), payload } : payload;
    return Buffer.from(JSON.stringify(out), 'utf8');
  }
}

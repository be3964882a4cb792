/**
 * `io.confluent.connect.avro.AvroConverter`: Avro in the Confluent wire format, writer
 * schemas fetched by id from `schema.registry.url` in `prepare` (once per id, cached by the
 * registry client), then decoded synchronously. Avro types map to Connect schemas as
 * Confluent's `AvroData` maps them: records → structs, enums → strings, `[null, X]` →
 * optional X, other unions → a struct `io.confluent.connect.avro.Union` with one field per
 * branch, logical types → Connect's Decimal/Date/Time/Timestamp.
 */

import type { Type } from 'avsc';
import { isKstError, KstError } from '../../common/errors.ts';
import { RegistryClient } from '../../schemas/registry/registry-client.ts';
import { registryAuthOf } from '../../schemas/registry/registry-auth.ts';
import type { AvroSchemaSource } from '../../schemas/registry/schema-source.ts';
import { peekSchemaId, unframe } from '../../schemas/serdes/confluent-wire.ts';
import type { ConnectField, ConnectSchema } from '../api/connect-record.ts';
import type { Converter, SchemaAndValue } from '../api/converter.ts';
import { compact, fromLogical, LOGICAL_DATE, LOGICAL_DECIMAL, LOGICAL_TIME, LOGICAL_TIMESTAMP, primitive } from './connect-schemas.ts';

type AvroJson = string | AvroJson[] | { readonly type: AvroJson; readonly [key: string]: unknown };
interface Reader { readonly type: Type; readonly schema: ConnectSchema; readonly avro: AvroJson }

const PRIMITIVES: Readonly<Record<string, ConnectSchema['type']>> = { boolean: 'boolean', int: 'int32', long: 'int64', float: 'float32', double: 'float64', bytes: 'bytes', string: 'string' };
const LOGICAL: Readonly<Record<string, string>> = { decimal: LOGICAL_DECIMAL, date: LOGICAL_DATE, 'time-millis': LOGICAL_TIME, 'timestamp-millis': LOGICAL_TIMESTAMP };

/**
 * The schema with every reference to a named type (a record, enum or fixed defined earlier
 * in the schema, e.g. an enum used by two fields) replaced by its definition, so the
 * mapping below sees each type where it is used. Names resolve as Avro resolves them:
 * full names, or short names in the enclosing namespace. A recursive type cannot be
 * inlined and is refused.
 */
export function resolveNamedTypes(avro: AvroJson): AvroJson {
  const named = new Map<string, AvroJson>();
  const expanding = new Set<string>();
  const walk = (node: AvroJson, namespace: string | undefined): AvroJson => {
    if (typeof node === 'string') {
      if (PRIMITIVES[node] !== undefined || node === 'null') return node;
      const full = node.includes('.') || namespace === undefined ? node : `${namespace}.${node}`;
      if (expanding.has(full) || expanding.has(node)) throw new Error(`recursive Avro type ${node} cannot be mapped to a Connect schema`);
      return named.get(full) ?? named.get(node) ?? node;
    }
    if (Array.isArray(node)) return node.map((branch) => walk(branch, namespace));
    const type = node.type;
    if (type === 'record' || type === 'enum' || type === 'fixed') {
      const full = fullName(node.namespace === undefined && namespace !== undefined && !String(node['name']).includes('.') ? { ...node, namespace } : node);
      const inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;
      if (type !== 'record') {
        named.set(full, node);
        return node;
      }
      expanding.add(full);
      const fields = (node['fields'] as Array<{ name: string; type: AvroJson }>).map((field) => ({ ...field, type: walk(field.type, inner) }));
      expanding.delete(full);
      const resolved = { ...node, fields };
      named.set(full, resolved);
      return resolved;
    }
    if (type === 'array') return { ...node, items: walk(node['items'] as AvroJson, namespace) };
    if (type === 'map') return { ...node, values: walk(node['values'] as AvroJson, namespace) };
    return { ...node, type: walk(type, namespace) };
  };
  return walk(avro, undefined);
}

/** Maps an Avro schema (JSON form, named types resolved: `resolveNamedTypes`) to a Connect schema. */
export function connectSchemaOf(avro: AvroJson, optional = false): ConnectSchema {
  if (typeof avro === 'string') {
    const type = PRIMITIVES[avro];
    if (type === undefined) throw new Error(`unsupported Avro type ${avro}`);
    return primitive(type, optional);
  }
  if (Array.isArray(avro)) {
    const branches = avro.filter((b) => b !== 'null');
    const nullable = branches.length < avro.length;
    if (branches.length === 1) return connectSchemaOf(branches[0] as AvroJson, nullable || optional);
    const fields = branches.map((b, index): ConnectField => ({ name: branchName(b), index, schema: connectSchemaOf(b, true) }));
    return compact<ConnectSchema>({ type: 'struct', optional: nullable || optional, name: 'io.confluent.connect.avro.Union', fields });
  }
  const logical = typeof avro['logicalType'] === 'string' ? LOGICAL[avro['logicalType']] : undefined;
  switch (avro.type) {
    case 'record':
      return compact<ConnectSchema>({
        type: 'struct', optional, name: fullName(avro), doc: avro['doc'] as string | undefined,
        fields: (avro['fields'] as Array<{ name: string; type: AvroJson; default?: unknown }>).map((f, index) => ({ name: f.name, index, schema: connectSchemaOf(f.type) })),
      });
    case 'enum':
      return compact<ConnectSchema>({ type: 'string', optional, name: fullName(avro), parameters: { 'io.confluent.connect.avro.Enum': fullName(avro), ...Object.fromEntries((avro['symbols'] as string[]).map((s) => [`io.confluent.connect.avro.Enum.${s}`, s])) } });
    case 'array':
      return { type: 'array', optional, valueSchema: connectSchemaOf(avro['items'] as AvroJson) };
    case 'map':
      return { type: 'map', optional, keySchema: primitive('string'), valueSchema: connectSchemaOf(avro['values'] as AvroJson) };
    case 'fixed':
      return compact<ConnectSchema>({ type: 'bytes', optional, name: logical ?? fullName(avro) });
    default: {
      const base = connectSchemaOf(avro.type, optional);
      if (logical === undefined) return base;
      const scale = avro['scale'];
      return compact<ConnectSchema>({ ...base, name: logical, version: 1, parameters: logical === LOGICAL_DECIMAL ? { scale: String(scale ?? 0) } : undefined });
    }
  }
}

function fullName(avro: { readonly [key: string]: unknown }): string {
  const name = String(avro['name']);
  return typeof avro['namespace'] === 'string' && !name.includes('.') ? `${avro['namespace']}.${name}` : name;
}

function branchName(avro: AvroJson): string {
  if (typeof avro === 'string') return avro;
  if (Array.isArray(avro)) return 'union';
  return typeof avro['name'] === 'string' ? String(avro['name']).split('.').pop() as string : String(avro.type);
}

/** Turns what `avsc` decoded into the Connect value of `schema` (plain objects for structs, Dates for logical dates). */
function toConnectValue(schema: ConnectSchema, avro: AvroJson, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(avro)) {
    const branches = avro.filter((b) => b !== 'null');
    if (branches.length === 1) return toConnectValue(schema, branches[0] as AvroJson, value);
    // avsc unwraps unambiguous unions; a wrapped one is `{ branchName: value }`.
    const fields = schema.fields ?? [];
    const out: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f.name, null]));
    const wrapped = typeof value === 'object' && !Buffer.isBuffer(value) && Object.keys(value as object).length === 1 ? Object.entries(value as object)[0] : undefined;
    if (wrapped !== undefined && fields.some((f) => f.name === wrapped[0].split('.').pop())) out[wrapped[0].split('.').pop() as string] = wrapped[1];
    return out;
  }
  switch (schema.type) {
    case 'struct': {
      const fields = (avro as unknown as { fields: Array<{ name: string; type: AvroJson }> }).fields;
      const record = value as Record<string, unknown>;
      return Object.fromEntries(fields.map((f, i) => [f.name, toConnectValue((schema.fields as readonly ConnectField[])[i]?.schema as ConnectSchema, f.type, record[f.name])]));
    }
    case 'array':
      return (value as unknown[]).map((item) => toConnectValue(schema.valueSchema as ConnectSchema, (avro as unknown as { items: AvroJson }).items, item));
    case 'map':
      return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toConnectValue(schema.valueSchema as ConnectSchema, (avro as unknown as { values: AvroJson }).values, v)]));
    default:
      return typeof value === 'number' ? fromLogical(schema, value) : value;
  }
}

/**
 * @example
 * ```ts
 * const converter = new AvroConverter();
 * await converter.configure({ 'schema.registry.url': 'http://127.0.0.1:8081/apis/ccompat/v7' }, false);
 * await converter.prepare('orders', batch);
 * converter.toConnectData('orders', batch[0]); // { schema: { type: 'struct', ... }, value: { id: 'o1', ... } }
 * ```
 */
export class AvroConverter implements Converter {
  #source: AvroSchemaSource | undefined;
  readonly #readers = new Map<number, Reader>();
  readonly #failures = new Map<number, Error>();

  /** Tests may hand in a registry (e.g. the mock) instead of a URL. */
  constructor(source?: AvroSchemaSource) {
    this.#source = source;
  }

  configure(config: Readonly<Record<string, string>>): void {
    if (this.#source !== undefined) return;
    const url = config['schema.registry.url'];
    if (url === undefined || url.trim() === '') throw new KstError('KST_CONFIG_INVALID', 'Missing required configuration "schema.registry.url" which has no default value.', { key: 'schema.registry.url' });
    // As Confluent's converter: basic.auth.user.info (credentials source USER_INFO), bearer.auth.token, and a PEM CA.
    const source = config['basic.auth.credentials.source'];
    if (source !== undefined && source !== 'USER_INFO') throw new KstError('KST_CONFIG_INVALID', `"basic.auth.credentials.source" ${source} is not supported; use USER_INFO with basic.auth.user.info`, { key: 'basic.auth.credentials.source' });
    const auth = registryAuthOf(config, '');
    const ca = config['schema.registry.ssl.ca.location'];
    this.#source = new RegistryClient({ url: url.split(',')[0]?.trim() as string, auth: { ...auth, ...(ca === undefined || ca === '' ? {} : { caFile: ca }) } });
  }

  async prepare(_topic: string, batch: ReadonlyArray<Buffer | null>): Promise<void> {
    const source = this.#source as AvroSchemaSource;
    const ids = new Set<number>();
    for (const bytes of batch) {
      const id = peekSchemaId(bytes);
      if (id !== undefined && !this.#readers.has(id)) ids.add(id);
    }
    await Promise.all([...ids].map(async (id) => {
      try {
        const type = await source.getAvroType(id);
        const avro = resolveNamedTypes(type.schema() as AvroJson);
        this.#readers.set(id, { type, avro, schema: connectSchemaOf(avro) });
      } catch (error) {
        // An unknown id fails its records alone; an unreachable registry fails the batch (retried).
        if (isKstError(error, 'KST_SCHEMA_NOT_FOUND')) this.#failures.set(id, error);
        else throw error;
      }
    }));
  }

  toConnectData(topic: string, bytes: Buffer | null): SchemaAndValue {
    if (bytes === null) return { schema: null, value: null };
    try {
      const { schemaId, payload } = unframe(topic, bytes);
      const reader = this.#readers.get(schemaId);
      if (reader === undefined) throw this.#failures.get(schemaId) ?? new Error(`schema id ${schemaId} was not prepared`);
      return { schema: reader.schema, value: toConnectValue(reader.schema, reader.avro, reader.type.fromBuffer(payload)) };
    } catch (error) {
      throw new KstError('KST_CONNECT_CONVERSION_FAILED', `Failed to deserialize data for topic ${topic} to Avro: ${(error as Error).message}`, { topic }, { cause: error });
    }
  }
}

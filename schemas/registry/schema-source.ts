/**
 * What an Avro serde needs from a schema registry. Both the real client
 * (`RegistryClient`) and the in-memory `MockSchemaRegistry` implement it, so serdes are
 * tested, and topologies run in the `TopologyTestDriver`, without a registry server.
 */

import type { Schema, Type } from 'avsc';

/**
 * An Avro schema in its JSON form, as `.avsc` files and `avsc` spell it: a type name, an
 * object, or a union array. Deliberately loose, so that inline `as const` schemas (deeply
 * readonly) are accepted; every schema is parsed, and so validated, before use.
 */
export type AvroSchema = Schema | string | { readonly type: unknown; readonly [key: string]: unknown } | readonly unknown[];

/** The `avsc` view of a schema; only after parsing does it matter that it is valid. */
export function asAvscSchema(schema: AvroSchema): Schema {
  return schema as Schema;
}

export interface AvroSchemaSource {
  /**
   * Registers `schema` under `subject` (a no-op returning the existing id when it is
   * already there). Rejects with `KST_SCHEMA_INCOMPATIBLE` when the subject's rule refuses
   * it, `KST_SCHEMA_INVALID` when it does not parse, `KST_SCHEMA_REGISTRY` otherwise.
   */
  register(subject: string, schema: AvroSchema): Promise<number>;
  /** The id of `schema` under `subject` without registering; `KST_SCHEMA_NOT_FOUND` if absent. */
  lookupId(subject: string, schema: AvroSchema): Promise<number>;
  /**
   * The parsed writer type of schema `id`, fetched once and cached; `KST_SCHEMA_NOT_FOUND`
   * when the registry has no such id.
   */
  getAvroType(id: number): Promise<Type>;
}

/**
 * An in-memory schema registry, as Confluent's `MockSchemaRegistryClient`: for unit tests
 * and the `TopologyTestDriver`, where Avro serdes must work without a server. Ids are
 * global and shared by identical schemas (as both Confluent and Apicurio assign them), and
 * compatibility levels are enforced with Avro's own resolution rules (a reader that cannot
 * resolve a writer is incompatible), which is what the real registries check too.
 */

import avro from 'avsc';
import type { Type } from 'avsc';
import { KstError } from '../../common/errors.ts';
import { asAvscSchema, type AvroSchema, type AvroSchemaSource } from './schema-source.ts';
import type { CompatibilityLevel } from './subject.ts';

interface Stored {
  readonly id: number;
  readonly type: Type;
}

/**
 * @example
 * ```ts
 * const registry = new MockSchemaRegistry();
 * const serde = await AvroSerde.create<Ping>(registry, { topic: 'pings', schema: pingSchema });
 * registry.schemaFetches; // 0: the writer's own id needs no fetch
 * ```
 */
export class MockSchemaRegistry implements AvroSchemaSource {
  readonly #byId = new Map<number, Stored>();
  readonly #idByCanonical = new Map<string, number>();
  readonly #versions = new Map<string, number[]>();
  readonly #levels = new Map<string, CompatibilityLevel>();
  readonly #defaultLevel: CompatibilityLevel;
  #nextId = 1;
  #fetches = 0;

  constructor(options: { defaultCompatibility?: CompatibilityLevel } = {}) {
    this.#defaultLevel = options.defaultCompatibility ?? 'BACKWARD';
  }

  /** Calls of `getAvroType`, to check that callers cache. */
  get schemaFetches(): number {
    return this.#fetches;
  }

  setCompatibility(subject: string, level: CompatibilityLevel): void {
    this.#levels.set(subject, level);
  }

  getCompatibility(subject: string): CompatibilityLevel {
    return this.#levels.get(subject) ?? this.#defaultLevel;
  }

  /** Ids registered under `subject`, oldest first. */
  versions(subject: string): readonly number[] {
    return this.#versions.get(subject) ?? [];
  }

  async register(subject: string, schema: AvroSchema): Promise<number> {
    const type = parse(schema, subject);
    const canonical = type.schema() as unknown;
    const key = JSON.stringify(canonical);
    const versions = this.#versions.get(subject) ?? [];
    const existing = this.#idByCanonical.get(key);
    if (existing !== undefined && versions.includes(existing)) return existing;
    this.#check(subject, type, versions);
    const id = existing ?? this.#nextId++;
    if (existing === undefined) {
      this.#byId.set(id, { id, type });
      this.#idByCanonical.set(key, id);
    }
    this.#versions.set(subject, [...versions, id]);
    return id;
  }

  async lookupId(subject: string, schema: AvroSchema): Promise<number> {
    const key = JSON.stringify(parse(schema, subject).schema());
    const id = this.#idByCanonical.get(key);
    if (id === undefined || !this.versions(subject).includes(id)) {
      throw new KstError('KST_SCHEMA_NOT_FOUND', `schema is not registered under subject "${subject}"`, { subject });
    }
    return id;
  }

  async getAvroType(id: number): Promise<Type> {
    this.#fetches += 1;
    const stored = this.#byId.get(id);
    if (stored === undefined) throw new KstError('KST_SCHEMA_NOT_FOUND', `schema id ${id} not found`, { id });
    return stored.type;
  }

  #check(subject: string, candidate: Type, versions: readonly number[]): void {
    const level = this.getCompatibility(subject);
    if (level === 'NONE' || versions.length === 0) return;
    const against = level.endsWith('_TRANSITIVE') ? versions : versions.slice(-1);
    const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
    const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
    for (const id of against) {
      const old = (this.#byId.get(id) as Stored).type;
      try {
        // Backward: the new schema reads old data. Forward: old schemas read new data.
        if (backward) candidate.createResolver(old);
        if (forward) old.createResolver(candidate);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new KstError('KST_SCHEMA_INCOMPATIBLE', `schema is not ${level} compatible with schema ${id} under subject "${subject}": ${reason}`, { subject, level, against: id, registryMessage: reason });
      }
    }
  }
}

function parse(schema: AvroSchema, subject: string): Type {
  try {
    return avro.Type.forSchema(asAvscSchema(schema));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new KstError('KST_SCHEMA_INVALID', `schema for subject "${subject}" is not valid Avro: ${reason}`, { subject, reason }, { cause: error });
  }
}

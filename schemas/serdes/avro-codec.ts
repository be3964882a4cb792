/**
 * The pure half of the Avro serde: Avro binary in the Confluent wire format, given the
 * writer types it has been told about. It never awaits and never calls a registry; the
 * async half (`avro.ts`) fetches writer types by id and hands them in with
 * `addWriterType` before a batch is deserialized.
 *
 * Reading follows Avro schema resolution: bytes written with any registered version are
 * decoded into the reader type (the application's schema), filling defaults for fields the
 * writer lacked. A resolver per writer id is built once, when the writer type arrives.
 */

import type { Resolver, Type } from 'avsc';
import { frame, unframe } from './confluent-wire.ts';
import { deserializeError, reasonOf, serializeError, type Serde } from './serde.ts';

export interface AvroCodecOptions {
  /** The schema this codec writes with, and its registry id. Without it, the codec only reads. */
  readonly writer?: { readonly id: number; readonly type: Type };
  /** The type values are read into; defaults to the writer type, else to each record's own writer type. */
  readonly readerType?: Type;
}

type ReadPlan =
  | { readonly kind: 'direct'; readonly type: Type }
  | { readonly kind: 'resolve'; readonly type: Type; readonly resolver: Resolver }
  | { readonly kind: 'unreadable'; readonly reason: string };

/**
 * @example
 * ```ts
 * const type = avro.Type.forSchema({ type: 'record', name: 'Ping', fields: [{ name: 'n', type: 'int' }] });
 * const codec = new AvroCodec<{ n: number }>({ writer: { id: 7, type } });
 * const bytes = codec.serialize('pings', { n: 1 }); // <Buffer 00 00 00 00 07 02>
 * codec.deserialize('pings', bytes);               // { n: 1 }
 * ```
 */
export class AvroCodec<T> implements Serde<T> {
  readonly #writer: { readonly id: number; readonly type: Type } | undefined;
  readonly #readerType: Type | undefined;
  readonly #plans = new Map<number, ReadPlan>();

  constructor(options: AvroCodecOptions = {}) {
    this.#writer = options.writer;
    this.#readerType = options.readerType ?? options.writer?.type;
    if (this.#writer !== undefined) this.addWriterType(this.#writer.id, this.#writer.type);
  }

  /** The id this codec writes with, if it writes. */
  get writerId(): number | undefined {
    return this.#writer?.id;
  }

  /** True when records written with schema `id` can be deserialized without a look-up. */
  knows(id: number): boolean {
    const plan = this.#plans.get(id);
    return plan !== undefined && plan.kind !== 'unreadable';
  }

  /**
   * Teaches the codec a writer schema. When the reader type cannot read it (an evolution
   * the registry should have refused), records with that id fail one by one with the
   * reason, rather than failing the batch that brought the id.
   */
  addWriterType(id: number, writerType: Type): void {
    const reader = this.#readerType;
    if (reader === undefined || reader === writerType) {
      this.#plans.set(id, { kind: 'direct', type: writerType });
      return;
    }
    try {
      // Equal schemas need no resolver; decoding through one is slower.
      this.#plans.set(id, reader.equals(writerType)
        ? { kind: 'direct', type: reader }
        : { kind: 'resolve', type: reader, resolver: reader.createResolver(writerType) });
    } catch (error) {
      this.#plans.set(id, { kind: 'unreadable', reason: `writer schema ${id} cannot be read with the reader schema: ${reasonOf(error)}` });
    }
  }

  /** Records why schema `id` is unavailable (not in the registry), for the error of each record that carries it. */
  markUnavailable(id: number, reason: string): void {
    if (!this.knows(id)) this.#plans.set(id, { kind: 'unreadable', reason });
  }

  serialize(topic: string, value: T | null): Buffer | null {
    if (value === null) return null;
    const writer = this.#writer;
    if (writer === undefined) throw serializeError(topic, 'this Avro serde only reads: it was created without a writer schema and subject');
    let payload: Buffer;
    try {
      payload = writer.type.toBuffer(value);
    } catch (error) {
      throw serializeError(topic, `value does not match schema ${writer.id}: ${describeInvalid(writer.type, value) ?? reasonOf(error)}`, error, { schemaId: writer.id });
    }
    return frame(writer.id, payload);
  }

  deserialize(topic: string, bytes: Buffer | null): T | null {
    if (bytes === null) return null;
    const { schemaId, payload } = unframe(topic, bytes);
    const plan = this.#plans.get(schemaId);
    if (plan === undefined) {
      throw deserializeError(topic, bytes, `unknown schema id ${schemaId}: not prefetched (call prepare/ensureSchemas for the batch first)`, undefined, { schemaId });
    }
    if (plan.kind === 'unreadable') throw deserializeError(topic, bytes, plan.reason, undefined, { schemaId });
    try {
      return (plan.kind === 'direct' ? plan.type.fromBuffer(payload) : plan.type.fromBuffer(payload, plan.resolver)) as T;
    } catch (error) {
      throw deserializeError(topic, bytes, `corrupt Avro payload for schema ${schemaId}: ${reasonOf(error)}`, error, { schemaId });
    }
  }
}

// avsc's own message ("invalid "int": "x"") names neither the field nor the record; the
// error hook gives the paths of every bad field.
function describeInvalid(type: Type, value: unknown): string | undefined {
  const problems: string[] = [];
  type.isValid(value, {
    errorHook: (path, bad, badType) => {
      problems.push(`${path.length === 0 ? '<root>' : path.join('.')}: ${safeJson(bad)} is not ${badType.typeName === 'record' ? 'a record' : `a valid ${badType.typeName}`}`);
    },
  });
  return problems.length === 0 ? undefined : problems.join('; ');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

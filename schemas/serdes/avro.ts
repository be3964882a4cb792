/**
 * Avro with a schema registry, split the way the stream runtime needs it: everything that
 * talks to the registry is async and happens before records are processed; serialize and
 * deserialize stay synchronous and pure (they delegate to `AvroCodec`).
 *
 * - Writing: `AvroSerde.create` registers (or, with `autoRegister: false`, looks up) the
 *   schema under the subject once; serialize then frames every value with that id.
 * - Reading: the runtime awaits `prepare(topic, batch)` for each fetched batch. It peeks at
 *   the 5-byte header of every record, fetches only ids this serde has not seen (usually
 *   none, so a batch costs a scan and no request), and builds the writer→reader resolvers.
 *   A record whose id is unknown to the registry fails alone, at deserialize, with
 *   `KST_SERDE_DESERIALIZE` naming the id; an unreachable registry fails `prepare` with
 *   `KST_SCHEMA_REGISTRY`, which is retryable, so the batch is retried rather than skipped.
 */

import avro from 'avsc';
import type { Type } from 'avsc';
import { isKstError, KstError } from '../../common/errors.ts';
import { asAvscSchema, type AvroSchema, type AvroSchemaSource } from '../registry/schema-source.ts';
import { topicNameStrategy } from '../registry/subject.ts';
import { AvroCodec } from './avro-codec.ts';
import { peekSchemaId } from './confluent-wire.ts';
import { reasonOf, type PreparableSerde } from './serde.ts';

export interface AvroSerdeOptions {
  /**
   * The application's schema: values are written with it and read into it. Leave it out
   * for a read-only serde that returns each record as its own writer schema decodes it.
   */
  readonly schema?: AvroSchema;
  /** Subject to register the schema under; defaults to `<topic>-value` / `<topic>-key`. */
  readonly subject?: string;
  /** Topic whose subject (TopicNameStrategy) the schema is registered under. */
  readonly topic?: string;
  /** Whether this serde is for record keys (subject `<topic>-key`). Default false. */
  readonly isKey?: boolean;
  /** Register the schema (default), or only look its id up and fail if it is missing. */
  readonly autoRegister?: boolean;
  /** `avsc` options for the application's schema (logical types, union wrapping). */
  readonly avro?: Parameters<typeof avro.Type.forSchema>[1];
}

/**
 * @example
 * ```ts
 * const registry = new RegistryClient({ url });
 * const serde = await AvroSerde.create<OrderCreated>(registry, { topic: 'orders.events', schema: orderCreatedSchema });
 * const bytes = serde.serialize('orders.events', { orderId: 'o1', total: 3 }); // 00 <id> <avro>
 *
 * // consumer side, per fetched batch:
 * await serde.prepare('orders.events', records.map((r) => r.value));
 * const orders = records.map((r) => serde.deserialize('orders.events', r.value));
 * ```
 */
export class AvroSerde<T> implements PreparableSerde<T> {
  /** The subject the writer schema is registered under, if this serde writes. */
  readonly subject: string | undefined;
  readonly #source: AvroSchemaSource;
  readonly #codec: AvroCodec<T>;

  private constructor(source: AvroSchemaSource, codec: AvroCodec<T>, subject: string | undefined) {
    this.#source = source;
    this.#codec = codec;
    this.subject = subject;
  }

  /**
   * Parses the schema, registers it (or looks it up) under the subject when one is given
   * or derived from `topic`, and returns a serde ready to serialize synchronously.
   */
  static async create<T>(source: AvroSchemaSource, options: AvroSerdeOptions = {}): Promise<AvroSerde<T>> {
    const subject = options.subject ?? (options.topic === undefined ? undefined : topicNameStrategy(options.topic, options.isKey ?? false));
    if (options.schema === undefined) {
      if (options.subject !== undefined || options.topic !== undefined) {
        throw new KstError('KST_CONFIG_INVALID', 'an Avro serde with a subject or topic needs a schema to write with', { subject });
      }
      return new AvroSerde<T>(source, new AvroCodec<T>(), undefined);
    }
    const type = parseAppSchema(options.schema, options.avro);
    if (subject === undefined) return new AvroSerde<T>(source, new AvroCodec<T>({ readerType: type }), undefined);
    const id = options.autoRegister === false
      ? await source.lookupId(subject, options.schema)
      : await source.register(subject, options.schema);
    return new AvroSerde<T>(source, new AvroCodec<T>({ writer: { id, type } }), subject);
  }

  /** The registry id values are written with, if this serde writes. */
  get schemaId(): number | undefined {
    return this.#codec.writerId;
  }

  serialize(topic: string, value: T | null): Buffer | null {
    return this.#codec.serialize(topic, value);
  }

  /** Synchronous; ids must have been fetched by `prepare`/`ensureSchemas` first. */
  deserialize(topic: string, bytes: Buffer | null): T | null {
    return this.#codec.deserialize(topic, bytes);
  }

  /**
   * Makes every record of a batch deserializable: fetches the writer schemas of ids not
   * seen before. Resolves at once when the batch brings no new id.
   */
  prepare(_topic: string, batch: Iterable<Buffer | null>): Promise<void> {
    let missing: Set<number> | undefined;
    for (const bytes of batch) {
      const id = peekSchemaId(bytes);
      if (id !== undefined && !this.#codec.knows(id)) (missing ??= new Set()).add(id);
    }
    return missing === undefined ? Promise.resolve() : this.ensureSchemas(missing);
  }

  /**
   * Fetches the writer schemas of `ids` (concurrently; each id once per registry client).
   * Ids the registry does not have are remembered as unreadable, so only their records
   * fail; any other registry failure rejects, after the ids that did arrive are kept.
   */
  async ensureSchemas(ids: Iterable<number>): Promise<void> {
    const wanted = [...new Set(ids)].filter((id) => !this.#codec.knows(id));
    const results = await Promise.allSettled(wanted.map((id) => this.#source.getAvroType(id)));
    let failure: unknown;
    results.forEach((result, index) => {
      const id = wanted[index] as number;
      if (result.status === 'fulfilled') this.#codec.addWriterType(id, result.value);
      else if (isKstError(result.reason, 'KST_SCHEMA_NOT_FOUND') || isKstError(result.reason, 'KST_SCHEMA_INVALID')) {
        this.#codec.markUnavailable(id, `schema id ${id} is not usable: ${reasonOf(result.reason)}`);
      } else failure ??= result.reason;
    });
    if (failure !== undefined) throw failure;
  }
}

function parseAppSchema(schema: AvroSchema, options: AvroSerdeOptions['avro']): Type {
  try {
    // A copy: avsc writes its registry of named types into the options it is given.
    return avro.Type.forSchema(asAvscSchema(schema), { ...options });
  } catch (error) {
    throw new KstError('KST_SCHEMA_INVALID', `schema is not valid Avro: ${reasonOf(error)}`, { reason: reasonOf(error) }, { cause: error });
  }
}

/**
 * The async client of a Confluent-compatible schema registry (Confluent, or Apicurio under
 * `/apis/ccompat/v7`). Registration and look-ups by id go through
 * `@kafkajs/confluent-schema-registry`; the compatibility endpoints it keeps private go
 * through `ccompat-http.ts`. Every failure comes out as a coded `KstError`.
 *
 * Compatibility: Confluent's global default is BACKWARD, Apicurio's is NONE, so relying on
 * the server default would make the same code evolve schemas under different rules. A
 * subject that has no level yet gets `defaultCompatibility` (BACKWARD) before its first
 * registration. Apicurio 3.3 enforces a level set per subject with `PUT /config/{subject}`,
 * even one set before the subject exists; nothing Apicurio-specific is needed. One
 * difference: for an existing subject without a level of its own Apicurio answers the
 * global level (NONE) where Confluent answers 404, so such a subject keeps NONE here unless
 * `register` is given a level.
 *
 * Schemas by id are fetched once: the first call's promise is cached, so concurrent calls
 * for the same id share one request, and a failed fetch is forgotten to be retried later.
 */

import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import type { ForSchemaOptions, Type } from 'avsc';
import { isKstError, KstError } from '../../common/errors.ts';
import { ccompatRequest, failureOf } from './ccompat-http.ts';
import { registryConnection, type RegistryAuth, type RegistryConnection } from './registry-auth.ts';
import { toRegistryError } from './registry-errors.ts';
import { asAvscSchema, type AvroSchema, type AvroSchemaSource } from './schema-source.ts';
import { isCompatibilityLevel, type CompatibilityLevel } from './subject.ts';

export interface RegistryClientOptions {
  /** Base URL of the Confluent API, e.g. `http://127.0.0.1:8081/apis/ccompat/v7`. */
  readonly url: string;
  readonly clientId?: string;
  /** Credentials and trusted CA of a secured registry; none by default. */
  readonly auth?: RegistryAuth;
  /** Per-request timeout of every registry call, in ms. Default 10 000. */
  readonly timeoutMs?: number;
  /** Retries of registration and look-ups on 5xx answers. Default 3. */
  readonly retries?: number;
  /** Level given to a subject that has none yet, before its first registration. Default BACKWARD. */
  readonly defaultCompatibility?: CompatibilityLevel;
  /** `avsc` options (logical types, union wrapping) for schemas fetched by id. */
  readonly avro?: Partial<ForSchemaOptions>;
}

export interface CompatibilityResult {
  readonly compatible: boolean;
  /** The registry's explanations when it gives them (Confluent does with `verbose`; Apicurio does not). */
  readonly messages: readonly string[];
}

/** A request as the library's HTTP client (mappersmith) hands it to a middleware. */
interface Enhanceable { enhance(change: { readonly headers?: Record<string, string>; readonly timeout?: number }): unknown }

/**
 * @example
 * ```ts
 * const registry = new RegistryClient({ url: endpoints(loadStackConfig()).registryUrl });
 * const id = await registry.register('orders.events-value', orderEventSchema);
 * const type = await registry.getAvroType(id); // fetched once, then cached
 * ```
 */
export class RegistryClient implements AvroSchemaSource {
  readonly url: string;
  readonly #lib: SchemaRegistry;
  readonly #connection: RegistryConnection;
  readonly #timeoutMs: number;
  readonly #defaultCompatibility: CompatibilityLevel;
  readonly #avroOptions: Partial<ForSchemaOptions>;
  readonly #types = new Map<number, Promise<Type>>();
  #schemaFetches = 0;

  constructor(options: RegistryClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#defaultCompatibility = options.defaultCompatibility ?? 'BACKWARD';
    this.#avroOptions = options.avro ?? {};
    const connection = registryConnection(options.auth);
    this.#connection = connection;
    const bearer = options.auth?.bearerToken;
    this.#lib = new SchemaRegistry(
      {
        host: this.url,
        ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
        retry: { retries: options.retries ?? 3 },
        ...(connection.basic === undefined ? {} : { auth: { ...connection.basic } }),
        ...(connection.httpsAgent === undefined ? {} : { agent: connection.httpsAgent }),
        // Every call of the library gets the per-request timeout (it sets none: a registry that never answered hung a start for good).
        middlewares: [
          () => ({ request: (request: Enhanceable) => request.enhance({ timeout: this.#timeoutMs }) }),
          ...(bearer === undefined ? [] : [() => ({ request: (request: Enhanceable) => request.enhance({ headers: { Authorization: `Bearer ${bearer}` } }) })]),
        ],
      } as ConstructorParameters<typeof SchemaRegistry>[0],
      { [SchemaType.AVRO]: this.#avroOptions },
    );
  }

  /** How many schemas were fetched by id from the server: each id counts once. */
  get schemaFetches(): number {
    return this.#schemaFetches;
  }

  /**
   * Registers `schema` under `subject` and returns its id (the existing id if it is already
   * registered: then, without `compatibility`, one look-up is all it costs). Pass
   * `compatibility` to set the subject's level first; otherwise a subject without a level
   * gets the default one before a new version is registered, and an existing level is left
   * alone.
   *
   * @example
   * ```ts
   * const id = await registry.register(topicNameStrategy('orders.events'), schema, { compatibility: 'BACKWARD' });
   * ```
   */
  async register(subject: string, schema: AvroSchema, options: { compatibility?: CompatibilityLevel } = {}): Promise<number> {
    const type = parseSchema(schema, this.#avroOptions, subject);
    if (options.compatibility === undefined) {
      // A restarting service finds its schemas registered: one look-up each, instead of
      // reading the level (twice, the library reads it again) and registering again.
      const existing = await this.lookupId(subject, schema).catch((error: unknown) => {
        if (isKstError(error, 'KST_SCHEMA_NOT_FOUND')) return undefined;
        throw error;
      });
      if (existing !== undefined) {
        if (!this.#types.has(existing)) this.#types.set(existing, Promise.resolve(type));
        return existing;
      }
    }
    const current = await this.getCompatibility(subject);
    const wanted = options.compatibility ?? current ?? this.#defaultCompatibility;
    if (wanted !== current) await this.setCompatibility(subject, wanted);
    for (let attempt = 1; ; attempt++) {
      try {
        // The library re-reads the level and refuses to go on if it differs from `wanted`;
        // it matches since we just set it, and updateConfig: false keeps it from writing again.
        const { id } = await this.#lib.register(
          { type: SchemaType.AVRO, schema: schemaText(schema) },
          { subject, compatibility: COMPATIBILITY[wanted], updateConfig: false },
        );
        if (!this.#types.has(id)) this.#types.set(id, Promise.resolve(type));
        return id;
      } catch (error) {
        // Clients racing to create the subject's rule: the registry has briefly answered the
        // global level (NONE) for a subject whose level was just set. Set it again and retry.
        if (attempt < 5 && error instanceof Error && error.name === 'ConfluentSchemaRegistryCompatibilityError') {
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
          await this.setCompatibility(subject, wanted);
          continue;
        }
        throw toRegistryError(error, 'register schema', { subject });
      }
    }
  }

  /**
   * The id `schema` has under `subject`, without registering it; `KST_SCHEMA_NOT_FOUND`
   * when it is not there. For producers that must not register (schemas owned elsewhere).
   */
  async lookupId(subject: string, schema: AvroSchema): Promise<number> {
    parseSchema(schema, this.#avroOptions, subject);
    try {
      return await this.#lib.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: schemaText(schema) });
    } catch (error) {
      // The library rewraps the 404 and drops its status; restore the meaning.
      if (error instanceof Error && error.name === 'ConfluentSchemaRegistryError') {
        throw new KstError('KST_SCHEMA_NOT_FOUND', `schema is not registered under subject "${subject}": ${error.message}`, { subject }, { cause: error });
      }
      throw toRegistryError(error, 'look up schema', { subject });
    }
  }

  /** The id of the latest version under `subject`. */
  async latestId(subject: string): Promise<number> {
    try {
      return await this.#lib.getLatestSchemaId(subject);
    } catch (error) {
      throw toRegistryError(error, 'get latest version', { subject });
    }
  }

  /**
   * The Avro type of schema `id`: one request per id for the client's lifetime.
   *
   * @example
   * ```ts
   * const writerType = await registry.getAvroType(bytes.readInt32BE(1));
   * ```
   */
  getAvroType(id: number): Promise<Type> {
    let pending = this.#types.get(id);
    if (pending === undefined) {
      pending = this.#fetchType(id);
      this.#types.set(id, pending);
      // Forget failures so a later batch asks again (the registry may be back).
      pending.catch(() => this.#types.delete(id));
    }
    return pending;
  }

  async #fetchType(id: number): Promise<Type> {
    this.#schemaFetches += 1;
    let schema: unknown;
    try {
      schema = await this.#lib.getSchema(id);
    } catch (error) {
      throw toRegistryError(error, 'get schema', { id });
    }
    if (!avro.Type.isType(schema)) {
      throw new KstError('KST_SCHEMA_INVALID', `schema id ${id} is not an Avro schema`, { id });
    }
    return schema as Type;
  }

  /** The subject's compatibility level, or `undefined` when the registry has none for it. */
  async getCompatibility(subject: string): Promise<CompatibilityLevel | undefined> {
    const response = await ccompatRequest(this.url, 'GET', `/config/${encodeURIComponent(subject)}`, undefined, this.#timeoutMs, this.#connection);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw toRegistryError(failureOf(response), 'get compatibility', { subject });
    const body = response.body as { compatibilityLevel?: unknown; compatibility?: unknown } | undefined;
    const level = body?.compatibilityLevel ?? body?.compatibility;
    if (!isCompatibilityLevel(level)) {
      throw new KstError('KST_SCHEMA_REGISTRY', `registry answered an unknown compatibility level for subject "${subject}"`, { subject, body });
    }
    return level;
  }

  /**
   * Sets the subject's compatibility level (`PUT /config/{subject}`); allowed before the
   * subject has any version.
   *
   * @example
   * ```ts
   * await registry.setCompatibility('orders.events-value', 'FULL');
   * ```
   */
  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    const put = () => ccompatRequest(this.url, 'PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level }, this.#timeoutMs, this.#connection);
    let response = await put();
    // Apicurio creates the subject's rule on the first PUT; a client racing another for the
    // same subject gets 409 "rule already exists". The rule exists now: a second PUT updates it.
    if (response.status === 409) response = await put();
    if (response.status !== 200) throw toRegistryError(failureOf(response), 'set compatibility', { subject, level });
  }

  /**
   * Tests `schema` against the latest version under `subject` with the subject's level,
   * without registering it. A subject without versions accepts anything.
   */
  async checkCompatibility(subject: string, schema: AvroSchema): Promise<CompatibilityResult> {
    parseSchema(schema, this.#avroOptions, subject);
    const path = `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`;
    const response = await ccompatRequest(this.url, 'POST', path, { schema: schemaText(schema) }, this.#timeoutMs, this.#connection);
    if (response.status === 404) return { compatible: true, messages: [] };
    if (response.status !== 200) throw toRegistryError(failureOf(response), 'check compatibility', { subject });
    const body = response.body as { is_compatible?: unknown; messages?: unknown };
    const messages = Array.isArray(body.messages) ? body.messages.map(String) : [];
    return { compatible: body.is_compatible === true, messages };
  }
}

function parseSchema(schema: AvroSchema, options: Partial<ForSchemaOptions>, subject: string): Type {
  try {
    // A copy: avsc writes its registry of named types into the options object it is given,
    // and a shared one would then reject the same record name the next time round.
    return avro.Type.forSchema(asAvscSchema(schema), { ...options });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new KstError('KST_SCHEMA_INVALID', `schema for subject "${subject}" is not valid Avro: ${reason}`, { subject, reason }, { cause: error });
  }
}

// Sent as the caller wrote it, not as avsc normalises it: registries match
// re-registrations on the text they stored. (A string schema is a type name to avsc, so
// it is stringified too: `"string"`.)
function schemaText(schema: AvroSchema): string {
  return JSON.stringify(schema);
}

/**
 * Configuration is declared once as a schema of fields; each field carries its type,
 * default, validator and documentation. `parse` validates user input at the edge and
 * returns a frozen, fully typed object; any problem throws `KST_CONFIG_INVALID` naming
 * the key. `document` renders the same schema as documentation.
 *
 * @example
 * ```ts
 * const schema = defineConfig({
 *   'commit.interval.ms': integer({ default: 100, min: 0, doc: 'How often to commit.' }),
 *   'processing.guarantee': oneOf(['at_least_once', 'exactly_once_v2'] as const, { default: 'at_least_once', doc: '...' }),
 * });
 * const config = schema.parse({ 'commit.interval.ms': 50 });
 * config['commit.interval.ms']; // 50, typed as number
 * ```
 */

import { KstError } from './errors.ts';

export interface Field<T> {
  readonly kind: string;
  readonly doc: string;
  readonly default: T | undefined;
  /** Converts and checks one raw value (already known to be present). */
  readonly convert: (raw: unknown, key: string) => T;
}

type FieldOptions<T> = { readonly doc: string; readonly default?: T };

function invalid(key: string, message: string, value: unknown): never {
  throw new KstError('KST_CONFIG_INVALID', `config "${key}" ${message} (got ${JSON.stringify(value)})`, { key, value });
}

function field<T>(kind: string, options: FieldOptions<T>, convert: (raw: unknown, key: string) => T): Field<T> {
  return Object.freeze({ kind, doc: options.doc, default: options.default, convert });
}

export function string(options: FieldOptions<string> & { readonly pattern?: RegExp }): Field<string> {
  return field('string', options, (raw, key) => {
    // A field whose default is '' is optional: '' means "not set" and passes as is.
    if (raw === '' && options.default === '') return raw;
    if (typeof raw !== 'string' || raw.length === 0) invalid(key, 'must be a non-empty string', raw);
    if (options.pattern !== undefined && !options.pattern.test(raw)) invalid(key, `must match ${options.pattern}`, raw);
    return raw;
  });
}

function toNumber(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '') return Number(raw);
  return Number.NaN;
}

export function integer(options: FieldOptions<number> & { readonly min?: number; readonly max?: number }): Field<number> {
  return field('integer', options, (raw, key) => {
    const value = toNumber(raw);
    if (!Number.isSafeInteger(value)) invalid(key, 'must be an integer', raw);
    if (options.min !== undefined && value < options.min) invalid(key, `must be at least ${options.min}`, raw);
    if (options.max !== undefined && value > options.max) invalid(key, `must be at most ${options.max}`, raw);
    return value;
  });
}

/** A TCP port: an integer from 1 to 65535. */
export function port(options: FieldOptions<number>): Field<number> {
  return integer({ ...options, min: 1, max: 65535 });
}

export function boolean(options: FieldOptions<boolean>): Field<boolean> {
  return field('boolean', options, (raw, key) => {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    return invalid(key, 'must be true or false', raw);
  });
}

export function oneOf<const V extends readonly string[]>(values: V, options: FieldOptions<V[number]>): Field<V[number]> {
  return field(`one of ${values.join(', ')}`, options, (raw, key) => {
    if (typeof raw !== 'string' || !values.includes(raw)) invalid(key, `must be one of ${values.join(', ')}`, raw);
    return raw as V[number];
  });
}

/** A list of strings, given as an array or as a comma-separated string. */
export function list(options: FieldOptions<readonly string[]>): Field<readonly string[]> {
  return field('list', options, (raw, key) => {
    const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : raw;
    if (!Array.isArray(items) || !items.every((item): item is string => typeof item === 'string')) invalid(key, 'must be a list of strings', raw);
    return Object.freeze([...items]);
  });
}

type Schema = Record<string, Field<unknown>>;
type ValueOf<F> = F extends Field<infer T> ? T : never;
export type ConfigOf<S extends Schema> = { readonly [K in keyof S]: ValueOf<S[K]> };

export interface ConfigDefinition<S extends Schema> {
  readonly fields: S;
  /** Validates user input; unknown keys, missing required keys and bad values throw naming the key. */
  parse(input: Readonly<Record<string, unknown>>): ConfigOf<S>;
  /** Reads each key from an environment variable: `PREFIX_` + the key upper-cased with `.`/`-` as `_`. */
  fromEnv(env: Readonly<Record<string, string | undefined>>, prefix: string, overrides?: Readonly<Record<string, unknown>>): ConfigOf<S>;
  envName(key: keyof S & string, prefix: string): string;
  /** One Markdown table row per key: name, type, default, doc. */
  document(): string;
}

export function defineConfig<S extends Schema>(fields: S): ConfigDefinition<S> {
  const envName = (key: string, prefix: string): string => `${prefix}_${key.replace(/[.-]/g, '_').toUpperCase()}`;
  const parse = (input: Readonly<Record<string, unknown>>): ConfigOf<S> => {
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(fields, key) && input[key] !== undefined) invalid(key, `is not a known key (known: ${Object.keys(fields).join(', ')})`, input[key]);
    }
    const out: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(fields)) {
      const raw = input[key];
      if (raw === undefined) {
        if (spec.default === undefined) invalid(key, 'is required', raw);
        out[key] = spec.default;
      } else {
        out[key] = spec.convert(raw, key);
      }
    }
    return Object.freeze(out) as ConfigOf<S>;
  };
  const definition: ConfigDefinition<S> = {
    fields,
    parse,
    envName,
    fromEnv(env, prefix, overrides = {}) {
      const input: Record<string, unknown> = {};
      for (const key of Object.keys(fields)) {
        const value = env[envName(key, prefix)];
        if (value !== undefined && value !== '') input[key] = value;
      }
      try {
        return parse({ ...input, ...overrides });
      } catch (error) {
        if (error instanceof KstError && typeof error.details['key'] === 'string') {
          const key = error.details['key'];
          throw new KstError('KST_CONFIG_INVALID', `${error.message.replace(/^KST_CONFIG_INVALID: /, '')}; set through ${envName(key, prefix)}`, error.details);
        }
        throw error;
      }
    },
    document() {
      const rows = Object.entries(fields).map(([key, spec]) => `| \`${key}\` | ${spec.kind} | ${spec.default === undefined ? '(required)' : `\`${JSON.stringify(spec.default)}\``} | ${spec.doc} |`);
      return ['| key | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
    },
  };
  return Object.freeze(definition);
}

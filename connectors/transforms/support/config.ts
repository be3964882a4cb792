/**
 * Connect-style config keys for our plugins (transforms, predicates, sinks) and a reader
 * that checks raw `Record<string, string>` configs against them once, at `configure` /
 * `start`, so a bad value fails there with a message naming the key.
 *
 * @example
 * ```ts
 * const defs = [stringKey('field', { doc: 'Field to extract.' }), intKey('batch.size', { doc: '…', default: 3000, min: 1 })];
 * const config = readConfig(defs, { field: 'id' });
 * config.string('field'); // 'id'
 * config.int('batch.size'); // 3000
 * ```
 */

import type { ConfigDefinitionKey, ConnectImportance } from '../../api/config-def.ts';
import { KstError } from '../../../common/errors.ts';

interface KeyOptions {
  readonly doc: string;
  /** Omitted: the key is required. */
  readonly default?: string | null;
  readonly importance?: ConnectImportance;
  readonly group?: string;
  readonly displayName?: string;
}

function base(name: string, type: ConfigDefinitionKey['type'], options: KeyOptions, validator?: (value: string | null) => string | undefined, recommended?: readonly string[]): ConfigDefinitionKey {
  return Object.freeze({
    name,
    type,
    importance: options.importance ?? 'MEDIUM',
    documentation: options.doc,
    ...(options.default === undefined ? {} : { defaultValue: options.default }),
    ...(options.group === undefined ? {} : { group: options.group }),
    ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
    ...(validator === undefined ? {} : { validator }),
    ...(recommended === undefined ? {} : { recommendedValues: recommended }),
  });
}

export function stringKey(name: string, options: KeyOptions & { readonly nonEmpty?: boolean }): ConfigDefinitionKey {
  return base(name, 'STRING', options, options.nonEmpty === true ? (v) => (v === null || v === '' ? 'must not be empty' : undefined) : undefined);
}

export function passwordKey(name: string, options: KeyOptions): ConfigDefinitionKey {
  return base(name, 'PASSWORD', options);
}

export function listKey(name: string, options: KeyOptions): ConfigDefinitionKey {
  return base(name, 'LIST', options);
}

export function booleanKey(name: string, options: Omit<KeyOptions, 'default'> & { readonly default: boolean }): ConfigDefinitionKey {
  return base(name, 'BOOLEAN', { ...options, default: String(options.default) }, (v) => (v === null || /^(true|false)$/i.test(v.trim()) ? undefined : 'must be true or false'));
}

export function intKey(name: string, options: Omit<KeyOptions, 'default'> & { readonly default?: number; readonly min?: number; readonly max?: number; readonly type?: 'INT' | 'LONG' }): ConfigDefinitionKey {
  const validator = (v: string | null): string | undefined => {
    if (v === null) return undefined;
    const n = Number(v.trim());
    if (v.trim() === '' || !Number.isSafeInteger(n)) return 'must be an integer';
    if (options.min !== undefined && n < options.min) return `must be at least ${options.min}`;
    if (options.max !== undefined && n > options.max) return `must be at most ${options.max}`;
    return undefined;
  };
  return base(name, options.type ?? 'INT', { ...options, default: options.default === undefined ? undefined : String(options.default) } as KeyOptions, validator);
}

export function enumKey(name: string, values: readonly string[], options: KeyOptions): ConfigDefinitionKey {
  const validator = (v: string | null): string | undefined => (v === null || values.includes(v.trim()) ? undefined : `must be one of ${values.join(', ')}`);
  return base(name, 'STRING', options, validator, values);
}

function invalid(key: string, message: string, value: unknown): never {
  throw new KstError('KST_CONFIG_INVALID', `config "${key}" ${message} (got ${JSON.stringify(value)})`, { key, value });
}

/** Typed access to a config checked against its definitions. */
export interface ConfigValues {
  string(name: string): string;
  optionalString(name: string): string | null;
  int(name: string): number;
  boolean(name: string): boolean;
  list(name: string): string[];
}

/** Checks every defined key (required present, validator passes) and returns typed getters. */
export function readConfig(defs: readonly ConfigDefinitionKey[], raw: Readonly<Record<string, string>>): ConfigValues {
  const values = new Map<string, string | null>();
  for (const def of defs) {
    const given = raw[def.name];
    const value = given === undefined ? def.defaultValue : given;
    if (value === undefined) invalid(def.name, 'is required', given);
    const problem = def.validator?.(value);
    if (problem !== undefined) invalid(def.name, problem, value);
    values.set(def.name, value);
  }
  const get = (name: string): string | null => {
    if (!values.has(name)) throw new KstError('KST_CONFIG_INVALID', `config "${name}" is not defined for this plugin`, { key: name });
    return values.get(name) ?? null;
  };
  return {
    string: (name) => get(name) ?? '',
    optionalString: (name) => {
      const v = get(name);
      return v === null || v === '' ? null : v;
    },
    int: (name) => Number((get(name) ?? '').trim()),
    boolean: (name) => (get(name) ?? '').trim().toLowerCase() === 'true',
    list: (name) => splitList(get(name)),
  };
}

/** Connect's LIST type: comma-separated, trimmed, empty items dropped. */
export function splitList(value: string | null): string[] {
  if (value === null) return [];
  return value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

/** Errors of each key against its definition, as `config/validate` reports them. */
export function validateAgainst(defs: readonly ConfigDefinitionKey[], raw: Readonly<Record<string, string>>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const def of defs) {
    const given = raw[def.name];
    const value = given === undefined ? def.defaultValue : given;
    if (value === undefined) {
      errors[def.name] = ['is required'];
      continue;
    }
    const problem = def.validator?.(value);
    if (problem !== undefined) errors[def.name] = [problem];
  }
  return errors;
}

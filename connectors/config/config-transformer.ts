/**
 * Resolves config provider references in connector configs, as Connect's
 * `WorkerConfigTransformer`: a value may hold `${provider:[path:]key}` references
 * (Connect's pattern, several per value), each replaced by what the worker's provider of
 * that name gives for the key under the path. The worker resolves when a connector or
 * task starts (so also on every restart); the config topic, `GET /connectors/{name}`,
 * `/config` and `/tasks` keep the references.
 *
 * Unlike Connect, which leaves a reference it cannot resolve in the value as text, a
 * strict resolution fails, naming the config key, the reference and why (never a
 * value): a password of `${env:PG_PASSWORD}` sent as is would only fail later, less
 * clearly. Validation resolves leniently, as Connect does.
 *
 * Every value the providers gave is remembered, so `redact` can keep it out of status
 * traces.
 *
 * @example
 * ```ts
 * const transformer = new ConfigTransformer(new Map([['env', envProvider]]));
 * const { config } = await transformer.transform({ 'connection.password': '${env:PG_PASSWORD}' });
 * ```
 */

import { KstError } from '../../common/errors.ts';
import type { ConfigProvider, ProviderAnswer } from './providers/config-provider.ts';

type ProviderResult = ProviderAnswer | Error;

/**
 * Connect's `ConfigTransformer.DEFAULT_PATTERN`, `${provider:[path:]key}`, except that no
 * part spans a `}`: Connect's pattern reads `${env:A}/${env:B}` as one reference with the
 * path `A}/${env`.
 */
const REFERENCE = /\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}/g;

export interface ConfigReference {
  readonly text: string;
  readonly provider: string;
  readonly path: string;
  readonly key: string;
}

export function referencesIn(value: string): ConfigReference[] {
  return [...value.matchAll(REFERENCE)].map((m) => ({ text: m[0], provider: m[1] as string, path: m[3] ?? '', key: m[4] as string }));
}

export function hasReferences(value: string | undefined | null): boolean {
  return typeof value === 'string' && referencesIn(value).length > 0;
}

/**
 * Connect's `AbstractHerder.reverseTransform`: task configs generated from a resolved
 * connector config get back the connector's references wherever the connector's value
 * had one, so no resolved value reaches the config topic.
 */
export function reverseTransform(raw: Readonly<Record<string, string>>, taskConfigs: ReadonlyArray<Record<string, string>>): Array<Record<string, string>> {
  const keys = Object.keys(raw).filter((key) => hasReferences(raw[key]));
  return taskConfigs.map((task) => {
    const out = { ...task };
    for (const key of keys) if (Object.hasOwn(out, key)) out[key] = raw[key] as string;
    return out;
  });
}

export interface Transformed {
  readonly config: Record<string, string>;
  /** The keys whose value held a reference that could not be resolved (lenient mode only). */
  readonly unresolved: readonly string[];
}

const MIN_REDACTED_LENGTH = 4;

export class ConfigTransformer {
  readonly #providers: ReadonlyMap<string, ConfigProvider>;
  readonly #secrets = new Set<string>();

  constructor(providers: ReadonlyMap<string, ConfigProvider> = new Map()) {
    this.#providers = providers;
  }

  get providerNames(): string[] {
    return [...this.#providers.keys()];
  }

  /**
   * Replaces every reference. Strict (the default): the first reference that cannot be
   * resolved throws `KST_CONNECT_CONFIG_UNRESOLVED` naming its key. Lenient: it stays as
   * text and its key is listed in `unresolved`.
   */
  async transform(config: Readonly<Record<string, string>>, options: { readonly strict?: boolean } = {}): Promise<Transformed> {
    const strict = options.strict ?? true;
    const wanted = new Map<string, ConfigReference[]>();
    for (const [key, value] of Object.entries(config)) {
      if (typeof value === 'string') {
        const refs = referencesIn(value);
        if (refs.length > 0) wanted.set(key, refs);
      }
    }
    if (wanted.size === 0) return { config: { ...config }, unresolved: [] };

    // One look-up per provider and path, as Connect groups them.
    const lookups = new Map<string, Promise<ProviderResult>>();
    const lookupKey = (ref: ConfigReference): string => `${ref.provider}\u0000${ref.path}`;
    const keysByLookup = new Map<string, Set<string>>();
    for (const refs of wanted.values()) {
      for (const ref of refs) {
        const id = lookupKey(ref);
        if (!keysByLookup.has(id)) keysByLookup.set(id, new Set());
        (keysByLookup.get(id) as Set<string>).add(ref.key);
      }
    }
    for (const [id, keys] of keysByLookup) {
      const [provider, path] = id.split('\u0000') as [string, string];
      const instance = this.#providers.get(provider);
      if (instance === undefined) continue;
      lookups.set(id, instance.get(path, keys).then((answer) => answer, (error: unknown) => (error instanceof Error ? error : new Error(String(error)))));
    }

    const answers = new Map<string, ProviderResult>();
    for (const [id, lookup] of lookups) answers.set(id, await lookup);

    const out: Record<string, string> = { ...config };
    const unresolved: string[] = [];
    for (const key of wanted.keys()) {
      let failed = false;
      out[key] = (config[key] as string).replace(REFERENCE, (text: string, provider: string, _withColon: string | undefined, path: string | undefined, name: string) => {
        const ref = { text, provider, path: path ?? '', key: name };
        const answer = answers.get(lookupKey(ref));
        let reason: string | undefined;
        let replacement: string | undefined;
        if (answer === undefined) reason = `no config provider named "${ref.provider}" is configured on this worker (config.providers: ${this.providerNames.join(', ') || 'none'})`;
        else if (answer instanceof Error) reason = answer.message.replace(/^KST_[A-Z_]+: /, '');
        else {
          replacement = answer.data.get(ref.key);
          if (replacement === undefined) reason = `provider "${ref.provider}" has no value for "${ref.key}"${answer.missing === undefined ? '' : ` (${answer.missing})`}`;
        }
        if (replacement !== undefined) {
          if (replacement.length >= MIN_REDACTED_LENGTH) this.#secrets.add(replacement);
          return replacement;
        }
        if (strict) throw new KstError('KST_CONNECT_CONFIG_UNRESOLVED', `config "${key}": the reference ${ref.text} could not be resolved: ${reason}`, { key, reference: ref.text });
        failed = true;
        return text;
      });
      if (failed) unresolved.push(key);
    }
    return { config: out, unresolved };
  }

  /** Replaces every value a provider gave (of 4 characters or more) by `[hidden]`. */
  redact(text: string): string;
  redact(text: string | null): string | null;
  redact(text: string | null): string | null {
    if (text === null || this.#secrets.size === 0) return text;
    let out = text;
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('[hidden]');
    return out;
  }
}

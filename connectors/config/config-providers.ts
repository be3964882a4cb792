/**
 * The worker's config providers, configured as Connect configures them:
 *
 *     config.providers=file,dir,env
 *     config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
 *     config.providers.file.param.allowed.paths=/etc/kafka/secrets
 *
 * From the environment (`worker-main.ts`), Confluent's image convention:
 * `CONNECT_CONFIG_PROVIDERS=file,env`, `CONNECT_CONFIG_PROVIDERS_FILE_CLASS=...`,
 * `CONNECT_CONFIG_PROVIDERS_ENV_PARAM_ALLOWLIST_PATTERN=^PG_`. Every provider named in
 * `config.providers` needs its class (Connect silently skips one without); an unknown
 * class, parameter or provider key fails the worker's start naming the key.
 *
 * @example
 * ```ts
 * const transformer = configTransformerFrom(['env'], { 'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider' });
 * ```
 */

import { KstError } from '../../common/errors.ts';
import { ConfigTransformer } from './config-transformer.ts';
import type { ConfigProvider, ConfigProviderPlugin } from './providers/config-provider.ts';
import { directoryConfigProvider } from './providers/directory-config-provider.ts';
import { envVarConfigProvider } from './providers/env-var-config-provider.ts';
import { fileConfigProvider } from './providers/file-config-provider.ts';

export const PROVIDER_PREFIX = 'config.providers.';

const PLUGINS: readonly ConfigProviderPlugin[] = [fileConfigProvider, directoryConfigProvider, envVarConfigProvider()];

const invalid = (key: string, message: string): KstError => new KstError('KST_CONFIG_INVALID', `config "${key}" ${message}`, { key });

/** True for `config.providers.<name>.…` keys (not the `config.providers` list itself). */
export const isProviderKey = (key: string): boolean => key.startsWith(PROVIDER_PREFIX);

/**
 * Builds the providers named in `names` from their `config.providers.<name>.*` settings
 * and the transformer over them.
 */
export function configTransformerFrom(names: readonly string[], settings: Readonly<Record<string, unknown>>, plugins: readonly ConfigProviderPlugin[] = PLUGINS): ConfigTransformer {
  for (const key of Object.keys(settings)) {
    if (!isProviderKey(key)) continue;
    const rest = key.slice(PROVIDER_PREFIX.length);
    const name = names.find((n) => rest.startsWith(`${n}.`));
    if (name === undefined) throw invalid(key, `names a provider that is not in config.providers (${names.join(', ') || 'empty'})`);
    const tail = rest.slice(name.length + 1);
    if (tail !== 'class' && !tail.startsWith('param.')) throw invalid(key, 'is not a provider key (class or param.<name>)');
  }
  const providers = new Map<string, ConfigProvider>();
  for (const name of names) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw invalid('config.providers', `has a provider name "${name}" that is not made of letters, digits, _ and -`);
    const classKey = `${PROVIDER_PREFIX}${name}.class`;
    const className = settings[classKey];
    if (typeof className !== 'string' || className.trim() === '') throw invalid(classKey, `is required: config.providers names "${name}"`);
    const plugin = plugins.find((p) => p.className === className.trim() || p.className.endsWith(`.${className.trim()}`));
    if (plugin === undefined) throw invalid(classKey, `names an unknown config provider ${className} (known: ${plugins.map((p) => p.className).join(', ')})`);
    const paramPrefix = `${PROVIDER_PREFIX}${name}.param.`;
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(settings)) {
      if (!key.startsWith(paramPrefix)) continue;
      const param = key.slice(paramPrefix.length);
      if (!plugin.params.includes(param)) throw invalid(key, `is not a parameter of ${plugin.className} (known: ${plugin.params.join(', ')})`);
      params[param] = String(value);
    }
    providers.set(name, plugin.create(params, paramPrefix));
  }
  return new ConfigTransformer(providers);
}

const envPart = (text: string): string => text.replace(/[.-]/g, '_').toUpperCase();

/**
 * The `config.providers.<name>.*` settings given through the environment, for the
 * providers `names` lists: `<PREFIX>_CONFIG_PROVIDERS_<NAME>_CLASS` and
 * `<PREFIX>_CONFIG_PROVIDERS_<NAME>_PARAM_<PARAM>` (the parameter lower-cased, `_` as `.`:
 * `ALLOWED_PATHS` is `allowed.paths`). A variable of that form for a provider not in the
 * list throws, naming it.
 */
export function providerSettingsFromEnv(env: Readonly<Record<string, string | undefined>>, names: readonly string[], prefix = 'CONNECT'): Record<string, string> {
  const base = `${prefix}_CONFIG_PROVIDERS_`;
  const out: Record<string, string> = {};
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith(base) || value === undefined || value === '') continue;
    const rest = variable.slice(base.length);
    const name = names.find((n) => rest === `${envPart(n)}_CLASS` || rest.startsWith(`${envPart(n)}_PARAM_`));
    if (name === undefined) {
      throw new KstError('KST_CONFIG_INVALID', `${variable} is set, but names no provider of ${prefix}_CONFIG_PROVIDERS (${names.join(', ') || 'empty'}) as <NAME>_CLASS or <NAME>_PARAM_<PARAM>`, { key: variable });
    }
    const tail = rest.slice(envPart(name).length + 1);
    out[tail === 'CLASS' ? `${PROVIDER_PREFIX}${name}.class` : `${PROVIDER_PREFIX}${name}.param.${tail.slice('PARAM_'.length).toLowerCase().replace(/_/g, '.')}`] = value;
  }
  return out;
}

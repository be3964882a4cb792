/**
 * What a config provider is (Connect's `ConfigProvider`): given a path (which may be
 * empty) and the keys asked for under it, the values it has. A key it has no value for is
 * left out of the answer, and `missing` may say why; a path that cannot be read at all
 * throws. Providers are configured once, at worker start, from
 * `config.providers.<name>.param.*`; a bad parameter fails the start naming its key.
 *
 * Also here: `allowed.paths` as Connect's `AllowedPaths`, shared by the file and
 * directory providers.
 */

import { realpath } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { KstError } from '../../../common/errors.ts';

export interface ProviderAnswer {
  readonly data: ReadonlyMap<string, string>;
  /** Why the keys absent from `data` have no value, when the provider knows. */
  readonly missing?: string;
}

export interface ConfigProvider {
  get(path: string, keys: ReadonlySet<string>): Promise<ProviderAnswer>;
}

export interface ConfigProviderPlugin {
  /** Connect's class name, which `config.providers.<name>.class` gives. */
  readonly className: string;
  /** The `param.*` keys it takes. */
  readonly params: readonly string[];
  /** `keyPrefix` (`config.providers.<name>.param.`) names a bad parameter in the error. */
  create(params: Readonly<Record<string, string>>, keyPrefix: string): ConfigProvider;
}

/** An error reading a provider's source; its message names the path, never a value. */
export function providerError(message: string, cause?: unknown): KstError {
  return new KstError('KST_CONNECT_CONFIG_UNRESOLVED', message, {}, cause === undefined ? undefined : { cause });
}

const within = (path: string, root: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * `allowed.paths`: a comma-separated list of absolute, existing paths; a provider reads
 * only at or below one of them. Empty: every path is allowed (Connect's default).
 * Beyond Connect, a path is also refused when a symbolic link leads it out of every
 * allowed path.
 */
export class AllowedPaths {
  readonly #roots: readonly string[] | null;

  constructor(value: string | undefined, key: string) {
    if (value === undefined || value.trim() === '') {
      this.#roots = null;
      return;
    }
    this.#roots = value.split(',').map((entry) => {
      const path = normalize(entry.trim());
      if (!isAbsolute(path) || !existsSync(path)) {
        throw new KstError('KST_CONFIG_INVALID', `config "${key}": path ${path} is not valid; the path should be absolute and exist`, { key });
      }
      return resolve(path);
    });
  }

  /** The path to read, or null when it is outside every allowed path. */
  async check(path: string): Promise<string | null> {
    const normalised = resolve(normalize(path));
    if (this.#roots === null) return path;
    const roots = this.#roots;
    if (!roots.some((root) => within(normalised, root))) return null;
    const real = await realpath(normalised).catch(() => normalised);
    const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => root)));
    return realRoots.some((root) => within(real, root)) ? normalised : null;
  }

  describe(): string {
    return this.#roots === null ? '' : this.#roots.join(',');
  }
}

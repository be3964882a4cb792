/**
 * `${dir:/path/to/dir:filename}`: the content of a regular file in a directory on the
 * worker, as is (Connect's `DirectoryConfigProvider`; made for Docker and Kubernetes
 * secrets mounted as one file per secret). A trailing newline in the file is part of the
 * value, as in Connect. `allowed.paths` limits the directories it reads; a path that is
 * not a directory, or is outside them, gives no values.
 *
 * @example
 * ```properties
 * config.providers=dir
 * config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
 * config.providers.dir.param.allowed.paths=/run/secrets
 * connection.password=${dir:/run/secrets:postgres_password}
 * ```
 */

import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AllowedPaths, providerError, type ConfigProviderPlugin } from './config-provider.ts';

const ALLOWED_PATHS = 'allowed.paths';

export const directoryConfigProvider: ConfigProviderPlugin = {
  className: 'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
  params: [ALLOWED_PATHS],
  create(params, keyPrefix) {
    const allowed = new AllowedPaths(params[ALLOWED_PATHS], `${keyPrefix}${ALLOWED_PATHS}`);
    return {
      async get(path, keys) {
        if (path === '') return { data: new Map(), missing: 'the reference names no directory' };
        const dir = await allowed.check(path);
        if (dir === null) return { data: new Map(), missing: `${path} is outside ${ALLOWED_PATHS} (${allowed.describe()})` };
        if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) return { data: new Map(), missing: `${path} is not a directory` };
        const data = new Map<string, string>();
        for (const key of keys) {
          // A key is a file name in the directory, never a path below or above it.
          if (key !== basename(key) || key === '.' || key === '..') continue;
          const file = join(dir, key);
          if (!(await stat(file).then((s) => s.isFile(), () => false))) continue;
          try {
            data.set(key, await readFile(file, 'utf8'));
          } catch (error) {
            throw providerError(`Could not read file ${file} for property ${key}`, error);
          }
        }
        return { data, missing: `no such regular file in ${path}` };
      },
    };
  },
};

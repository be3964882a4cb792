/**
 * `${file:/path/to/file.properties:key}`: a key of a Java properties file on the worker
 * (Connect's `FileConfigProvider`). `allowed.paths` limits the files it reads; a file
 * outside them gives no values. A file that cannot be read fails the resolution, naming
 * the file.
 *
 * @example
 * ```properties
 * config.providers=file
 * config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
 * config.providers.file.param.allowed.paths=/etc/kafka/secrets
 * connection.password=${file:/etc/kafka/secrets/postgres.properties:password}
 * ```
 */

import { readFile } from 'node:fs/promises';
import { parseProperties } from '../properties-file.ts';
import { AllowedPaths, providerError, type ConfigProviderPlugin } from './config-provider.ts';

const ALLOWED_PATHS = 'allowed.paths';

export const fileConfigProvider: ConfigProviderPlugin = {
  className: 'org.apache.kafka.common.config.provider.FileConfigProvider',
  params: [ALLOWED_PATHS],
  create(params, keyPrefix) {
    const allowed = new AllowedPaths(params[ALLOWED_PATHS], `${keyPrefix}${ALLOWED_PATHS}`);
    return {
      async get(path, keys) {
        if (path === '') return { data: new Map(), missing: 'the reference names no file' };
        const file = await allowed.check(path);
        if (file === null) return { data: new Map(), missing: `${path} is outside ${ALLOWED_PATHS} (${allowed.describe()})` };
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          throw providerError(`Could not read properties from file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
        }
        const properties = parseProperties(text);
        const data = new Map<string, string>();
        for (const key of keys) {
          const value = properties.get(key);
          if (value !== undefined) data.set(key, value);
        }
        return { data, missing: `no such key in ${path}` };
      },
    };
  },
};

/**
 * `${env:NAME}`: the worker's environment variables (Connect's `EnvVarConfigProvider`).
 * `allowlist.pattern` (a regular expression, found anywhere in the name as Java's
 * `Pattern.asPredicate` finds it; default: every variable) limits which variables a
 * connector config may read. A path (`${env:some/path:NAME}`) is refused.
 *
 * @example
 * ```properties
 * config.providers=env
 * config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
 * config.providers.env.param.allowlist.pattern=^PG_.*$
 * connection.password=${env:PG_PASSWORD}
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import { providerError, type ConfigProviderPlugin } from './config-provider.ts';

const ALLOWLIST = 'allowlist.pattern';

export function envVarConfigProvider(env: Readonly<Record<string, string | undefined>> = process.env): ConfigProviderPlugin {
  return {
    className: 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    params: [ALLOWLIST],
    create(params, keyPrefix) {
      let allow = /.*/;
      const pattern = params[ALLOWLIST];
      if (pattern !== undefined) {
        try {
          allow = new RegExp(pattern);
        } catch (error) {
          throw new KstError('KST_CONFIG_INVALID', `config "${keyPrefix}${ALLOWLIST}": not a regular expression: ${(error as Error).message}`, { key: `${keyPrefix}${ALLOWLIST}` });
        }
      }
      return {
        async get(path, keys) {
          if (path !== '') throw providerError(`Path is not supported for EnvVarConfigProvider, invalid value '${path}'`);
          const data = new Map<string, string>();
          const refused: string[] = [];
          for (const key of keys) {
            const value = env[key];
            if (value === undefined) continue;
            if (allow.test(key)) data.set(key, value);
            else refused.push(key);
          }
          return refused.length > 0
            ? { data, missing: `not matched by ${ALLOWLIST} ${allow.source}` }
            : { data, missing: 'no such environment variable on this worker' };
        },
      };
    },
  };
}

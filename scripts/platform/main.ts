/**
 * Runs the e-commerce services on their own until SIGINT/SIGTERM:
 *
 *   PLATFORM_INSTANCES=2 ECOMMERCE_TOPIC_PREFIX=dev- node scripts/platform/main.ts
 *
 * The launcher's keys come from `PLATFORM_*` variables (see `platform-config.ts`), the
 * services' settings from the `ECOMMERCE_*` variables they read themselves (see
 * `topologies/ecommerce/service-config.ts`); both are validated before anything starts.
 * Prints where each process answers queries, serves its metrics and where its log is. Each process is
 * supervised (`PLATFORM_SUPERVISE`, default true): one that crashes is printed and
 * restarted after a backoff; SIGINT/SIGTERM stop them all and restart nothing.
 */

import { ecommerceServiceConfig, ENV_PREFIX } from '../../topologies/ecommerce/service-config.ts';
import { PER_PROCESS, platformConfig } from './platform-config.ts';
import { Platform } from './services.ts';

const PLATFORM_PREFIX = 'PLATFORM';

/** The config keys whose variable is set, with the variable's value (validated later, with the rest). */
function fromVariables(keys: readonly string[], envName: (key: string) => string, skip: ReadonlySet<string> = new Set()): Record<string, string> {
  const input: Record<string, string> = {};
  for (const key of keys) {
    const value = process.env[envName(key)];
    if (value !== undefined && !skip.has(key)) input[key] = value;
  }
  return input;
}

const launcher = fromVariables(Object.keys(platformConfig.fields), (key) => platformConfig.envName(key as keyof typeof platformConfig.fields & string, PLATFORM_PREFIX));
const settings = fromVariables(
  Object.keys(ecommerceServiceConfig.fields),
  (key) => ecommerceServiceConfig.envName(key as keyof typeof ecommerceServiceConfig.fields & string, ENV_PREFIX),
  PER_PROCESS,
);
const started = Date.now();
const platform = await Platform.start(launcher, settings);
console.log(`platform: ${platform.processes.length} processes RUNNING in ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const { name, endpoint, metrics, logFile } of platform.endpoints()) console.log(`  ${name.padEnd(16)} queries on ${endpoint}  metrics ${metrics}  log ${logFile}`);
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  platform.stop().then((unclean) => {
    if (unclean.length > 0) console.error(`not stopped cleanly: ${unclean.join(', ')}`);
    process.exit(unclean.length === 0 ? 0 : 1);
  }, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

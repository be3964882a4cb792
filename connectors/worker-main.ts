/**
 * Starts a Connect worker from the environment, so the platform can run it:
 * `CONNECT_BOOTSTRAP_SERVERS`, `CONNECT_GROUP_ID`, `CONNECT_REST_PORT`... (every key of
 * `config/worker-config.ts`, upper-cased with `.` as `_`, the config providers'
 * `CONNECT_CONFIG_PROVIDERS_<NAME>_CLASS` / `_PARAM_<PARAM>`, and `CONNECT_GROUP_INSTANCE_ID`
 * for static membership, see `cluster/static-membership.ts`). With no bootstrap given it
 * uses the local stack's Kafka. Invalid settings fail at start, naming the variable.
 *
 * Logs are JSON lines on stdout (`CONNECT_LOG_LEVEL`, changed at runtime through
 * `/admin/loggers`); the one plain line `connect worker listening on <url>` tells a
 * launcher it serves. Prometheus metrics: `<url>/metrics`.
 *
 * @example
 * ```sh
 * CONNECT_REST_PORT=8083 CONNECT_GROUP_ID=connect-cluster node connectors/worker-main.ts
 * ```
 */

import { isKstError } from '../common/errors.ts';
import { connectMembershipConfig } from './cluster/static-membership.ts';
import { workerSettingsFromEnv } from './config/worker-config.ts';
import { startTracing, type Tracing } from '../telemetry/tracing.ts';
import { jsonLogSink } from './logging/json-log-sink.ts';
import { Worker } from './worker.ts';

async function main(): Promise<void> {
  let worker: Worker | undefined;
  let tracing: Tracing;
  try {
    tracing = startTracing(process.env, { serviceName: 'connect' });
    // Read here so that an error names the variable; the Worker validates the settings again.
    const groupInstanceId = connectMembershipConfig.fromEnv(process.env, 'CONNECT')['group.instance.id'];
    const logSink = jsonLogSink({ instance: () => worker?.workerId ?? '' });
    worker = new Worker(workerSettingsFromEnv(process.env, 'CONNECT'), { logSink, ...(groupInstanceId === '' ? {} : { groupInstanceId }) });
  } catch (error) {
    console.error(isKstError(error) ? error.message : error);
    process.exit(2);
  }
  await worker.start();
  console.log(`connect worker listening on ${worker.url}`);
  const shutdown = (): void => {
    worker.stop().then(() => tracing.shutdown()).then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();

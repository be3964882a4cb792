/**
 * Entry point of the gateway process: `node gateway/main.ts`. Settings come from
 * `GATEWAY_*` variables (see `config.ts`; `GATEWAY_JWT_SECRET`, `GATEWAY_JWKS_URL`,
 * `GATEWAY_JWKS_FILE` or `GATEWAY_AUTH_PRIVATE_KEY_FILE` (sign-in) is required, and the
 * development secret only on loopback). Prints
 * `gateway listening on http://…` once it serves, and stops cleanly on SIGINT/SIGTERM. Logs
 * are JSON lines (`GATEWAY_LOG_LEVEL`); Prometheus metrics at `/metrics`.
 * With `OTEL_EXPORTER_OTLP_ENDPOINT` set it traces each request (telemetry/tracing.ts).
 *
 * @example
 * ```sh
 * GATEWAY_JWT_SECRET="$(openssl rand -base64 32)" GATEWAY_ORDER_QUERY_ENDPOINTS=127.0.0.1:50051 node gateway/main.ts
 * ```
 */

import { hostname } from 'node:os';
import { isKstError } from '../common/errors.ts';
import { gatewayConfig } from './config.ts';
import { startTracing, type Tracing } from '../telemetry/tracing.ts';
import { startGateway, type Gateway } from './gateway.ts';

let gateway: Gateway;
let tracing: Tracing;
try {
  const config = gatewayConfig.fromEnv(process.env, 'GATEWAY');
  tracing = startTracing(process.env, { serviceName: 'gateway' });
  // JSON log lines as the services' and the worker's: service and instance on each.
  gateway = await startGateway(config, {
    logger: { level: config['log.level'], base: { service: 'gateway', instance: `${hostname()}-${process.pid}` }, formatters: { level: (label) => ({ level: label }) }, timestamp: () => `,"time":"${new Date().toISOString()}"` },
  });
} catch (error) {
  // A configuration the gateway refuses: say which variable, exit 78 (EX_CONFIG) without a stack.
  if (!isKstError(error, 'KST_CONFIG_INVALID')) throw error;
  process.stderr.write(`gateway: ${error.message}\n`);
  process.exit(78);
}
console.log(`gateway listening on ${gateway.url}`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  gateway.close().then(() => tracing.shutdown()).then(() => process.exit(0), (error: unknown) => {
    console.error('gateway: closing failed', error);
    process.exit(1);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

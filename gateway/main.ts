/**
 * Entry point of the gateway process: `node gateway/main.ts`. Settings come from
 * `GATEWAY_*` variables (see `config.ts`; `GATEWAY_JWT_SECRET` is required). Prints
 * `gateway listening on http://…` once it serves, and stops cleanly on SIGINT/SIGTERM.
 *
 * @example
 * ```sh
 * GATEWAY_JWT_SECRET=change-me-please-16 GATEWAY_ORDER_QUERY_ENDPOINTS=127.0.0.1:50051 node gateway/main.ts
 * ```
 */

import { gatewayConfig } from './config.ts';
import { startGateway } from './gateway.ts';

const config = gatewayConfig.fromEnv(process.env, 'GATEWAY');
const gateway = await startGateway(config, { logger: { level: process.env['GATEWAY_LOG_LEVEL'] ?? 'info' } });
console.log(`gateway listening on ${gateway.url}`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  gateway.close().then(() => process.exit(0), (error: unknown) => {
    console.error('gateway: closing failed', error);
    process.exit(1);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

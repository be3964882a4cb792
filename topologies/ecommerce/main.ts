/**
 * Entry point of one service process:
 *
 *   node topologies/ecommerce/main.ts <order|inventory|payment|shipping|notification|customer>
 *
 * configured by `ECOMMERCE_*` variables (see `service-config.ts`). Closes cleanly on
 * SIGTERM/SIGINT. The gateway's processes use `startService` instead, to serve queries
 * beside the client.
 */

import { ApplicationIds, type ServiceName } from './contracts/stores.ts';
import { startService } from './run-service.ts';
import { ecommerceServiceConfig, ENV_PREFIX } from './service-config.ts';

const name = process.argv[2] ?? '';
if (!Object.hasOwn(ApplicationIds, name)) {
  process.stderr.write(`usage: node topologies/ecommerce/main.ts <${Object.keys(ApplicationIds).join('|')}>\n`);
  process.exit(64);
}
const config = ecommerceServiceConfig.fromEnv(process.env, ENV_PREFIX);
const service = await startService(name as ServiceName, config);
process.stdout.write(`${service.applicationId} started${config['application.server'] === '' ? '' : `, queries on ${config['application.server']}`}\n`);
let closing = false;
const stop = (): void => {
  if (closing) return;
  closing = true;
  service.close().then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(70);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

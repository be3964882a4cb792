/**
 * Entry point of one service process without a query server:
 *
 *   node topologies/ecommerce/main.ts <order|inventory|payment|shipping|notification|customer>
 *
 * configured by `ECOMMERCE_*` variables (see `service-config.ts`). The platform runs
 * `gateway/service-main.ts` instead, which adds the service's gRPC query server. Its
 * stdout lines and exit codes are described in `service-main-loop.ts`.
 */

import { runServiceProcess, serviceSettings } from './service-main-loop.ts';

const { name, settings } = serviceSettings(process.argv[2], 'node topologies/ecommerce/main.ts');
await runServiceProcess(name, settings);

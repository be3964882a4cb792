/**
 * Entry point of one service process without a query server:
 *
 *   node topologies/ecommerce/main.ts <order|inventory|payment|shipping|notification|customer|cart>
 *
 * configured by `ECOMMERCE_*` variables (see `service-config.ts`). The platform runs
 * `gateway/service-main.ts` instead, which adds the service's gRPC query server. Its
 * stdout lines and exit codes are described in `service-main-loop.ts`.
 */

import { isKstError } from '../../common/errors.ts';
import { startTracing, type Tracing } from '../../telemetry/tracing.ts';
import { runServiceProcess, serviceSettings } from './service-main-loop.ts';

const { name, settings } = serviceSettings(process.argv[2], 'node topologies/ecommerce/main.ts');
let tracing: Tracing;
try {
  // With OTEL_EXPORTER_OTLP_ENDPOINT set, before the streams client starts (telemetry/tracing.ts).
  tracing = startTracing(process.env, { serviceName: name });
} catch (error) {
  if (!isKstError(error, 'KST_CONFIG_INVALID')) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}
await runServiceProcess(name, settings, { close: () => tracing.shutdown() });

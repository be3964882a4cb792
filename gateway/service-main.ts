/**
 * Entry point of one e-commerce service instance together with its gRPC query server,
 * the way the platform runs services:
 *
 *   node gateway/service-main.ts <order|inventory|payment|shipping|notification|customer>
 *
 * The service reads `ECOMMERCE_*` variables (topologies/ecommerce/service-config.ts), the
 * query server `QUERY_*` (grpc/query-server.ts). The query server binds first, so its
 * endpoint — also with `QUERY_GRPC_PORT=0` — becomes the instance's `application.server`
 * and every instance's metadata names where the owner of a key answers. It lives here,
 * not in topologies/ecommerce, because only the gateway layer may import gRPC. Stdout
 * lines and exit codes: topologies/ecommerce/service-main-loop.ts.
 */

import { isKstError } from '../common/errors.ts';
import { startupMark } from '../common/startup-trace.ts';
import { runServiceProcess, serviceSettings } from '../topologies/ecommerce/service-main-loop.ts';
import { QueryServer, queryServerConfig } from './grpc/query-server.ts';

startupMark('modules loaded');
const { name, settings } = serviceSettings(process.argv[2], 'node gateway/service-main.ts');
let server: QueryServer;
try {
  server = await QueryServer.fromConfig(queryServerConfig.fromEnv(process.env, 'QUERY'));
} catch (error) {
  if (!isKstError(error, 'KST_CONFIG_INVALID')) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}
startupMark('query server bound');
await runServiceProcess(name, settings, {
  overrides: { 'application.server': server.endpoint },
  // SERVING while the client is RUNNING: what health checks (and the platform launcher) see.
  stateChanged: (state) => server.health.setServing(state === 'RUNNING'),
  beforeStart: (service) => server.serve(service.streams),
  close: () => server.close(),
});

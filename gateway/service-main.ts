/**
 * Entry point of one e-commerce service instance together with its gRPC query server,
 * the way the platform runs services:
 *
 *   node gateway/service-main.ts <order|inventory|payment|shipping|notification|customer|cart>
 *
 * The service reads `ECOMMERCE_*` variables (topologies/ecommerce/service-config.ts), the
 * query server `QUERY_*` (grpc/query-server-config.ts). The query server's endpoint
 * becomes the instance's `application.server`, so every instance's metadata names where
 * the owner of a key answers. With a fixed port (a launcher's restart) the service starts
 * while gRPC loads and binds, which keeps gRPC off a restart's path to processing; with
 * `QUERY_GRPC_PORT=0` the server binds first and its port is the endpoint. Started as a
 * launcher's warm spare (`KST_WARM_SPARE=1`) it loads its modules and waits to be
 * activated (common/warm-start.ts). It lives here,
 * not in topologies/ecommerce, because only the gateway layer may import gRPC. Stdout
 * lines and exit codes: topologies/ecommerce/service-main-loop.ts. With
 * `OTEL_EXPORTER_OTLP_ENDPOINT` set, it traces (telemetry/tracing.ts; service.name is the
 * service's name unless `OTEL_SERVICE_NAME` says otherwise).
 */

import { isKstError } from '../common/errors.ts';
import { startupMark } from '../common/startup-trace.ts';
import { activation, isWarmSpare } from '../common/warm-start.ts';
import type { ClientState } from '../processors/client/index.ts';
import { prepareService, type PreparedService, type RunningService } from '../topologies/ecommerce/run-service.ts';
import { runServiceProcess, serviceSettings } from '../topologies/ecommerce/service-main-loop.ts';
import { startTracing, type Tracing } from '../telemetry/tracing.ts';
import { configuredEndpoint, queryServerConfig, type QueryServerConfig } from './grpc/query-server-config.ts';
import type { QueryServer } from './grpc/query-server.ts';

function exitOnConfigError(error: unknown): never {
  if (!isKstError(error, 'KST_CONFIG_INVALID')) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}

startupMark('modules loaded');
let prepared: Promise<PreparedService> | undefined;
if (isWarmSpare()) {
  // A launcher's warm spare (common/warm-start.ts) loads gRPC too, and checks the platform
  // topics and its schemas (nothing of the run: no group, no state, no port) while it waits.
  (await import('./grpc/query-server.ts')).QueryServer.preload();
  const ahead = serviceSettings(process.argv[2], 'node gateway/service-main.ts');
  prepared = prepareService(ahead.name, ahead.settings);
  // Not awaited: an activation does not wait for it (the service does, or prepares anew if it failed).
  prepared.then(() => startupMark('spare ready'), () => undefined);
  await activation();
  startupMark('spare activated');
}
const { name, settings } = serviceSettings(process.argv[2], 'node gateway/service-main.ts');
let config: QueryServerConfig;
let tracing: Tracing;
try {
  // Before the streams client starts: its tasks decide when they are made whether to trace.
  tracing = startTracing(process.env, { serviceName: name, ...(process.env['ECOMMERCE_GROUP_INSTANCE_ID'] ? { instanceId: process.env['ECOMMERCE_GROUP_INSTANCE_ID'] } : {}) });
  config = queryServerConfig.fromEnv(process.env, 'QUERY');
} catch (error) {
  exitOnConfigError(error);
}
/** What the ops page asks an instance about itself (gateway/grpc/services/instance-ops.ts). */
const about = (running: RunningService) => ({ applicationId: running.applicationId, topology: running.topology.describe() });
// gRPC loads and binds while the service starts when the endpoint is known beforehand (a
// fixed port, as every restart under the launcher has); with port 0 the bound port is
// the endpoint, so the service waits for it.
const listening = import('./grpc/query-server.ts').then(({ QueryServer }) => QueryServer.fromConfig(config));
const endpoint = configuredEndpoint(config) ?? (await listening.catch(exitOnConfigError)).endpoint;
let server: QueryServer | undefined;
let service: RunningService | undefined;
let state: ClientState | undefined;
void listening.then((bound) => {
  startupMark('query server bound');
  server = bound;
  if (service !== undefined) bound.serve(service.streams, about(service));
  bound.health.setServing(state === 'RUNNING');
}, exitOnConfigError);
await runServiceProcess(name, settings, {
  overrides: { 'application.server': endpoint },
  // SERVING while the client is RUNNING: what health checks (and the platform launcher) see.
  stateChanged: (next) => {
    state = next;
    server?.health.setServing(next === 'RUNNING');
  },
  beforeStart: (created) => {
    service = created;
    server?.serve(created.streams, about(created));
  },
  close: async () => {
    await (await listening.catch(() => undefined))?.close();
    await tracing.shutdown();
  },
  ...(prepared === undefined ? {} : { prepared }),
});

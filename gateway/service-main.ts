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
 * not in topologies/ecommerce, because only the gateway layer may import gRPC.
 * Prints `<application id> started, queries on <host:port>` once the client runs and
 * closes cleanly on SIGTERM/SIGINT.
 */

import { isKstError } from '../common/errors.ts';
import { ApplicationIds, type ServiceName } from '../topologies/ecommerce/contracts/stores.ts';
import { createService } from '../topologies/ecommerce/run-service.ts';
import { ecommerceServiceConfig, ENV_PREFIX } from '../topologies/ecommerce/service-config.ts';
import { QueryServer, queryServerConfig } from './grpc/query-server.ts';

const name = process.argv[2] ?? '';
if (!Object.hasOwn(ApplicationIds, name)) {
  process.stderr.write(`usage: node gateway/service-main.ts <${Object.keys(ApplicationIds).join('|')}>\n`);
  process.exit(64);
}

function configOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    process.stderr.write(`${isKstError(error) ? error.message : String(error)}\n`);
    process.exit(78);
  }
}

const queryConfig = configOrExit(() => queryServerConfig.fromEnv(process.env, 'QUERY'));
const serviceEnv = configOrExit(() => ecommerceServiceConfig.fromEnv(process.env, ENV_PREFIX));
const server = await QueryServer.fromConfig(queryConfig);
const service = await createService(name as ServiceName, { ...serviceEnv, 'application.server': server.endpoint });
server.serve(service.streams);
await service.streams.start();
process.stdout.write(`${service.applicationId} started, queries on ${server.endpoint}\n`);

let closing = false;
const stop = (): void => {
  if (closing) return;
  closing = true;
  Promise.all([service.close(), server.close()]).then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(70);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

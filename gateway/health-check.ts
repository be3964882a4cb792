/**
 * A health check for scripts and container runtimes that have no grpcurl: asks a query
 * server's `grpc.health.v1.Health/Check` and exits 0 when it answers SERVING, 1 when it
 * answers anything else or does not answer within 2 s. Prints the status.
 *
 * @example
 * ```sh
 * node gateway/health-check.ts 127.0.0.1:50051            # the whole server
 * node gateway/health-check.ts 127.0.0.1:50051 kstreams.ecommerce.v1.OrderQueries
 * ```
 */

import { checkHealth } from './grpc/health-probe.ts';

const [endpoint = '127.0.0.1:50051', service = ''] = process.argv.slice(2);
try {
  const status = await checkHealth(endpoint, { service, timeoutMs: 2_000 });
  console.log(status);
  process.exit(status === 'SERVING' ? 0 : 1);
} catch (error) {
  console.log(`no answer from ${endpoint}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

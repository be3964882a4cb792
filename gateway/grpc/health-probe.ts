/**
 * A gRPC health check (`grpc.health.v1.Health/Check`) of one endpoint, as the platform
 * launcher probes its service processes: a fresh channel per check, so a process that
 * just restarted on the same port is seen at once (a kept channel would wait out its
 * reconnect backoff), closed after the answer.
 *
 * @example
 * ```ts
 * await checkHealth('127.0.0.1:50051'); // 'SERVING' | 'NOT_SERVING' | 'UNKNOWN' | 'SERVICE_UNKNOWN'
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as HEALTH_PROTO } from 'grpc-health-check';

export type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

type HealthClient = grpc.Client & {
  check(request: { service: string }, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: { status: HealthStatus }) => void): void;
};

let Health: grpc.ServiceClientConstructor | undefined;

function healthClient(endpoint: string): HealthClient {
  if (Health === undefined) {
    const definition = protoLoader.loadSync(HEALTH_PROTO, { keepCase: true, enums: String, defaults: true });
    const root = grpc.loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
    Health = root.grpc.health.v1.Health;
  }
  return new Health(endpoint, grpc.credentials.createInsecure()) as unknown as HealthClient;
}

/** The status `endpoint` reports for `service` (`''`: the whole server); rejects when it does not answer within `timeoutMs`. */
export function checkHealth(endpoint: string, options: { readonly service?: string; readonly timeoutMs?: number } = {}): Promise<HealthStatus> {
  const client = healthClient(endpoint);
  return new Promise<HealthStatus>((resolve, reject) => {
    client.check({ service: options.service ?? '' }, { deadline: Date.now() + (options.timeoutMs ?? 1_000) }, (error, response) => {
      if (error !== null) reject(error);
      else resolve(response?.status ?? 'UNKNOWN');
    });
  }).finally(() => client.close());
}

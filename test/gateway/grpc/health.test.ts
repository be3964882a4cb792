import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HEALTH_SERVICE_NAME, QUERY_SERVICE_NAMES } from '../../../gateway/grpc/health.ts';
import { INSTANCE_OPS_SERVICE_NAME } from '../../../gateway/grpc/ops-proto.ts';
import { checkHealth } from '../../../gateway/grpc/health-probe.ts';
import { QueryServer } from '../../../gateway/grpc/query-server.ts';
import { createTokenVerifier } from '../../../gateway/auth/jwt.ts';

const REFLECTION_PROTO = createRequire(import.meta.url).resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');

/** The service names a server lists through reflection v1 (what `grpcurl list` asks). */
async function listServices(endpoint: string): Promise<string[]> {
  const definition = protoLoader.loadSync(REFLECTION_PROTO, { keepCase: true });
  const root = grpc.loadPackageDefinition(definition) as unknown as { grpc: { reflection: { v1: { ServerReflection: grpc.ServiceClientConstructor } } } };
  const client = new root.grpc.reflection.v1.ServerReflection(endpoint, grpc.credentials.createInsecure()) as unknown as grpc.Client & { ServerReflectionInfo(): grpc.ClientDuplexStream<object, { list_services_response?: { service: { name: string }[] } }> };
  try {
    return await new Promise((resolve, reject) => {
      const call = client.ServerReflectionInfo();
      call.on('data', (response) => {
        resolve((response.list_services_response?.service ?? []).map((s: { name: string }) => s.name));
        call.end();
      });
      call.on('error', reject);
      call.write({ list_services: '' });
    });
  } finally {
    client.close();
  }
}

test('a query server answers health checks without a token: NOT_SERVING until told, then SERVING for itself and each query service', async () => {
  const server = await QueryServer.listen({ verify: createTokenVerifier({ secret: 'a-query-secret-of-at-least-32-bytes-01', maxLifetimeS: 3600 }) });
  try {
    assert.equal(await checkHealth(server.endpoint), 'NOT_SERVING');
    assert.equal(await checkHealth(server.endpoint, { service: 'kstreams.ecommerce.v1.OrderQueries' }), 'NOT_SERVING');
    server.health.setServing(true);
    for (const service of ['', ...QUERY_SERVICE_NAMES]) assert.equal(await checkHealth(server.endpoint, { service }), 'SERVING', service);
    server.health.setServing(false);
    assert.equal(await checkHealth(server.endpoint), 'NOT_SERVING');
    await assert.rejects(checkHealth(server.endpoint, { service: 'no.such.Service' }), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND);
  } finally {
    await server.close();
  }
});

test('reflection lists the query services, InstanceOps and the health service', async () => {
  const server = await QueryServer.listen();
  try {
    const listed = await listServices(server.endpoint);
    for (const name of [...QUERY_SERVICE_NAMES, INSTANCE_OPS_SERVICE_NAME, HEALTH_SERVICE_NAME]) assert.ok(listed.includes(name), `${name} in ${listed.join(', ')}`);
  } finally {
    await server.close();
  }
});

test('a health check of an endpoint where nothing listens fails within its deadline', async () => {
  const server = await QueryServer.listen();
  const endpoint = server.endpoint;
  await server.close();
  const started = Date.now();
  await assert.rejects(checkHealth(endpoint, { timeoutMs: 500 }), (e: grpc.ServiceError) => e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED);
  assert.ok(Date.now() - started < 3_000);
});

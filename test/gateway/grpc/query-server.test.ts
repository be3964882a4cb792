import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { isKstError } from '../../../common/errors.ts';
import { signToken } from '../../../gateway/auth/jwt.ts';
import { DEV_JWT_SECRET } from '../../../gateway/auth/settings.ts';
import { PeerClients, type Method } from '../../../gateway/grpc/peer-clients.ts';
import { queryServices } from '../../../gateway/grpc/proto.ts';
import { QueryServer, queryServerConfig } from '../../../gateway/grpc/query-server.ts';

const naming = (variable: string, pattern: RegExp) => (e: unknown): boolean => isKstError(e, 'KST_CONFIG_INVALID') && e.message.includes(variable) && pattern.test(e.message);

test('a query server without key material, or with the development secret, listens on loopback only; it says which variable', async () => {
  await assert.rejects(QueryServer.fromConfig(queryServerConfig.fromEnv({ QUERY_GRPC_HOST: '0.0.0.0', QUERY_GRPC_PORT: '0' }, 'QUERY')), naming('QUERY_AUTH_JWT_SECRET', /listens on loopback only/));
  await assert.rejects(QueryServer.fromConfig(queryServerConfig.fromEnv({ QUERY_GRPC_HOST: '0.0.0.0', QUERY_GRPC_PORT: '0', QUERY_AUTH_JWT_SECRET: DEV_JWT_SECRET }, 'QUERY')), naming('QUERY_AUTH_JWT_SECRET', /public development secret/));
  assert.throws(() => queryServerConfig.fromEnv({ QUERY_AUTH_JWT_SECRET: 'short-secret' }, 'QUERY'), naming('QUERY_AUTH_JWT_SECRET', /at least 32 bytes/));
});

test('configured from QUERY_AUTH_*, a server authenticates before anything else: no token UNAUTHENTICATED, a customer on Range PERMISSION_DENIED', async () => {
  const server = await QueryServer.fromConfig(queryServerConfig.fromEnv({ QUERY_GRPC_PORT: '0', QUERY_AUTH_JWT_SECRET: DEV_JWT_SECRET }, 'QUERY'));
  const peers = new PeerClients({ deadlineMs: 5_000 });
  try {
    const getOrder = queryServices().OrderQueries.service['GetOrder'] as Method;
    const range = queryServices().StoreQueries.service['Range'] as Method;
    const status = async (target: Method, request: object, bearer?: string): Promise<grpc.status> => {
      const metadata = new grpc.Metadata();
      if (bearer !== undefined) metadata.set('authorization', `Bearer ${bearer}`);
      return peers.unary(server.endpoint, target, request, metadata).then(() => grpc.status.OK, (error: grpc.ServiceError) => error.code);
    };
    const customer = await signToken({ sub: 'alice', role: 'customer' }, DEV_JWT_SECRET);
    assert.equal(await status(getOrder, { orderId: 'o-1' }), grpc.status.UNAUTHENTICATED);
    assert.equal(await status(range, { store: 'customers' }, customer), grpc.status.PERMISSION_DENIED);
    // Authenticated and allowed: only now does it find it has no streams application yet.
    assert.equal(await status(getOrder, { orderId: 'o-1' }, customer), grpc.status.UNAVAILABLE);
  } finally {
    peers.close();
    await server.close(100);
  }
});

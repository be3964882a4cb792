import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configuredEndpoint, queryServerConfig } from '../../../gateway/grpc/query-server-config.ts';

test('the endpoint is known before binding for a fixed port (the advertised host when set), not for port 0', () => {
  assert.equal(configuredEndpoint(queryServerConfig.fromEnv({ QUERY_GRPC_PORT: '50061' }, 'QUERY')), '127.0.0.1:50061');
  assert.equal(configuredEndpoint(queryServerConfig.fromEnv({ QUERY_GRPC_HOST: '0.0.0.0', QUERY_GRPC_ADVERTISED_HOST: 'order-1', QUERY_GRPC_PORT: '50061' }, 'QUERY')), 'order-1:50061');
  assert.equal(configuredEndpoint(queryServerConfig.fromEnv({ QUERY_GRPC_PORT: '0' }, 'QUERY')), undefined);
});

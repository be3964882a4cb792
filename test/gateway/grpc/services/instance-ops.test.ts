/**
 * `InstanceOps` without a broker: the topology message carries `describe()` whole (every
 * node with its topics, stores and neighbours, the global stores, the text), and a query
 * server answers `DescribeInstance` to admins only (the answer from a running client is
 * checked by the ops page's integration test).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { signToken } from '../../../../gateway/auth/jwt.ts';
import { opsServices } from '../../../../gateway/grpc/ops-proto.ts';
import { PeerClients, type Method } from '../../../../gateway/grpc/peer-clients.ts';
import { QueryServer, queryServerConfig } from '../../../../gateway/grpc/query-server.ts';
import { topologyMessage } from '../../../../gateway/grpc/services/instance-ops.ts';
import { Consumed, Grouped, Materialized, Produced, Serdes, StreamsBuilder } from '../../../../index.ts';

const secret = 'instance-ops-secret-0123456789-abcdef';

test('the topology message is describe() as data: sub-topologies, nodes with topics, stores and neighbours, global stores, the text', () => {
  const builder = new StreamsBuilder();
  builder.globalTable('prices', Consumed.with(Serdes.String(), Serdes.String()), Materialized.as('price-store'));
  builder.stream('lines', Consumed.with(Serdes.String(), Serdes.String()))
    .flatMapValues((line) => line.split(' '))
    .groupBy((_key, word) => word, Grouped.with(Serdes.String(), Serdes.String()))
    .count(Materialized.as('counts'))
    .toStream()
    .to('word-counts', Produced.with(Serdes.String(), Serdes.Long()));
  const description = builder.build().describe();
  const message = topologyMessage(description);
  assert.equal(message.text, description.toString());
  assert.deepEqual(message.subtopologies.map((s) => s.id), description.subtopologies.map((s) => s.id));
  assert.deepEqual(message.subtopologies.flatMap((s) => s.nodes), description.subtopologies.flatMap((s) => s.nodes).map((n) => ({ ...n, topics: [...n.topics], stores: [...n.stores], successors: [...n.successors], predecessors: [...n.predecessors] })));
  const nodes = message.subtopologies.flatMap((s) => s.nodes);
  assert.ok(nodes.some((n) => n.type === 'source' && n.topics.includes('lines')));
  assert.ok(nodes.some((n) => n.type === 'processor' && n.stores.includes('counts')));
  assert.ok(nodes.some((n) => n.type === 'sink' && n.topics.includes('word-counts')));
  assert.deepEqual(message.globalStores.map((g) => [g.source.topics, g.processor.stores]), [[['prices'], ['price-store']]]);
});

test('DescribeInstance is for admins and the platform: UNAUTHENTICATED without a token, PERMISSION_DENIED for a customer', async (t) => {
  const server = await QueryServer.fromConfig(queryServerConfig.fromEnv({ QUERY_GRPC_PORT: '0', QUERY_AUTH_JWT_SECRET: secret }, 'QUERY'));
  const peers = new PeerClients({ deadlineMs: 5_000 });
  t.after(async () => {
    peers.close();
    await server.close(100);
  });
  const describe = opsServices().InstanceOps.service['DescribeInstance'] as Method;
  const status = async (role?: 'customer' | 'admin' | 'service'): Promise<grpc.status> => {
    const metadata = new grpc.Metadata();
    if (role !== undefined) metadata.set('authorization', `Bearer ${await signToken({ sub: 'x', role }, secret)}`);
    return peers.unary(server.endpoint, describe, {}, metadata).then(() => grpc.status.OK, (error: grpc.ServiceError) => error.code);
  };
  assert.equal(await status(), grpc.status.UNAUTHENTICATED);
  assert.equal(await status('customer'), grpc.status.PERMISSION_DENIED);
  // Allowed: only now does it find it has no streams application yet.
  assert.equal(await status('admin'), grpc.status.UNAVAILABLE);
  assert.equal(await status('service'), grpc.status.UNAVAILABLE);
});

/**
 * The ops collector against real gRPC servers on loopback that answer `DescribeInstance`
 * with set descriptions (the instances' side is tested in instance-ops.test.ts and the
 * ops page's integration test): from one seed it finds every member of the group's host
 * table, groups instances by application, attributes each input partition's lag to its
 * owner, lists a member that does not answer as unreachable, and sends its token.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { opsServices, type InstanceDescriptionMessage, type MemberMessage } from '../../../gateway/grpc/ops-proto.ts';
import type { GroupLagSource, PartitionLag } from '../../../gateway/ops/group-lag.ts';
import { OpsCollector } from '../../../gateway/ops/ops-collector.ts';

type Fake = { endpoint: string; server: grpc.Server; tokens: string[] };

async function instance(describe: (endpoint: string) => InstanceDescriptionMessage): Promise<Fake> {
  const server = new grpc.Server();
  const tokens: string[] = [];
  let endpoint = '';
  server.addService(opsServices().InstanceOps.service, {
    DescribeInstance(call: grpc.ServerUnaryCall<object, InstanceDescriptionMessage>, callback: grpc.sendUnaryData<InstanceDescriptionMessage>) {
      tokens.push(String(call.metadata.get('authorization')[0] ?? ''));
      callback(null, describe(endpoint));
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error))));
  endpoint = `127.0.0.1:${port}`;
  return { endpoint, server, tokens };
}

const tp = (topic: string, partition: number) => ({ topic, partition });
const topology = { subtopologies: [{ id: 0, nodes: [{ type: 'source', name: 'in', topics: ['orders.commands'], stores: [], successors: ['saga'], predecessors: [] }, { type: 'processor', name: 'saga', topics: [], stores: ['orders'], successors: [], predecessors: ['in'] }] }], globalStores: [], text: 'Topologies: …' };

function description(applicationId: string, endpoint: string, members: MemberMessage[], taskPartition: number): InstanceDescriptionMessage {
  return {
    applicationId,
    endpoint,
    state: 'RUNNING',
    topology,
    threads: [{ name: `${endpoint}-StreamThread-1`, state: 'RUNNING', activeTasks: [{ taskId: `0_${taskPartition}`, topicPartitions: [tp('orders.commands', taskPartition)] }], standbyTasks: [] }],
    storeLags: [{ store: 'orders', partition: taskPartition, currentOffset: 7, endOffset: 9, offsetLag: 2 }],
    members,
    atMs: 1_000,
  };
}

test('from one seed: every member of the host table, grouped by application, with its tasks, store lags and input lag; a silent member is listed unreachable', async (t) => {
  const away = '127.0.0.1:1'; // a member in the host table whose process is gone
  let members: MemberMessage[] = [];
  const a = await instance((endpoint) => description('app-order', endpoint, members, 0));
  const b = await instance((endpoint) => description('app-order', endpoint, members, 1));
  const other = await instance((endpoint) => description('app-inventory', endpoint, [{ endpoint, processId: 'p-inv', activePartitions: [tp('inventory.commands', 0)], standbyPartitions: [] }], 0));
  members = [
    { endpoint: a.endpoint, processId: 'p-a', activePartitions: [tp('orders.commands', 0)], standbyPartitions: [tp('orders.commands', 1)] },
    { endpoint: b.endpoint, processId: 'p-b', activePartitions: [tp('orders.commands', 1)], standbyPartitions: [] },
    { endpoint: away, processId: 'p-gone', activePartitions: [tp('orders.commands', 2)], standbyPartitions: [] },
  ];
  const asked: Array<[string, string[]]> = [];
  const lag: GroupLagSource = {
    of: async (groupId, partitions): Promise<PartitionLag[]> => {
      asked.push([groupId, partitions.map((p) => `${p.topic}-${p.partition}`).sort()]);
      return partitions.map((p) => ({ topic: p.topic, partition: p.partition, committed: 10, end: 10 + 5 * (p.partition + 1), lag: 5 * (p.partition + 1) }));
    },
    close: async () => undefined,
  };
  const collector = new OpsCollector({ seeds: [a.endpoint, other.endpoint, '127.0.0.1:2'], deadlineMs: 1_000, token: async () => 'service-token', lag });
  t.after(async () => {
    await collector.close();
    for (const fake of [a, b, other]) fake.server.forceShutdown();
  });

  const snapshot = await collector.collect();
  assert.deepEqual(snapshot.services.map((s) => s.applicationId), ['app-inventory', 'app-order']);
  const order = snapshot.services[1];
  assert.ok(order !== undefined);
  assert.deepEqual(order.topology, topology);
  assert.deepEqual(order.instances.map((i) => [i.endpoint, i.reachable, i.state]), [[away, false, 'UNREACHABLE'], [a.endpoint, true, 'RUNNING'], [b.endpoint, true, 'RUNNING']].sort((x, y) => (String(x[0]) < String(y[0]) ? -1 : 1)));
  const byEndpoint = new Map(order.instances.map((i) => [i.endpoint, i]));
  assert.equal(byEndpoint.get(a.endpoint)?.consumerLag, 5, 'partition 0 is a\'s');
  assert.equal(byEndpoint.get(b.endpoint)?.consumerLag, 10, 'partition 1 is b\'s');
  assert.equal(byEndpoint.get(away)?.consumerLag, 15, 'the lag of a silent owner\'s partition is known all the same');
  assert.match(byEndpoint.get(away)?.error ?? '', /127\.0\.0\.1:1/);
  assert.deepEqual(byEndpoint.get(a.endpoint)?.standbyPartitions, [tp('orders.commands', 1)]);
  assert.deepEqual(byEndpoint.get(b.endpoint)?.threads[0]?.activeTasks.map((task) => task.taskId), ['0_1']);
  assert.deepEqual(byEndpoint.get(b.endpoint)?.storeLags.map((l) => l.offsetLag), [2]);
  assert.deepEqual(order.partitions.map((p) => [p.partition, p.lag, p.owner]), [[0, 5, a.endpoint], [1, 10, b.endpoint], [2, 15, away]]);
  assert.deepEqual(asked.find(([group]) => group === 'app-order')?.[1], ['orders.commands-0', 'orders.commands-1', 'orders.commands-2']);
  // b was never a seed: found through a's host table. The seed that answers nothing is not a member of anything.
  assert.equal(b.tokens.length, 1);
  assert.deepEqual(snapshot.unreachable.map((u) => u.endpoint), ['127.0.0.1:2']);
  assert.deepEqual([...a.tokens, ...b.tokens, ...other.tokens], ['Bearer service-token', 'Bearer service-token', 'Bearer service-token']);
});

test('without a lag source, or when it fails, lags are null and the failure is named', async (t) => {
  const one = await instance((endpoint) => description('app', endpoint, [{ endpoint, processId: 'p', activePartitions: [tp('in', 0)], standbyPartitions: [] }], 0));
  const failing = new OpsCollector({ seeds: [one.endpoint], deadlineMs: 1_000, lag: { of: async () => Promise.reject(new Error('brokers away')), close: async () => undefined } });
  const none = new OpsCollector({ seeds: [one.endpoint], deadlineMs: 1_000 });
  t.after(async () => {
    await failing.close();
    await none.close();
    one.server.forceShutdown();
  });
  const failed = (await failing.collect()).services[0];
  assert.equal(failed?.instances[0]?.consumerLag, null);
  assert.equal(failed?.lagError, 'brokers away');
  assert.equal((await none.collect()).services[0]?.instances[0]?.consumerLag, null);
});

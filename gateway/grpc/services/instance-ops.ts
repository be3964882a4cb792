/**
 * `InstanceOps` of `instance-ops.proto`: what this instance tells an operator (the ops page
 * of the gateway gathers it from every instance). It answers from its own streams client
 * only, never forwarding: its state, its stream threads with their active and standby
 * tasks, each local store partition's lag behind its changelog, the group's host table as
 * this instance last saw it (how the caller finds the other instances), and the topology
 * the process was started with, as `Topology.describe()` gives it.
 *
 * Admins and the platform's service identity only: a customer gets PERMISSION_DENIED.
 *
 * @example
 * ```ts
 * server.addService(opsServices().InstanceOps.service, instanceOps({ routing, authenticate, about: () => about }));
 * // grpcurl -plaintext -H 'authorization: Bearer …' 127.0.0.1:50051 kstreams.ops.v1.InstanceOps/DescribeInstance
 * ```
 */

import type * as grpc from '@grpc/grpc-js';
import type { KafkaStreams } from '../../../processors/client/index.ts';
import type { NodeDescription, TopologyDescription } from '../../../processors/dsl/index.ts';
import { requireOperator, type CallAuthenticator } from '../call-auth.ts';
import type { InstanceDescriptionMessage, StoreLagMessage, TopologyMessage, TopologyNodeMessage } from '../ops-proto.ts';
import { answer, type QueryRouting } from '../query-routing.ts';

/** What the process tells about the application it runs, beside the streams client. */
export interface InstanceAbout {
  readonly applicationId: string;
  readonly topology: TopologyDescription;
}

export interface InstanceOpsOptions {
  readonly routing: QueryRouting;
  readonly authenticate: CallAuthenticator;
  /** Undefined until the process has given its application (`QueryServer.serve`). */
  readonly about: () => InstanceAbout | undefined;
  readonly now?: () => number;
}

const node = (n: NodeDescription): TopologyNodeMessage => ({ type: n.type, name: n.name, topics: [...n.topics], stores: [...n.stores], successors: [...n.successors], predecessors: [...n.predecessors] });

/** The structured description as the proto carries it. */
export function topologyMessage(description: TopologyDescription): TopologyMessage {
  return {
    subtopologies: description.subtopologies.map((s) => ({ id: s.id, nodes: s.nodes.map(node) })),
    globalStores: description.globalStores.map((g) => ({ id: g.id, source: node(g.source), processor: node(g.processor) })),
    text: description.toString(),
  };
}

/** Store lags while the client runs or rebalances; none otherwise (nothing to be behind with). */
async function storeLags(streams: KafkaStreams): Promise<StoreLagMessage[]> {
  if (streams.state !== 'RUNNING' && streams.state !== 'REBALANCING') return [];
  const out: StoreLagMessage[] = [];
  // A client that stops meanwhile refuses: the lags are then simply not known.
  const lags = await streams.allLocalStorePartitionLags().catch(() => new Map<string, never>());
  for (const [store, partitions] of lags) {
    for (const [partition, lag] of partitions) {
      out.push({ store, partition, currentOffset: Number(lag.currentOffsetPosition), endOffset: Number(lag.endOffsetPosition), offsetLag: Number(lag.offsetLag) });
    }
  }
  return out.sort((a, b) => (a.store < b.store ? -1 : a.store > b.store ? 1 : a.partition - b.partition));
}

/** This instance as `DescribeInstance` answers it. */
export async function describeInstance(streams: KafkaStreams, self: string, about: InstanceAbout | undefined, now: number): Promise<InstanceDescriptionMessage> {
  const tasks = (list: ReadonlyArray<{ taskId: string; topicPartitions: ReadonlyArray<{ topic: string; partition: number }> }>) =>
    list.map((t) => ({ taskId: t.taskId, topicPartitions: t.topicPartitions.map((tp) => ({ topic: tp.topic, partition: tp.partition })) }));
  return {
    applicationId: about?.applicationId ?? '',
    endpoint: self,
    state: streams.state,
    topology: about === undefined ? { subtopologies: [], globalStores: [], text: '' } : topologyMessage(about.topology),
    threads: streams.localThreadsMetadata().map((t) => ({ name: t.threadName, state: t.threadState, activeTasks: tasks(t.activeTasks), standbyTasks: tasks(t.standbyTasks) })),
    storeLags: await storeLags(streams),
    members: streams.metadataForAllStreamsClients().map((m) => ({
      endpoint: m.endpoint,
      processId: m.processId,
      activePartitions: m.topicPartitions.map((tp) => ({ topic: tp.topic, partition: tp.partition })),
      standbyPartitions: m.standbyTopicPartitions.map((tp) => ({ topic: tp.topic, partition: tp.partition })),
    })),
    atMs: now,
  };
}

export function instanceOps(options: InstanceOpsOptions): grpc.UntypedServiceImplementation {
  const { routing, authenticate, about } = options;
  const now = options.now ?? Date.now;
  return {
    DescribeInstance(call: grpc.ServerUnaryCall<object, InstanceDescriptionMessage>, callback: grpc.sendUnaryData<InstanceDescriptionMessage>) {
      answer(callback, async () => {
        requireOperator(await authenticate(call.metadata), 'describe an instance');
        return describeInstance(routing.streams(), routing.self, about(), now());
      });
    },
  };
}

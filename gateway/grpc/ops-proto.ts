/**
 * The `InstanceOps` service of `schemas/proto/ops/instance-ops.proto`, loaded once at run
 * time with `@grpc/proto-loader` with the options of `proto.ts` (camelCase fields, int64 as
 * numbers, defaults filled in), and the messages as they come out of it.
 *
 * @example
 * ```ts
 * server.addService(opsServices().InstanceOps.service, instanceOps({ routing, authenticate, about }));
 * const method = opsServices().InstanceOps.service['DescribeInstance'];
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

export const OPS_PROTO = fileURLToPath(new URL('../../schemas/proto/ops/instance-ops.proto', import.meta.url));

/** Full name of the service, as health and reflection name it. */
export const INSTANCE_OPS_SERVICE_NAME = 'kstreams.ops.v1.InstanceOps';

let loaded: { readonly InstanceOps: grpc.ServiceClientConstructor } | undefined;

export function opsServices(): { readonly InstanceOps: grpc.ServiceClientConstructor } {
  if (loaded !== undefined) return loaded;
  const definition = protoLoader.loadSync(OPS_PROTO, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: false });
  const root = grpc.loadPackageDefinition(definition) as unknown as { kstreams: { ops: { v1: Record<string, grpc.ServiceClientConstructor | undefined> } } };
  const service = root.kstreams.ops.v1['InstanceOps'];
  if (service === undefined) throw new Error(`${OPS_PROTO} has no service InstanceOps`);
  loaded = Object.freeze({ InstanceOps: service });
  return loaded;
}

export interface TopologyNodeMessage {
  type: string;
  name: string;
  topics: string[];
  stores: string[];
  successors: string[];
  predecessors: string[];
}

export interface TopologyMessage {
  subtopologies: Array<{ id: number; nodes: TopologyNodeMessage[] }>;
  globalStores: Array<{ id: number; source: TopologyNodeMessage; processor: TopologyNodeMessage }>;
  text: string;
}

export interface TopicPartitionMessage {
  topic: string;
  partition: number;
}

export interface TaskMessage {
  taskId: string;
  topicPartitions: TopicPartitionMessage[];
}

export interface StreamThreadMessage {
  name: string;
  state: string;
  activeTasks: TaskMessage[];
  standbyTasks: TaskMessage[];
}

export interface StoreLagMessage {
  store: string;
  partition: number;
  currentOffset: number;
  endOffset: number;
  offsetLag: number;
}

export interface MemberMessage {
  endpoint: string;
  processId: string;
  activePartitions: TopicPartitionMessage[];
  standbyPartitions: TopicPartitionMessage[];
}

export interface InstanceDescriptionMessage {
  applicationId: string;
  endpoint: string;
  state: string;
  topology: TopologyMessage;
  threads: StreamThreadMessage[];
  storeLags: StoreLagMessage[];
  members: MemberMessage[];
  atMs: number;
}

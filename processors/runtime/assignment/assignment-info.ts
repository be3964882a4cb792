/**
 * What each member learns from a rebalance, as Kafka Streams' `AssignmentInfo`: its
 * active and standby tasks with their input partitions, the whole group's host table
 * (which endpoint serves which partitions, for interactive queries), and an error code
 * the leader sets when it could not assign at all (the client must then shut down).
 *
 * Wire form: `int16 version, int16 errorCode, nullable errorMessage, topics*` (a
 * dictionary, so each partition is two varints), then `active*`, `standby*` as
 * `(task, partitions*)` and `hosts*` as `(endpoint, processId, active partitions*,
 * standby partitions*)`; from version 2, then `probingRebalanceAtMs` (varint, 0 for none).
 * A version-1 reader stops before the field, so members of both versions read each other.
 */

import { KstError } from '../../../common/errors.ts';
import type { TopicPartition } from '../../kafka/index.ts';
import { ByteReader, ByteWriter } from './byte-codec.ts';

export const ASSIGNMENT_VERSION = 2;

/** Kafka Streams' `AssignorError` numbers, plus ours from 16 on. */
export const AssignmentErrorCode = Object.freeze({
  NONE: 0,
  /** A source topic does not exist (or its metadata is not known). */
  INCOMPLETE_SOURCE_TOPIC_METADATA: 1,
  /** The leader could not assign; the message says why. */
  ASSIGNMENT_ERROR: 3,
  /** Co-partitioned topics have different partition counts. */
  COPARTITION_MISMATCH: 16,
} as const);

export interface HostInfo {
  readonly endpoint: string;
  readonly processId: string;
  readonly activePartitions: readonly TopicPartition[];
  readonly standbyPartitions: readonly TopicPartition[];
}

export interface StreamsAssignment {
  /** Input partitions of each active task, by `taskIdToString`. */
  readonly activeTasks: ReadonlyMap<string, readonly TopicPartition[]>;
  /** Input partitions of each standby task (the thread derives changelog partitions from the plan). */
  readonly standbyTasks: ReadonlyMap<string, readonly TopicPartition[]>;
  /** Every process with an endpoint, for key → host metadata. */
  readonly hosts: readonly HostInfo[];
  /** 0 when the assignment is good; see `AssignmentErrorCode`. */
  readonly errorCode: number;
  readonly errorMessage?: string;
  /**
   * When (epoch ms) the member should rejoin the group so that the leader looks again
   * at tasks waiting for a warm-up replica to catch up (a probing rebalance); absent
   * when nothing waits.
   */
  readonly probingRebalanceAtMs?: number;
}

export function encodeStreamsAssignment(assignment: StreamsAssignment): Buffer {
  const topics = new Map<string, number>();
  const collect = (list: readonly TopicPartition[]): void => {
    for (const { topic } of list) if (!topics.has(topic)) topics.set(topic, topics.size);
  };
  for (const list of assignment.activeTasks.values()) collect(list);
  for (const list of assignment.standbyTasks.values()) collect(list);
  for (const host of assignment.hosts) {
    collect(host.activePartitions);
    collect(host.standbyPartitions);
  }

  const writer = new ByteWriter().int16(ASSIGNMENT_VERSION).int16(assignment.errorCode).nullableString(assignment.errorMessage);
  writer.varint(topics.size);
  for (const topic of topics.keys()) writer.string(topic);
  const partitions = (list: readonly TopicPartition[]): void => {
    writer.varint(list.length);
    for (const { topic, partition } of list) writer.varint(topics.get(topic) as number).varint(partition);
  };
  const tasks = (map: ReadonlyMap<string, readonly TopicPartition[]>): void => {
    writer.varint(map.size);
    for (const [task, list] of map) {
      writer.string(task);
      partitions(list);
    }
  };
  tasks(assignment.activeTasks);
  tasks(assignment.standbyTasks);
  writer.varint(assignment.hosts.length);
  for (const host of assignment.hosts) {
    writer.string(host.endpoint).string(host.processId);
    partitions(host.activePartitions);
    partitions(host.standbyPartitions);
  }
  writer.varint(assignment.probingRebalanceAtMs ?? 0);
  return writer.toBuffer();
}

/**
 * Reads the userData a member receives with its assignment. A blob this version cannot
 * read throws `KST_KAFKA_ASSIGNOR`; a good blob with a non-zero `errorCode` is returned
 * as is (see `assignmentError`).
 *
 * @example
 * ```ts
 * onPartitionsAssigned: (assignment) => {
 *   const streams = decodeStreamsAssignment(assignment.userData);
 *   const error = assignmentError(streams);
 *   if (error !== undefined) throw error;
 *   for (const [taskId, partitions] of streams.activeTasks) createTask(taskId, partitions);
 * }
 * ```
 */
export function decodeStreamsAssignment(userData: Buffer): StreamsAssignment {
  try {
    const reader = new ByteReader(userData);
    const version = reader.int16();
    if (version < 1) throw new Error(`unknown assignment version ${version}`);
    const errorCode = reader.int16();
    const errorMessage = reader.nullableString();
    const topics = reader.list(() => reader.string());
    const partitions = (): TopicPartition[] => reader.list(() => {
      const index = reader.varint();
      const topic = topics[index];
      if (topic === undefined) throw new Error(`topic index ${index} out of range`);
      return { topic, partition: reader.varint() };
    });
    const tasks = (): Map<string, TopicPartition[]> => new Map(reader.list(() => [reader.string(), partitions()] as const));
    const activeTasks = tasks();
    const standbyTasks = tasks();
    const hosts = reader.list((): HostInfo => ({ endpoint: reader.string(), processId: reader.string(), activePartitions: partitions(), standbyPartitions: partitions() }));
    const probingRebalanceAtMs = version >= 2 ? reader.varint() : 0;
    return { activeTasks, standbyTasks, hosts, errorCode, ...(errorMessage === null ? {} : { errorMessage }), ...(probingRebalanceAtMs === 0 ? {} : { probingRebalanceAtMs }) };
  } catch (error) {
    throw new KstError('KST_KAFKA_ASSIGNOR', `assignment userData is not a streams assignment: ${(error as Error).message}`, {}, { cause: error });
  }
}

/** The coded error a client shuts down with when the leader reported one; undefined when all is well. */
export function assignmentError(assignment: StreamsAssignment): KstError | undefined {
  if (assignment.errorCode === AssignmentErrorCode.NONE) return undefined;
  return new KstError('KST_STREAMS_ASSIGNMENT_FAILED', assignment.errorMessage ?? `the group leader reported assignment error ${assignment.errorCode}`, { errorCode: assignment.errorCode });
}

/**
 * What each member (stream thread) tells the group leader when it joins, as Kafka
 * Streams' `SubscriptionInfo`: its process, its query endpoint, the tasks it owns now
 * and how far the state of each task on its disk goes (the sum of the task's changelog
 * offsets), so the leader can leave tasks where they are or send them where their state
 * already is.
 *
 * Wire form, versioned so a newer leader can still read an older member:
 * `int16 version, int16 latestSupportedVersion, string processId, nullable endpoint,
 * tasks active, tasks standby, (task, int64 offsetSum)*`, every list prefixed by a
 * varint count and a task written as two varints.
 */

import { KstError } from '../../../common/errors.ts';
import type { TaskId } from '../../api/processor.ts';
import { taskIdToString } from '../../api/processor.ts';
import { ByteReader, ByteWriter } from './byte-codec.ts';

export const SUBSCRIPTION_VERSION = 1;

export interface SubscriptionInfo {
  readonly version: number;
  readonly latestSupportedVersion: number;
  readonly processId: string;
  readonly endpoint: string | undefined;
  readonly activeTasks: readonly TaskId[];
  readonly standbyTasks: readonly TaskId[];
  /** By `taskIdToString`; the sum of the changelog offsets of the task's state on disk. */
  readonly taskOffsetSums: ReadonlyMap<string, bigint>;
}

/** Parses `<subtopology>_<partition>`, the form of `taskIdToString`. */
export function parseTaskId(text: string): TaskId {
  const match = /^(\d+)_(\d+)$/.exec(text);
  if (match === null) throw new KstError('KST_KAFKA_ASSIGNOR', `"${text}" is not a task id (<subtopology>_<partition>)`, { taskId: text });
  return { subtopology: Number(match[1]), partition: Number(match[2]) };
}

export function encodeSubscriptionInfo(info: Omit<SubscriptionInfo, 'version' | 'latestSupportedVersion'>): Buffer {
  const writer = new ByteWriter().int16(SUBSCRIPTION_VERSION).int16(SUBSCRIPTION_VERSION).string(info.processId).nullableString(info.endpoint);
  const tasks = (list: readonly TaskId[]): void => {
    writer.varint(list.length);
    for (const task of list) writer.varint(task.subtopology).varint(task.partition);
  };
  tasks(info.activeTasks);
  tasks(info.standbyTasks);
  writer.varint(info.taskOffsetSums.size);
  for (const [task, sum] of info.taskOffsetSums) {
    const id = parseTaskId(task);
    writer.varint(id.subtopology).varint(id.partition).int64(sum);
  }
  return writer.toBuffer();
}

/** Reads a member's metadata; a blob this version cannot read throws `KST_KAFKA_ASSIGNOR`. */
export function decodeSubscriptionInfo(metadata: Buffer): SubscriptionInfo {
  try {
    const reader = new ByteReader(metadata);
    const version = reader.int16();
    const latestSupportedVersion = reader.int16();
    // Later versions only append fields, so the leader reads what it knows of them.
    if (version < 1) throw new Error(`unknown subscription version ${version}`);
    const processId = reader.string();
    const endpoint = reader.nullableString() ?? undefined;
    const task = (): TaskId => ({ subtopology: reader.varint(), partition: reader.varint() });
    const activeTasks = reader.list(task);
    const standbyTasks = reader.list(task);
    const taskOffsetSums = new Map<string, bigint>();
    const sums = reader.varint();
    for (let i = 0; i < sums; i++) {
      const id = task();
      taskOffsetSums.set(taskIdToString(id), reader.int64());
    }
    return { version, latestSupportedVersion, processId, endpoint, activeTasks, standbyTasks, taskOffsetSums };
  } catch (error) {
    if (error instanceof KstError) throw error;
    throw new KstError('KST_KAFKA_ASSIGNOR', `member metadata is not a streams subscription: ${(error as Error).message}`, {}, { cause: error });
  }
}

/**
 * Which tasks exist, as Kafka Streams' `PartitionGrouper` and co-partitioning check:
 * sub-topology `s` has tasks `s_0 … s_(N-1)`, N the largest partition count of its
 * source topics, and task `s_p` reads partition `p` of every source topic that has one.
 * Topics that must be co-partitioned (joins) must have equal counts, else a key would
 * meet its state in another task; that, and a missing source topic, is reported as an
 * error code for every member rather than thrown, so the whole group shuts down with
 * the same message.
 */

import type { TaskId } from '../../api/processor.ts';
import { taskIdToString } from '../../api/processor.ts';
import type { TopicPartition } from '../../kafka/index.ts';
import { AssignmentErrorCode } from './assignment-info.ts';
import type { AssignmentTopology } from './assignment-topology.ts';

export interface TaskInfo {
  readonly id: TaskId;
  /** `taskIdToString(id)`. */
  readonly key: string;
  readonly partitions: readonly TopicPartition[];
  readonly stateful: boolean;
}

export type TaskLayout =
  | { readonly ok: true; readonly tasks: readonly TaskInfo[] }
  | { readonly ok: false; readonly errorCode: number; readonly errorMessage: string };

/** Tasks in (sub-topology, partition) order, or why there can be none. */
export function layoutTasks(topology: AssignmentTopology, partitionCounts: ReadonlyMap<string, number>): TaskLayout {
  const missing = [...new Set(topology.subtopologies.flatMap((s) => s.sourceTopics))].filter((topic) => !((partitionCounts.get(topic) ?? 0) > 0)).sort();
  if (missing.length > 0) {
    return {
      ok: false,
      errorCode: AssignmentErrorCode.INCOMPLETE_SOURCE_TOPIC_METADATA,
      errorMessage: `source topic${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist; create ${missing.length > 1 ? 'them' : 'it'} before starting the application`,
    };
  }
  for (const group of topology.copartitionGroups) {
    const counts = group.map((topic) => [topic, partitionCounts.get(topic)] as const);
    const absent = counts.filter(([, count]) => count === undefined).map(([topic]) => topic);
    if (absent.length > 0) {
      return { ok: false, errorCode: AssignmentErrorCode.INCOMPLETE_SOURCE_TOPIC_METADATA, errorMessage: `co-partitioned topic(s) ${absent.map((t) => `"${t}"`).join(', ')} do not exist` };
    }
    if (new Set(counts.map(([, count]) => count)).size > 1) {
      return {
        ok: false,
        errorCode: AssignmentErrorCode.COPARTITION_MISMATCH,
        errorMessage: `topics ${counts.map(([topic, count]) => `"${topic}" (${count} partitions)`).join(', ')} must be co-partitioned but have different partition counts; give them the same number of partitions`,
      };
    }
  }

  const tasks: TaskInfo[] = [];
  const subtopologies = [...topology.subtopologies].sort((a, b) => a.id - b.id);
  for (const subtopology of subtopologies) {
    const counts = subtopology.sourceTopics.map((topic) => [topic, partitionCounts.get(topic) as number] as const);
    const taskCount = Math.max(0, ...counts.map(([, count]) => count));
    for (let partition = 0; partition < taskCount; partition++) {
      const id = Object.freeze({ subtopology: subtopology.id, partition });
      const partitions = counts.filter(([, count]) => partition < count).map(([topic]) => Object.freeze({ topic, partition }));
      tasks.push(Object.freeze({ id, key: taskIdToString(id), partitions: Object.freeze(partitions), stateful: subtopology.stateful }));
    }
  }
  return { ok: true, tasks };
}

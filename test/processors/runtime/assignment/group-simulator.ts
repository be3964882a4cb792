/**
 * Runs the streams assignor the way a group does, without a broker: every member's
 * assignor produces its metadata, the leader's assigns, every member decodes its own
 * userData; `rejoin` feeds what each member got back in as its owned tasks.
 */

import type { Assignor, AssignorMember, TopicPartition } from '../../../../processors/kafka/index.ts';
import { parseTaskId } from '../../../../processors/runtime/assignment/subscription-info.ts';
import { createStreamsAssignor, decodeStreamsAssignment, type AssignmentTopology, type StreamsAssignment } from '../../../../processors/runtime/assignment/index.ts';

export interface SimMember {
  readonly memberId: string;
  readonly processId: string;
  readonly endpoint?: string;
  /** A static member's group.instance.id. */
  instanceId?: string;
  active: string[];
  standby: string[];
  offsetSums?: Map<string, bigint>;
}

export interface SimResult {
  readonly byMember: Map<string, { readonly partitions: readonly TopicPartition[]; readonly assignment: StreamsAssignment }>;
}

export function member(memberId: string, processId: string, endpoint?: string): SimMember {
  return { memberId, processId, ...(endpoint === undefined ? {} : { endpoint }), active: [], standby: [] };
}

/** `leader`: the assignor that assigns (one kept across rebalances remembers what it gave); else the first member's. */
export async function rebalance(topology: AssignmentTopology, counts: Record<string, number>, members: readonly SimMember[], numStandbyReplicas = 0, leader?: Assignor): Promise<SimResult> {
  const assignors = members.map((m) => createStreamsAssignor({
    processId: m.processId,
    endpoint: m.endpoint,
    topology,
    numStandbyReplicas,
    log: () => undefined,
    ownedTasks: () => ({ active: m.active.map(parseTaskId), standby: m.standby.map(parseTaskId), ...(m.offsetSums === undefined ? {} : { taskOffsetSums: m.offsetSums }) }),
  }));
  const topics = [...new Set(topology.subtopologies.flatMap((s) => s.sourceTopics))];
  const assignorMembers: AssignorMember[] = await Promise.all(members.map(async (m, i) => ({
    memberId: m.memberId,
    groupInstanceId: m.instanceId ?? null,
    metadata: await (assignors[i] as ReturnType<typeof createStreamsAssignor>).metadata(topics),
    topics,
  })));
  assignorMembers.sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
  const result = await (leader ?? (assignors[0] as Assignor)).assign({ generationId: 1, members: assignorMembers, partitionCounts: new Map(Object.entries(counts)) });
  const byMember = new Map<string, { partitions: readonly TopicPartition[]; assignment: StreamsAssignment }>();
  for (const [memberId, value] of result) byMember.set(memberId, { partitions: value.partitions, assignment: decodeStreamsAssignment(value.userData) });
  return { byMember };
}

/** Makes every member own what it was just given (a clean rejoin). */
export function adopt(members: readonly SimMember[], result: SimResult): void {
  for (const m of members) {
    const got = result.byMember.get(m.memberId);
    m.active = got === undefined ? [] : [...got.assignment.activeTasks.keys()];
    m.standby = got === undefined ? [] : [...got.assignment.standbyTasks.keys()];
  }
}

export function activeOf(result: SimResult, memberId: string): string[] {
  return [...(result.byMember.get(memberId)?.assignment.activeTasks.keys() ?? [])].sort();
}

export function standbyOf(result: SimResult, memberId: string): string[] {
  return [...(result.byMember.get(memberId)?.assignment.standbyTasks.keys() ?? [])].sort();
}

/** A topology of `subtopologies` sub-topologies, each reading its own topic `t<i>`. */
export function simpleTopology(subtopologies: number, stateful: (id: number) => boolean = () => true): AssignmentTopology {
  return {
    subtopologies: Array.from({ length: subtopologies }, (_, id) => ({ id, sourceTopics: [`t${id}`], stateful: stateful(id), changelogTopics: stateful(id) ? [`app-s${id}-changelog`] : [] })),
    copartitionGroups: [],
  };
}

export function counts(subtopologies: number, partitions: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: subtopologies }, (_, i) => [`t${i}`, partitions]));
}

/**
 * The streams partition assignor, as Kafka Streams' `StreamsPartitionAssignor`, on the
 * adapter's `Assignor` interface. Every member (stream thread) sends its process id,
 * query endpoint and owned tasks; the leader lays out the tasks, places active tasks on
 * processes (balanced by thread count, sticky, state-aware), standbys on other
 * processes, then each process's tasks on its threads, and gives every member its
 * tasks, their partitions and the group's host table.
 *
 * Static members (`group.instance.id`) are known by their instance id rather than their
 * member id, which changes with every restart: a thread's stickiness follows its instance
 * id, and a static member that comes back owning nothing (it restarted, and the group
 * rebalanced meanwhile) is given back, as its previous tasks, what this leader last
 * assigned to that instance id.
 *
 * Stateful tasks move only to clients that have caught up with their state: with
 * `warmup` set, a task whose balanced place lags is kept on a caught-up client and its
 * target gets a warm-up replica (`warmup-placement.ts`); every member is then told when
 * to rejoin for a probing rebalance, which moves the tasks whose targets caught up. The
 * leader lists the changelogs' end offsets (`endOffsets`) to measure the lags.
 *
 * @example
 * ```ts
 * const assignor = createStreamsAssignor({
 *   processId, endpoint: '10.0.0.7:50051', topology: assignmentTopology(plan, applicationId), numStandbyReplicas: 1,
 *   ownedTasks: () => ({ active: taskManager.activeIds(), standby: taskManager.standbyIds(), taskOffsetSums: taskManager.offsetSums() }),
 * });
 * const consumer = new KafkaConsumer(client, consumerConfig, { assignor, listener: { onPartitionsAssigned: (a) => onTasks(decodeStreamsAssignment(a.userData)) } });
 * ```
 */

import type { Assignor, AssignorMember, MemberAssignment, TopicPartition, TopicPartitionOffset } from '../../kafka/index.ts';
import { taskIdToString, type TaskId } from '../../api/processor.ts';
import { decodeStreamsAssignment, encodeStreamsAssignment, type HostInfo, type StreamsAssignment } from './assignment-info.ts';
import type { AssignmentTopology } from './assignment-topology.ts';
import { placeStandbys } from './standby-placement.ts';
import { placeTasks, type PlacementClient } from './sticky-placement.ts';
import { decodeSubscriptionInfo, encodeSubscriptionInfo, parseTaskId, type SubscriptionInfo } from './subscription-info.ts';
import { layoutTasks, type TaskInfo } from './task-layout.ts';
import { holdForWarmup, type WarmupSettings } from './warmup-placement.ts';

export interface StreamsAssignorOptions {
  /** One UUID per KafkaStreams instance (process); its stream threads share it. */
  readonly processId: string;
  /** `application.server` "host:port", for interactive queries. */
  readonly endpoint: string | undefined;
  readonly topology: AssignmentTopology;
  readonly numStandbyReplicas: number;
  /** What this member owns now (and task offset sums of state on disk), sent in its metadata for stickiness. */
  readonly ownedTasks: () => { readonly active: readonly TaskId[]; readonly standby: readonly TaskId[]; readonly taskOffsetSums?: ReadonlyMap<string, bigint> };
  /** Where the leader reports what it could not do (standbys without a process); console.warn by default. */
  readonly log?: (message: string) => void;
  /**
   * Warm-up replicas (KIP-441); without them a stateful task goes to its balanced place
   * at once and restores there. `probingIntervalMs`: how long after an assignment that
   * holds tasks back the members rejoin to look again.
   */
  readonly warmup?: WarmupSettings & { readonly probingIntervalMs: number };
  /** The end offsets of changelog partitions, for the leader to measure how far each client's state lags. */
  readonly endOffsets?: (partitions: readonly TopicPartition[]) => Promise<readonly TopicPartitionOffset[]>;
  /** Clock for the probing rebalance time; Date.now by default. */
  readonly now?: () => number;
}

export const STREAMS_ASSIGNOR_NAME = 'kst-streams';

interface ProcessMember {
  readonly memberId: string;
  /** The instance id of a static member, else the member id: the key of its stickiness. */
  readonly key: string;
  readonly info: SubscriptionInfo;
}

interface Process {
  readonly processId: string;
  readonly endpoint: string | undefined;
  readonly members: readonly ProcessMember[];
}

/** What the leader last gave each static member, by instance id. */
type Remembered = Map<string, { readonly active: readonly TaskId[]; readonly standby: readonly TaskId[] }>;

const keysOf = (tasks: readonly TaskId[]): Set<string> => new Set(tasks.map(taskIdToString));

export function createStreamsAssignor(options: StreamsAssignorOptions): Assignor {
  const log = options.log ?? ((message: string) => console.warn(`[streams-assignor] ${message}`));
  const remembered: Remembered = new Map();
  return {
    name: STREAMS_ASSIGNOR_NAME,
    version: 1,
    metadata() {
      const owned = options.ownedTasks();
      return encodeSubscriptionInfo({
        processId: options.processId,
        endpoint: options.endpoint,
        activeTasks: owned.active,
        standbyTasks: owned.standby,
        taskOffsetSums: owned.taskOffsetSums ?? new Map(),
      });
    },
    async assign(context) {
      const layout = layoutTasks(options.topology, context.partitionCounts);
      if (!layout.ok) {
        log(`assignment failed (error ${layout.errorCode}): ${layout.errorMessage}`);
        const userData = encodeStreamsAssignment({ activeTasks: new Map(), standbyTasks: new Map(), hosts: [], errorCode: layout.errorCode, errorMessage: layout.errorMessage });
        return new Map(context.members.map((m) => [m.memberId, { partitions: [], userData }]));
      }
      const processes = groupProcesses(context.members, remembered);
      const warmup = options.warmup === undefined ? undefined : { ...options.warmup, endSums: await endOffsetSums(layout.tasks, options, log), now: (options.now ?? Date.now)() };
      const out = assignTasks(layout.tasks, processes, options.numStandbyReplicas, log, warmup);
      remember(remembered, processes, out);
      return out;
    },
  };
}

/**
 * How long the leader waits for the changelogs' end offsets. A rebalance waits for the
 * leader's assignment; while brokers are away (a restart), the listing could take as long
 * as the request timeout, so it gives up early and measures lags against the best state
 * reported instead.
 */
const END_OFFSETS_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/**
 * Task key → sum of the end offsets of its changelog partitions (task `s_p`: partition `p`
 * of each changelog of sub-topology `s`); undefined when they cannot be listed (the
 * placement then measures lags against the best state any client reported).
 */
async function endOffsetSums(tasks: readonly TaskInfo[], options: StreamsAssignorOptions, log: (message: string) => void): Promise<Map<string, bigint> | undefined> {
  if (options.endOffsets === undefined) return undefined;
  const topicsOf = new Map(options.topology.subtopologies.map((s) => [s.id, s.changelogTopics]));
  const owner = new Map<string, string>();
  for (const task of tasks) {
    if (!task.stateful) continue;
    for (const topic of topicsOf.get(task.id.subtopology) ?? []) owner.set(`${topic}\0${task.id.partition}`, task.key);
  }
  if (owner.size === 0) return new Map();
  try {
    const partitions = [...owner.keys()].map((key) => {
      const [topic, partition] = key.split('\0') as [string, string];
      return { topic, partition: Number(partition) };
    });
    const sums = new Map<string, bigint>();
    for (const { topic, partition, offset } of await withTimeout(options.endOffsets(partitions), END_OFFSETS_TIMEOUT_MS)) {
      const task = owner.get(`${topic}\0${partition}`);
      if (task !== undefined) sums.set(task, (sums.get(task) ?? 0n) + offset);
    }
    return sums;
  } catch (error) {
    log(`changelog end offsets could not be listed (${(error as Error).message}); lags are measured against the best state reported`);
    return undefined;
  }
}

function groupProcesses(members: readonly AssignorMember[], remembered: Remembered): Process[] {
  const byId = new Map<string, ProcessMember[]>();
  for (const member of members) {
    let info = decodeSubscriptionInfo(member.metadata);
    const previous = member.groupInstanceId === null ? undefined : remembered.get(member.groupInstanceId);
    if (previous !== undefined && info.activeTasks.length === 0 && info.standbyTasks.length === 0) {
      info = { ...info, activeTasks: previous.active, standbyTasks: previous.standby };
    }
    const list = byId.get(info.processId) ?? [];
    list.push({ memberId: member.memberId, key: member.groupInstanceId ?? member.memberId, info });
    byId.set(info.processId, list);
  }
  return [...byId].sort(([a], [b]) => (a < b ? -1 : 1)).map(([processId, list]) => ({
    processId,
    endpoint: list.find((m) => m.info.endpoint !== undefined)?.info.endpoint,
    members: list,
  }));
}

/** A process as a placement client: its threads' ownership united, the best state reported. */
function processClient(process: Process): PlacementClient {
  const previousActive = new Set<string>();
  const previousStandby = new Set<string>();
  const offsetSums = new Map<string, bigint>();
  for (const { info } of process.members) {
    for (const key of keysOf(info.activeTasks)) previousActive.add(key);
    for (const key of keysOf(info.standbyTasks)) previousStandby.add(key);
    for (const [key, sum] of info.taskOffsetSums) if (!(sum <= (offsetSums.get(key) ?? -1n))) offsetSums.set(key, sum);
  }
  return { id: process.processId, capacity: process.members.length, previousActive, previousStandby, offsetSums };
}

/** Keeps what each static member got, for when it comes back from a restart owning nothing. */
function remember(remembered: Remembered, processes: readonly Process[], out: ReadonlyMap<string, MemberAssignment>): void {
  for (const process of processes) {
    for (const member of process.members) {
      if (member.key === member.memberId) continue;
      const assignment = out.get(member.memberId);
      if (assignment === undefined) continue;
      const streams = decodeStreamsAssignment(assignment.userData);
      remembered.set(member.key, { active: [...streams.activeTasks.keys()].map(parseTaskId), standby: [...streams.standbyTasks.keys()].map(parseTaskId) });
    }
  }
}

/** A thread as a placement client: stickiness to the very member (static: the instance id) that ran the task. */
function memberClient(member: ProcessMember, asStandby: boolean): PlacementClient {
  const active = keysOf(member.info.activeTasks);
  const standby = keysOf(member.info.standbyTasks);
  return { id: member.key, capacity: 1, previousActive: asStandby ? standby : active, previousStandby: asStandby ? active : standby, offsetSums: new Map() };
}

type WarmupPass = WarmupSettings & { readonly probingIntervalMs: number; readonly endSums: ReadonlyMap<string, bigint> | undefined; readonly now: number };

function assignTasks(tasks: readonly TaskInfo[], processes: readonly Process[], replicas: number, log: (message: string) => void, warmup?: WarmupPass): Map<string, MemberAssignment> {
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  const placement = tasks.map((t) => ({ key: t.key, group: t.id.subtopology, index: t.id.partition }));
  const clients = processes.map(processClient);
  const stateful = placement.filter((t) => byKey.get(t.key)?.stateful === true);
  const balanced = placeTasks(placement, clients);
  const held = warmup === undefined ? undefined : holdForWarmup(stateful, balanced, clients, warmup.endSums, warmup);
  const activeByProcess = held?.active ?? balanced;
  const activeOwner = new Map<string, string>();
  for (const [processId, keys] of activeByProcess) for (const key of keys) activeOwner.set(key, processId);
  const { standbys: standbyByProcess, unplaced } = placeStandbys(stateful, activeOwner, clients, replicas);
  if (unplaced > 0) log(`${unplaced} standby replica(s) not placed: ${processes.length} process(es) cannot hold ${replicas} standby(s) of each task apart from its active`);
  for (const [processId, keys] of held?.warmups ?? []) {
    const list = standbyByProcess.get(processId) ?? [];
    for (const key of keys) if (!list.includes(key)) list.push(key);
    standbyByProcess.set(processId, list);
  }
  const probingRebalanceAtMs = warmup !== undefined && held !== undefined && held.held > 0 ? warmup.now + warmup.probingIntervalMs : undefined;
  if (probingRebalanceAtMs !== undefined) {
    const warming = [...(held?.warmups ?? [])].flatMap(([id, keys]) => keys.map((key) => `${key}→${id}`));
    log(`${held?.held} stateful task(s) stay on caught-up clients while their targets restore; warm-up replicas: ${warming.join(', ') || 'none (max.warmup.replicas reached)'}; probing rebalance in ${warmup?.probingIntervalMs} ms`);
  }

  const partitionsOf = (keys: readonly string[]): TopicPartition[] => keys.flatMap((key) => byKey.get(key)?.partitions ?? []);
  const hosts: HostInfo[] = processes.filter((p) => p.endpoint !== undefined).map((p) => ({
    endpoint: p.endpoint as string,
    processId: p.processId,
    activePartitions: partitionsOf(activeByProcess.get(p.processId) ?? []),
    standbyPartitions: partitionsOf(standbyByProcess.get(p.processId) ?? []),
  }));

  const out = new Map<string, MemberAssignment>();
  for (const process of processes) {
    const toPlacement = (keys: readonly string[]) => placement.filter((t) => keys.includes(t.key));
    const activeByMember = placeTasks(toPlacement(activeByProcess.get(process.processId) ?? []), process.members.map((m) => memberClient(m, false)));
    const standbyByMember = placeTasks(toPlacement(standbyByProcess.get(process.processId) ?? []), process.members.map((m) => memberClient(m, true)));
    for (const { memberId, key } of process.members) {
      const active = activeByMember.get(key) ?? [];
      const assignment: StreamsAssignment = {
        activeTasks: new Map(active.map((key) => [key, byKey.get(key)?.partitions ?? []])),
        standbyTasks: new Map((standbyByMember.get(key) ?? []).map((key) => [key, byKey.get(key)?.partitions ?? []])),
        hosts,
        errorCode: 0,
        ...(probingRebalanceAtMs === undefined ? {} : { probingRebalanceAtMs }),
      };
      out.set(memberId, { partitions: partitionsOf(active), userData: encodeStreamsAssignment(assignment) });
    }
  }
  return out;
}

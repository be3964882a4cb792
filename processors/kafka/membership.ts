/**
 * Hooks our assignor into the library's classic group protocol.
 *
 * The library runs JoinGroup / SyncGroup / Heartbeat for us, but (2.12) it gives a
 * custom `partitionAssigner` no way to return per-member userData (one static
 * `assignmentUserData` for all), skips the assigner when the group has one member,
 * discards the userData a member receives, and has no "revoke before rejoin" callback.
 * So the adapter wraps the two API functions the library looks up through its
 * `kGetApi` hook (exported by the package): before a JoinGroup goes out it lets the member
 * revoke its partitions (eager protocol, as Kafka Streams before cooperative), keeps
 * every member's metadata from the JoinGroup answer, replaces the leader's SyncGroup
 * assignments with our assignor's (partitions AND userData per member), and decodes
 * the member's own assignment, userData included, from the SyncGroup answer.
 *
 * Static membership (KIP-345) needs two more hooks: LeaveGroup is skipped on a static
 * member's plain close (and names its instance id when it does leave), and a request
 * answered FENCED_INSTANCE_ID is reported, so a fenced member stops instead of rejoining
 * and fencing its replacement in turn.
 */

import { decodeConsumerProtocolAssignment, decodeConsumerProtocolSubscription, encodeConsumerProtocolAssignment, type Consumer } from './library.ts';
import { KstError } from '../../common/errors.ts';
import { hookApis, wrapApi, type ApiCallback, type ApiFunction } from './api-hooks.ts';
import { lazyFetch } from './fetch-decoder.ts';
import { hasProtocolError } from './errors.ts';
import type { Assignment, AssignmentContext, Assignor, AssignorMember, MemberAssignment } from './assignor.ts';
import { groupByTopic } from './types.ts';

export type WireConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;

export interface MembershipHandlers {
  /** Before every JoinGroup: resolve once owned partitions are revoked; reject to abandon the join. */
  beforeJoin(memberId: string): Promise<void>;
  /** After every successful SyncGroup. */
  assigned(assignment: Assignment): void;
  /** Partition counts of the subscribed topics, for the leader's assignment. */
  partitionCounts(topics: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /** Static membership (KIP-345): the member's group.instance.id. */
  readonly groupInstanceId?: string | null;
  /** Asked when the library is about to send LeaveGroup (on close); false answers it locally and sends nothing. */
  sendLeaveGroup?(): boolean;
  /** A group request answered FENCED_INSTANCE_ID: another process took over this member's group.instance.id. */
  fenced?(error: Error): void;
}

interface JoinResponse {
  readonly generationId: number;
  readonly leader: string;
  readonly memberId: string;
  /** JoinGroup v9+: a static member that replaced its old self in a stable group; the group keeps its assignment. */
  readonly skipAssignment?: boolean;
  readonly members: ReadonlyArray<{ readonly memberId: string; readonly groupInstanceId?: string | null; readonly metadata: Buffer }>;
}

/** Installs the hooks on one consumer; call once, before it joins. */
export function interceptGroupProtocol(consumer: WireConsumer, assignor: Assignor, handlers: MembershipHandlers): void {
  let members: AssignorMember[] = [];
  let leader = '';
  let skipAssignment = false;
  const instanceId = handlers.groupInstanceId ?? null;
  // FENCED_INSTANCE_ID: another process joined with our group.instance.id.
  const watch = (callback: ApiCallback): ApiCallback => (error, response) => {
    if (error !== null && instanceId !== null && hasProtocolError(error, 'FENCED_INSTANCE_ID')) handlers.fenced?.(error);
    callback(error, response);
  };

  const joinGroup = (api: ApiFunction): ApiFunction => wrapApi(api, (args, invoke, done) => {
    handlers.beforeJoin(String(args[3] ?? '')).then(() => invoke(args, watch((error, response) => {
      if (error === null && response !== undefined) {
        try {
          const join = response as JoinResponse;
          leader = join.leader;
          skipAssignment = join.skipAssignment === true;
          members = join.members.map(decodeMember).sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
        } catch (decodeError) {
          done(decodeError as Error);
          return;
        }
      }
      done(error, response);
    })), (error: Error) => done(error));
  });

  const syncGroup = (api: ApiFunction): ApiFunction => wrapApi(api, (args, invoke, done) => {
    const generationId = args[1] as number;
    const memberId = args[2] as string;
    const receive: ApiCallback = watch((error, response) => {
      if (error === null && response !== undefined) {
        const raw = (response as { assignment: Buffer }).assignment;
        const decoded = raw.length === 0 ? { assignedPartitions: [], userData: Buffer.alloc(0) } : decodeConsumerProtocolAssignment(raw);
        const partitions = decoded.assignedPartitions.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
        handlers.assigned({ generationId, memberId, partitions, userData: decoded.userData ?? Buffer.alloc(0) });
      }
      done(error, response);
    });
    // A static leader that restarted into a stable group gets the members with
    // skipAssignment: the coordinator hands every member its current assignment, the
    // restarted leader's own included, so the assignor must not run (Kafka's rule).
    if (memberId !== leader || skipAssignment) {
      invoke(args, receive);
      return;
    }
    leaderAssignments(assignor, handlers, generationId, members).then(
      (assignments) => invoke([...args.slice(0, 6), assignments], receive),
      (error: Error) => done(error),
    );
  });

  const heartbeat = (api: ApiFunction): ApiFunction => wrapApi(api, (args, invoke, done) => invoke(args, watch(done)));

  // The library sends LeaveGroup on close with the member id only. A static member does
  // not leave on close (KIP-345: its session timeout decides, so a restart causes no
  // rebalance) unless asked to; when it leaves, the request names its instance id.
  const leaveGroup = (api: ApiFunction): ApiFunction => wrapApi(api, (args, invoke, done) => {
    if (!(handlers.sendLeaveGroup?.() ?? true)) {
      done(null, { throttleTimeMs: 0, errorCode: 0, members: [] });
      return;
    }
    const identities = args[1];
    const named = instanceId === null || !Array.isArray(identities) ? identities : identities.map((m: object) => ({ ...m, groupInstanceId: instanceId }));
    invoke([args[0], named, ...args.slice(2)], done);
  });

  // Fetch is not group protocol, but a client takes its hooks in one call: records decoded lazily (fetch-decoder.ts).
  hookApis(consumer, { JoinGroup: joinGroup, SyncGroup: syncGroup, Heartbeat: heartbeat, LeaveGroup: leaveGroup, Fetch: lazyFetch });
}

function decodeMember(member: JoinResponse['members'][number]): AssignorMember {
  try {
    const subscription = decodeConsumerProtocolSubscription(member.metadata);
    return { memberId: member.memberId, groupInstanceId: member.groupInstanceId ?? null, metadata: subscription.userData ?? Buffer.alloc(0), topics: subscription.topics };
  } catch (error) {
    throw new KstError('KST_KAFKA_ASSIGNOR', `cannot read the subscription of member ${member.memberId}`, { memberId: member.memberId }, { cause: error });
  }
}

async function leaderAssignments(assignor: Assignor, handlers: MembershipHandlers, generationId: number, members: readonly AssignorMember[]) {
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  const partitionCounts = await handlers.partitionCounts(topics);
  const context: AssignmentContext = { generationId, members, partitionCounts };
  let result: ReadonlyMap<string, MemberAssignment>;
  try {
    result = await assignor.assign(context);
  } catch (error) {
    throw new KstError('KST_KAFKA_ASSIGNOR', `assignor "${assignor.name}" failed: ${(error as Error).message}`, { generationId }, { cause: error });
  }
  validate(result, context);
  return members.map((member) => {
    const assignment = result.get(member.memberId) as MemberAssignment;
    const assignedPartitions = [...groupByTopic(assignment.partitions)].map(([topic, list]) => ({ topic, partitions: list.map((tp) => tp.partition) }));
    return { memberId: member.memberId, assignment: encodeConsumerProtocolAssignment({ version: 0, assignedPartitions, userData: assignment.userData }) };
  });
}

/** An assignment that names an unknown partition or gives one partition twice would corrupt state: refuse it. */
export function validate(result: ReadonlyMap<string, MemberAssignment>, context: AssignmentContext): void {
  const seen = new Set<string>();
  for (const member of context.members) {
    const assignment = result.get(member.memberId);
    if (assignment === undefined) throw new KstError('KST_KAFKA_ASSIGNOR', `assignment has no entry for member ${member.memberId}`, { memberId: member.memberId });
    for (const { topic, partition } of assignment.partitions) {
      const count = context.partitionCounts.get(topic);
      if (count === undefined || partition < 0 || partition >= count) {
        throw new KstError('KST_KAFKA_ASSIGNOR', `assignment names unknown partition ${topic}-${partition}`, { topic, partition });
      }
      const key = `${topic}-${partition}`;
      if (seen.has(key)) throw new KstError('KST_KAFKA_ASSIGNOR', `partition ${key} is assigned twice`, { topic, partition });
      seen.add(key);
    }
  }
}

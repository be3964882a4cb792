/**
 * Our partition assignor interface, shaped for a Kafka Streams-style assignor. Every
 * member sends `metadata` (e.g. its query endpoint and the tasks whose state it holds)
 * when it joins; Kafka shows those only to the group leader, whose `assign` returns, per
 * member, its partitions and a `userData` blob. Each member receives its own partitions
 * and userData in its assignment notification.
 *
 * Kafka Streams lets every instance learn where every partition lives by putting the
 * whole group's layout into each member's userData; `encodeGroupDirectory` /
 * `decodeGroupDirectory` give that layout a binary form, and `allMembersRangeAssignor`
 * is a complete assignor that uses it.
 */

import { KstError } from '../../common/errors.ts';
import type { TopicPartition } from './types.ts';

export interface AssignorMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** What the member's assignor `metadata()` returned when it joined. */
  readonly metadata: Buffer;
  /** Topics the member subscribed to. */
  readonly topics: readonly string[];
}

export interface AssignmentContext {
  readonly generationId: number;
  /** Every member of this generation, sorted by member id (deterministic). */
  readonly members: readonly AssignorMember[];
  /** Partition count of every subscribed topic. */
  readonly partitionCounts: ReadonlyMap<string, number>;
}

export interface MemberAssignment {
  readonly partitions: readonly TopicPartition[];
  readonly userData: Buffer;
}

/** What a member receives after each rebalance. */
export interface Assignment {
  readonly generationId: number;
  readonly memberId: string;
  readonly partitions: readonly TopicPartition[];
  readonly userData: Buffer;
}

export interface Assignor {
  /** Protocol name; every member of a group must offer the same one. */
  readonly name: string;
  readonly version: number;
  /** This member's metadata, asked again before every join (it may change, e.g. owned tasks). */
  metadata(topics: readonly string[]): Buffer | Promise<Buffer>;
  /** Runs on the group leader only; returns an entry for every member in `context.members`. */
  assign(context: AssignmentContext): ReadonlyMap<string, MemberAssignment> | Promise<ReadonlyMap<string, MemberAssignment>>;
}

/** The whole group as each member learns it: every member's metadata and partitions. */
export interface GroupDirectoryEntry {
  readonly memberId: string;
  readonly metadata: Buffer;
  readonly partitions: readonly TopicPartition[];
}

const DIRECTORY_VERSION = 1;

/** Binary form: version, count, then per member id, metadata and partitions (length-prefixed). */
export function encodeGroupDirectory(entries: readonly GroupDirectoryEntry[]): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.allocUnsafe(6);
  head.writeInt16BE(DIRECTORY_VERSION, 0);
  head.writeInt32BE(entries.length, 2);
  parts.push(head);
  const writeString = (value: string): void => {
    const bytes = Buffer.from(value, 'utf8');
    const length = Buffer.allocUnsafe(2);
    length.writeUInt16BE(bytes.length, 0);
    parts.push(length, bytes);
  };
  for (const entry of entries) {
    writeString(entry.memberId);
    const length = Buffer.allocUnsafe(8);
    length.writeInt32BE(entry.metadata.length, 0);
    length.writeInt32BE(entry.partitions.length, 4);
    parts.push(length.subarray(0, 4), entry.metadata, length.subarray(4));
    for (const { topic, partition } of entry.partitions) {
      writeString(topic);
      const p = Buffer.allocUnsafe(4);
      p.writeInt32BE(partition, 0);
      parts.push(p);
    }
  }
  return Buffer.concat(parts);
}

/** Reads what `encodeGroupDirectory` wrote; a foreign or corrupt blob throws `KST_KAFKA_ASSIGNOR`. */
export function decodeGroupDirectory(userData: Buffer): GroupDirectoryEntry[] {
  try {
    let at = 0;
    const version = userData.readInt16BE(at);
    if (version !== DIRECTORY_VERSION) throw new Error(`unknown directory version ${version}`);
    const count = userData.readInt32BE((at += 2));
    at += 4;
    const readString = (): string => {
      const length = userData.readUInt16BE(at);
      const value = userData.toString('utf8', at + 2, at + 2 + length);
      at += 2 + length;
      return value;
    };
    const entries: GroupDirectoryEntry[] = [];
    for (let i = 0; i < count; i++) {
      const memberId = readString();
      const metadataLength = userData.readInt32BE(at);
      const metadata = userData.subarray(at + 4, at + 4 + metadataLength);
      at += 4 + metadataLength;
      const partitionCount = userData.readInt32BE(at);
      at += 4;
      const partitions: TopicPartition[] = [];
      for (let j = 0; j < partitionCount; j++) {
        const topic = readString();
        partitions.push({ topic, partition: userData.readInt32BE(at) });
        at += 4;
      }
      entries.push({ memberId, metadata, partitions });
    }
    return entries;
  } catch (error) {
    throw new KstError('KST_KAFKA_ASSIGNOR', `assignment userData is not a group directory: ${(error as Error).message}`, {}, { cause: error });
  }
}

/**
 * Range assignment over members sorted by id: partition `p` of every topic goes to the
 * same member (as Kafka's RangeAssignor), which keeps co-partitioned topics together.
 */
export function rangeAssign(members: readonly AssignorMember[], partitionCounts: ReadonlyMap<string, number>): Map<string, TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
  for (const [topic, count] of partitionCounts) {
    const subscribers = members.filter((m) => m.topics.includes(topic));
    if (subscribers.length === 0) continue;
    const base = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    let next = 0;
    subscribers.forEach((member, i) => {
      const take = base + (i < extra ? 1 : 0);
      const list = out.get(member.memberId) as TopicPartition[];
      for (let p = next; p < next + take; p++) list.push({ topic, partition: p });
      next += take;
    });
  }
  return out;
}

/**
 * A complete assignor: range assignment, and every member's userData is the group
 * directory (all members' metadata and partitions), so each instance knows which
 * instance owns which partition — what interactive-query routing needs.
 *
 * @example
 * ```ts
 * const assignor = allMembersRangeAssignor(() => Buffer.from('10.0.0.7:50051'));
 * const consumer = new KafkaConsumer(client, config, { assignor, listener: { onPartitionsAssigned: (a) => hosts = decodeGroupDirectory(a.userData) } });
 * ```
 */
export function allMembersRangeAssignor(metadata: () => Buffer | Promise<Buffer>, name = 'kst-range'): Assignor {
  return {
    name,
    version: 0,
    metadata,
    assign(context) {
      const byMember = rangeAssign(context.members, context.partitionCounts);
      const userData = encodeGroupDirectory(context.members.map((m) => ({ memberId: m.memberId, metadata: m.metadata, partitions: byMember.get(m.memberId) ?? [] })));
      return new Map(context.members.map((m) => [m.memberId, { partitions: byMember.get(m.memberId) ?? [], userData }]));
    },
  };
}

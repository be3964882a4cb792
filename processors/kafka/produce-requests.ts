/**
 * Splits one `send` into Produce requests the broker accepts, as the Java producer's
 * accumulator and sender do: records of a partition go into batches of at most
 * `batch.size` bytes (a record larger than that gets a batch of its own), and a request
 * carries at most one batch per partition and at most `max.request.size` bytes. The
 * client library writes exactly one batch per partition into each request it is given,
 * so one request of ours is one library `send`; without this split a large send became
 * one batch per partition of any size, which the broker refuses (MESSAGE_TOO_LARGE)
 * once it passes the topic's `max.message.bytes` (1 MiB by default).
 *
 * A record that alone is larger than `max.request.size` (or than what the broker has
 * refused for its topic, see `ProduceLimits.learn`) is never sent: the planner hands it
 * back as too large, and the caller's production exception handler decides.
 *
 * Sizes are upper bounds of the record format v2 encoding (before compression), so a
 * request never exceeds its bound by our count.
 *
 * @example
 * ```ts
 * const plan = planRequests(records, (topic) => counts.get(topic) ?? 1, limits);
 * for (const request of plan.requests) await wire.send({ messages: toMessages(request) });
 * ```
 */

import { murmur2 } from './murmur2.ts';
import type { ProducerRecord } from './types.ts';

/** Record batch header of format v2 (base offset … records count). */
export const BATCH_OVERHEAD = 61;
/** A varint of an int32 takes at most 5 bytes, of an int64 at most 10. */
const VARINT32 = 5;
const VARINT64 = 10;

/** Upper bound of one record's bytes inside a batch: length, attributes, deltas, key, value, headers. */
export function recordSizeUpperBound(record: ProducerRecord): number {
  let size = VARINT32 + 1 + VARINT64 + VARINT32 + VARINT32 + VARINT32 + VARINT32;
  if (record.key != null) size += record.key.length;
  if (record.value !== null) size += record.value.length;
  const headers = record.headers;
  if (headers !== undefined) {
    for (const [name, value] of headers) size += VARINT32 + Buffer.byteLength(name) + VARINT32 + value.length;
  }
  return size;
}

/** The configured bounds, plus what the broker taught us about topics with a lower `max.message.bytes`. */
export class ProduceLimits {
  readonly batchSize: number;
  readonly maxRequestSize: number;
  /** Per topic: the largest batch (header included) not known to be refused. */
  readonly #topicLimits = new Map<string, number>();

  constructor(batchSize: number, maxRequestSize: number) {
    this.batchSize = batchSize;
    this.maxRequestSize = maxRequestSize;
  }

  /** Bytes one batch of `topic` may take, header included. */
  limitOf(topic: string): number {
    return Math.min(this.maxRequestSize, this.#topicLimits.get(topic) ?? Number.MAX_SAFE_INTEGER);
  }

  /**
   * The broker refused a batch of `bytes` for `topic`. A single record: it and anything as
   * large are too large for the topic. Several records: batches of the topic are halved.
   * Either way the limit strictly falls, so a replay converges on sending what fits and
   * handing the rest to the handler instead of failing forever.
   */
  learn(topic: string, bytes: number, records: number): void {
    const next = records <= 1 ? bytes - 1 : Math.max(BATCH_OVERHEAD + 1, Math.floor(bytes / 2));
    if (next < this.limitOf(topic)) this.#topicLimits.set(topic, next);
  }
}

/** A record the planner will not send, with where it would have gone. */
export interface TooLargeRecord {
  readonly record: ProducerRecord;
  readonly topic: string;
  readonly partition: number;
  /** Its batch size alone (header included). */
  readonly bytes: number;
  readonly limit: number;
}

/** One Produce request: records in send order, their partitions set, and each partition's bytes. */
export interface PlannedRequest {
  readonly records: ProducerRecord[];
  readonly bytes: Map<string, { topic: string; partition: number; bytes: number; records: number }>;
}

export interface RequestPlan {
  readonly requests: PlannedRequest[];
  readonly tooLarge: TooLargeRecord[];
}

interface Batch {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  readonly records: ProducerRecord[];
  bytes: number;
}

let roundRobin = 0;

/**
 * The partition a record goes to: its own, else murmur2 of the key as the Java client
 * (`& 0x7fffffff`, modulo the count), else round-robin for null keys. Decided here, not
 * in the library, so batch sizes are known per partition.
 */
export function partitionOf(record: ProducerRecord, partitionCount: number): number {
  if (record.partition !== undefined) return record.partition;
  if (record.key != null) return (murmur2(record.key) & 0x7fffffff) % partitionCount;
  roundRobin = (roundRobin + 1) & 0x7fffffff;
  return roundRobin % partitionCount;
}

/**
 * Plans the requests of one send. Records keep their order within a partition (requests
 * are sent one after the other); every returned record has its partition set.
 */
export function planRequests(records: readonly ProducerRecord[], partitionCount: (topic: string) => number, limits: ProduceLimits): RequestPlan {
  const tooLarge: TooLargeRecord[] = [];
  // Per partition, its batches in order; the first one not yet placed is at the front.
  const queues = new Map<string, Batch[]>();
  // Per topic, its partitions' queues by index, so a record costs no key string (hot path).
  const byTopic = new Map<string, { readonly count: number; readonly limit: number; readonly queues: Array<Batch[] | undefined> }>();
  for (const record of records) {
    const topic = record.topic;
    let known = byTopic.get(topic);
    if (known === undefined) byTopic.set(topic, (known = { count: partitionCount(topic), limit: limits.limitOf(topic), queues: [] }));
    const partition = partitionOf(record, known.count);
    const size = recordSizeUpperBound(record);
    const limit = known.limit;
    if (BATCH_OVERHEAD + size > limit) {
      tooLarge.push({ record, topic, partition, bytes: BATCH_OVERHEAD + size, limit });
      continue;
    }
    const placed: ProducerRecord = record.partition === partition ? record : { ...record, partition };
    let queue = known.queues[partition];
    if (queue === undefined) {
      queue = [];
      known.queues[partition] = queue;
      queues.set(`${topic}\u0000${partition}`, queue);
    }
    const last = queue[queue.length - 1];
    // A record larger than batch.size opens a batch of its own, which takes nothing more.
    if (last !== undefined && last.bytes + size <= Math.min(limit, limits.batchSize)) {
      last.records.push(placed);
      last.bytes += size;
    } else {
      queue.push({ key: `${topic}\u0000${partition}`, topic, partition, records: [placed], bytes: BATCH_OVERHEAD + size });
    }
  }
  return { requests: drain(queues, limits.maxRequestSize), tooLarge };
}

/** Builds requests of at most one batch per partition and `maxRequestSize` bytes each. */
function drain(queues: Map<string, Batch[]>, maxRequestSize: number): PlannedRequest[] {
  const requests: PlannedRequest[] = [];
  const heads = new Map<string, number>();
  let remaining = 0;
  for (const queue of queues.values()) remaining += queue.length;
  while (remaining > 0) {
    const request: PlannedRequest = { records: [], bytes: new Map() };
    let bytes = 0;
    for (const [key, queue] of queues) {
      const head = heads.get(key) ?? 0;
      const batch = queue[head];
      if (batch === undefined) continue;
      // Every batch fits a request alone (see planRequests), so each request takes at least one.
      if (bytes > 0 && bytes + batch.bytes > maxRequestSize) continue;
      heads.set(key, head + 1);
      remaining--;
      bytes += batch.bytes;
      for (const record of batch.records) request.records.push(record);
      request.bytes.set(key, { topic: batch.topic, partition: batch.partition, bytes: batch.bytes, records: batch.records.length });
    }
    requests.push(request);
  }
  return requests;
}

/**
 * The requests of a plan grouped for sending: consecutive requests that share no
 * partition form a wave, which may be sent at once; waves go one after the other. A
 * partition's later batch is then never in flight beside its earlier one, so its records
 * land in order whatever the client library does with concurrent sends (it reordered two
 * such requests once, idempotence on).
 */
export function sendWaves(requests: readonly PlannedRequest[]): PlannedRequest[][] {
  const waves: PlannedRequest[][] = [];
  let wave: PlannedRequest[] = [];
  let partitions = new Set<string>();
  for (const request of requests) {
    const keys = [...request.bytes.keys()];
    if (keys.some((key) => partitions.has(key))) {
      waves.push(wave);
      wave = [];
      partitions = new Set();
    }
    wave.push(request);
    for (const key of keys) partitions.add(key);
  }
  if (wave.length > 0) waves.push(wave);
  return waves;
}

/**
 * Pure mapping between our record types and the client library's wire structures, in
 * both directions. Hot path: one pass per batch, no per-record closures, and the
 * shared empty header list is reused for the (common) header-less record.
 */

import { IS_CONTROL, IS_TRANSACTIONAL, type MessageToProduce, type RecordsBatch } from './library.ts';
import { murmur2 } from './murmur2.ts';
import { LazyBatch, RECORDS_START } from './fetch-decoder.ts';
import type { KafkaHeader, KafkaRecord, ProducerRecord } from './types.ts';

/** What the library's producer is given: headers travel as their own tuples (see `toMessages`). */
export type WireMessage = MessageToProduce<Buffer, Buffer, KafkaHeader, KafkaHeader>;

const NO_HEADERS: readonly KafkaHeader[] = Object.freeze([]);
const EMPTY = Buffer.alloc(0);

/**
 * Header serializers for the library. Headers are passed as a `Map` keyed by the header
 * tuple itself: tuples are distinct objects, so repeated header names (legal in Kafka)
 * survive the library's Map-based header API, and order is kept.
 */
export const headerSerializers = {
  headerKey: (header?: KafkaHeader): Buffer | undefined => (header === undefined ? undefined : Buffer.from(header[0])),
  headerValue: (header?: KafkaHeader): Buffer | undefined => header?.[1],
} as const;

/** Converts records for one `send` call; the library serializes nothing else (keys and values are bytes). */
export function toMessages(records: readonly ProducerRecord[]): WireMessage[] {
  const messages = new Array<WireMessage>(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as ProducerRecord;
    const message: WireMessage = { topic: record.topic };
    if (record.partition !== undefined) message.partition = record.partition;
    if (record.key !== undefined && record.key !== null) message.key = record.key;
    if (record.value !== null) message.value = record.value;
    if (record.timestamp !== undefined) message.timestamp = record.timestamp;
    if (record.headers !== undefined && record.headers.length > 0) {
      const headers = new Map<KafkaHeader, KafkaHeader>();
      for (const header of record.headers) headers.set(header, header);
      message.headers = headers;
    }
    messages[i] = message;
  }
  return messages;
}

let stickyCounter = 0;

/**
 * Java-compatible partitioner: `murmur2(key) & 0x7fffffff` modulo the partition count
 * (the library takes the modulo), so records keyed alike land in the same partition as
 * from a Java producer — co-partitioning depends on it. The library's default
 * (`murmur2 >>> 0`) differs, and it sends every null-keyed record to partition 0; those
 * are spread round-robin here instead.
 */
export function javaCompatiblePartitioner(_message: unknown, key: Buffer | undefined): number {
  if (key !== undefined) return murmur2(key) & 0x7fffffff;
  stickyCounter = (stickyCounter + 1) & 0x7fffffff;
  return stickyCounter;
}

/** An aborted transaction as a read_committed fetch lists it. */
export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

/**
 * Appends the data records of fetched batches to `out`, skipping control batches
 * (transaction markers), records of aborted transactions, and records before
 * `fromOffset` (a fetch may return a batch that starts before the requested offset).
 * Returns the next offset to fetch, which moves past skipped batches too.
 *
 * Aborted data is dropped as the Java consumer does it: a producer listed in
 * `aborted` is skipped from its first offset until its abort marker. The library's own
 * filter never sees the list (see `hideAborted` in fetch-decoder.ts): it dropped
 * committed transactions of a producer that also had an unlisted abort marker (a fenced
 * transaction that wrote nothing to the partition) later in the same response.
 */
export function appendFetchedRecords(
  out: KafkaRecord[],
  topic: string,
  partition: number,
  batches: ReadonlyArray<RecordsBatch | LazyBatch>,
  fromOffset: bigint,
  aborted?: readonly AbortedTransaction[] | null,
): bigint {
  let next = fromOffset;
  const pending = aborted == null || aborted.length === 0 ? null : [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  let abortedProducers: Set<bigint> | null = null;
  for (const batch of batches) {
    const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    if (last + 1n > next) next = last + 1n;
    if (pending !== null) {
      while (pending.length > 0 && (pending[0] as AbortedTransaction).firstOffset <= last) {
        (abortedProducers ??= new Set()).add((pending.shift() as AbortedTransaction).producerId);
      }
    }
    if ((batch.attributes & IS_CONTROL) !== 0) {
      // Control record key: version (int16), type (int16); type 0 ends an aborted transaction.
      if (abortedProducers !== null && batch.records[0]?.key?.readInt16BE(2) === 0) abortedProducers.delete(batch.producerId);
      continue;
    }
    if (abortedProducers !== null && (batch.attributes & IS_TRANSACTIONAL) !== 0 && abortedProducers.has(batch.producerId)) continue;
    if (batch instanceof LazyBatch) {
      decodeRecords(out, topic, partition, batch, fromOffset);
      continue;
    }
    const { firstOffset, firstTimestamp, partitionLeaderEpoch } = batch;
    for (const record of batch.records) {
      const offset = firstOffset + BigInt(record.offsetDelta);
      if (offset < fromOffset) continue;
      out.push({
        topic,
        partition,
        offset,
        timestamp: firstTimestamp + record.timestampDelta,
        key: record.key,
        value: record.value,
        headers: record.headers.length === 0 ? NO_HEADERS : toHeaders(record.headers),
        leaderEpoch: partitionLeaderEpoch,
      });
    }
  }
  return next;
}

/** Reads an unsigned varint at `state.at`, advancing it (record fields are at most 64 bits, deltas fit a double). */
function readUvarint(bytes: Buffer, state: { at: number }): number {
  let at = state.at;
  let byte = bytes[at++] as number;
  let value = byte & 0x7f;
  let scale = 128;
  while (byte >= 0x80) {
    byte = bytes[at++] as number;
    value += (byte & 0x7f) * scale;
    scale *= 128;
  }
  state.at = at;
  return value;
}

function readVarint(bytes: Buffer, state: { at: number }): number {
  const zigzag = readUvarint(bytes, state);
  return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
}

function readBytes(bytes: Buffer, state: { at: number }): Buffer | null {
  const length = readVarint(bytes, state);
  if (length < 0) return null;
  const start = state.at;
  state.at = start + length;
  return bytes.subarray(start, start + length);
}

/**
 * Decodes an uncompressed batch's records straight into ours (format v2): keys and
 * values are views of the fetched bytes, and no intermediate object is built.
 */
function decodeRecords(out: KafkaRecord[], topic: string, partition: number, batch: LazyBatch, fromOffset: bigint): void {
  const { bytes, firstOffset, firstTimestamp, partitionLeaderEpoch, recordCount } = batch;
  // Offsets before `fromOffset` are skipped by their delta, compared as numbers.
  const skipBelow = fromOffset > firstOffset ? Number(fromOffset - firstOffset) : 0;
  const state = { at: RECORDS_START };
  for (let i = 0; i < recordCount; i++) {
    const length = readVarint(bytes, state);
    const end = state.at + length;
    state.at += 1; // record attributes
    const timestampDelta = readVarint(bytes, state);
    const offsetDelta = readVarint(bytes, state);
    if (offsetDelta < skipBelow) {
      state.at = end;
      continue;
    }
    const key = readBytes(bytes, state);
    const value = readBytes(bytes, state);
    const headerCount = readVarint(bytes, state);
    let headers: readonly KafkaHeader[] = NO_HEADERS;
    if (headerCount > 0) {
      const list = new Array<KafkaHeader>(headerCount);
      for (let h = 0; h < headerCount; h++) {
        const name = readBytes(bytes, state);
        const headerValue = readBytes(bytes, state);
        list[h] = [name === null ? '' : name.toString('utf8'), headerValue ?? EMPTY];
      }
      headers = list;
    }
    state.at = end;
    out.push({
      topic,
      partition,
      offset: firstOffset + BigInt(offsetDelta),
      timestamp: timestampDelta === 0 ? firstTimestamp : firstTimestamp + BigInt(timestampDelta),
      key,
      value,
      headers,
      leaderEpoch: partitionLeaderEpoch,
    });
  }
}

function toHeaders(raw: ReadonlyArray<readonly [Buffer | null, Buffer | null]>): KafkaHeader[] {
  const headers = new Array<KafkaHeader>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const [key, value] = raw[i] as readonly [Buffer | null, Buffer | null];
    // A null header value is legal in Kafka; the engine treats it as empty bytes.
    headers[i] = [key === null ? '' : key.toString('utf8'), value ?? EMPTY];
  }
  return headers;
}

/** First header with the given name, or undefined. */
export function headerValue(headers: readonly KafkaHeader[], name: string): Buffer | undefined {
  for (const header of headers) if (header[0] === name) return header[1];
  return undefined;
}

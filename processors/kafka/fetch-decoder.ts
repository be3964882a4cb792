/**
 * Reads Fetch responses (v17) with record batches left undecoded: each batch keeps its
 * header fields and a view of its bytes, and `records.ts` decodes the records straight
 * into our `KafkaRecord`s (keys and values are views of the response, not copies). The
 * library's own parser builds an object per record, with 64-bit deltas as BigInts, plus
 * a buffer per key and value that may straddle socket chunks; we then built a second
 * object per record from it. Compressed batches are decoded by the library as before.
 *
 * A lazy batch still answers `records` (decoded on first use, by the library), so the
 * library's read_committed filter, which looks at control records, works unchanged.
 *
 * @example
 * ```ts
 * hookApis(consumer, { Fetch: lazyFetch });
 * ```
 */

import { fetchV17, Reader, readRecordsBatch, ResponseError, type RecordsBatch } from '@platformatic/kafka';
import { wrapApi, type ApiCallback, type ApiFunction } from './api-hooks.ts';
import type { AbortedTransaction } from './records.ts';

const IS_COMPRESSED = 0b111;
/** baseOffset (8) + batchLength (4): the rest of a batch is `batchLength` bytes. */
const BATCH_HEAD = 12;
/** Bytes from the batch start to its first record (format v2). */
export const RECORDS_START = 61;

/** A record batch whose records are decoded when asked for (see `appendFetchedRecords`). */
export class LazyBatch {
  readonly firstOffset: bigint;
  readonly length: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  readonly crc: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly firstTimestamp: bigint;
  readonly maxTimestamp: bigint;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly firstSequence: number;
  /** The whole batch, header included; records start at `RECORDS_START`. */
  readonly bytes: Buffer;
  readonly recordCount: number;
  #records: RecordsBatch['records'] | undefined;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
    this.firstOffset = bytes.readBigInt64BE(0);
    this.length = bytes.readInt32BE(8);
    this.partitionLeaderEpoch = bytes.readInt32BE(12);
    this.magic = bytes.readInt8(16);
    this.crc = bytes.readUInt32BE(17);
    this.attributes = bytes.readInt16BE(21);
    this.lastOffsetDelta = bytes.readInt32BE(23);
    this.firstTimestamp = bytes.readBigInt64BE(27);
    this.maxTimestamp = bytes.readBigInt64BE(35);
    this.producerId = bytes.readBigInt64BE(43);
    this.producerEpoch = bytes.readInt16BE(51);
    this.firstSequence = bytes.readInt32BE(53);
    this.recordCount = bytes.readInt32BE(57);
  }

  /** The records as the library decodes them: only control batches and tests ask. */
  get records(): RecordsBatch['records'] {
    this.#records ??= readRecordsBatch(Reader.from(this.bytes)).records;
    return this.#records;
  }
}

/** Splits a partition's records section into batches; a trailing partial batch is left out, as the library does. */
export function readLazyBatches(section: Buffer): Array<LazyBatch | RecordsBatch> {
  const batches: Array<LazyBatch | RecordsBatch> = [];
  let offset = 0;
  while (section.length - offset >= BATCH_HEAD) {
    const size = BATCH_HEAD + section.readInt32BE(offset + 8);
    if (section.length - offset < size) break;
    const bytes = section.subarray(offset, offset + size);
    // Compressed batches (and any other magic) take the library's path.
    if (bytes.length >= RECORDS_START && bytes.readInt8(16) === 2 && (bytes.readInt16BE(21) & IS_COMPRESSED) === 0) batches.push(new LazyBatch(bytes));
    else batches.push(readRecordsBatch(Reader.from(bytes)));
    offset += size;
  }
  return batches;
}

type TaggedHandlers = Record<number, (reader: Reader) => void>;

function readTaggedFields(reader: Reader, handlers: TaggedHandlers): void {
  const count = reader.readUnsignedVarInt();
  for (let i = 0; i < count; i++) {
    const tag = reader.readUnsignedVarInt();
    const size = reader.readUnsignedVarInt();
    const handler = handlers[tag];
    if (handler !== undefined) handler(Reader.from(reader.buffer.slice(reader.position, reader.position + size)));
    reader.skip(size);
  }
}

/** `fetchV17.parseResponse` with lazily decoded record batches (same response shape, same errors). */
export function parseFetchResponse(_correlationId: number, apiKey: number, apiVersion: number, reader: Reader): unknown {
  const errors: Array<[string, [number, null]]> = [];
  const throttleTimeMs = reader.readInt32();
  const errorCode = reader.readInt16();
  if (errorCode !== 0) errors.push(['', [errorCode, null]]);
  const response = {
    throttleTimeMs,
    errorCode,
    sessionId: reader.readInt32(),
    nodeEndpoints: [] as unknown[],
    responses: reader.readArray((r: Reader, i: number) => ({
      topicId: r.readUUID(),
      partitions: r.readArray((r: Reader, j: number) => {
        const partition = {
          partitionIndex: r.readInt32(),
          errorCode: r.readInt16(),
          highWatermark: r.readInt64(),
          lastStableOffset: r.readInt64(),
          logStartOffset: r.readInt64(),
          divergingEpoch: { epoch: -1, endOffset: -1n },
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1n, epoch: -1 },
          abortedTransactions: r.readNullableArray((r: Reader) => ({ producerId: r.readInt64(), firstOffset: r.readInt64() })) as AbortedTransaction[] | null,
          preferredReadReplica: r.readInt32(),
          records: [] as Array<LazyBatch | RecordsBatch> | null,
        };
        hideAborted(partition);
        if (partition.errorCode !== 0) errors.push([`/responses/${i}/partitions/${j}`, [partition.errorCode, null]]);
        const recordsSize = r.readUnsignedVarInt();
        if (recordsSize === 0) partition.records = null;
        if (recordsSize > 1) {
          // One contiguous view of the section: a copy only when it straddles socket chunks.
          partition.records = readLazyBatches(r.buffer.subarray(r.position, r.position + recordsSize - 1).buffer);
          r.skip(recordsSize - 1);
        }
        readTaggedFields(r, {
          0: (t) => { partition.divergingEpoch = { epoch: t.readInt32(), endOffset: t.readInt64() }; },
          1: (t) => { partition.currentLeader = { leaderId: t.readInt32(), leaderEpoch: t.readInt32() }; },
          2: (t) => { partition.snapshotId = { endOffset: t.readInt64(), epoch: t.readInt32() }; },
        });
        return partition;
      }, true, false),
    })),
  };
  readTaggedFields(reader, {
    0: (r) => {
      response.nodeEndpoints = r.readArray((r: Reader) => ({ nodeId: r.readInt32(), host: r.readString(), port: r.readInt32(), rack: r.readNullableString() }));
    },
  });
  if (errors.length > 0) throw new ResponseError(apiKey, apiVersion, Object.fromEntries(errors), response);
  return response;
}

interface Connection {
  send(apiKey: number, apiVersion: number, createPayload: () => unknown, parse: typeof parseFetchResponse, requestTags: boolean, responseTags: boolean, callback: ApiCallback): void;
}

/** Where a fetched partition keeps its aborted transactions once they are hidden from the library. */
const ABORTED: unique symbol = Symbol('kst.abortedTransactions');

interface FetchedPartition {
  abortedTransactions?: readonly AbortedTransaction[] | null;
  [ABORTED]?: readonly AbortedTransaction[] | null;
}

/**
 * Moves a fetched partition's aborted transactions out of the library's sight. The
 * library's own read_committed filter drops every batch of a producer from the first
 * offset of its listed aborted transaction up to the producer's LAST abort marker in the
 * response; a later abort marker of a transaction that wrote nothing to the partition (a
 * producer fenced after it had added the partition) is not listed, so the filter dropped
 * the producer's committed transactions in between, and the abort marker that ended the
 * listed one. `appendFetchedRecords` filters as the Java consumer does instead.
 */
export function hideAborted(partition: object): void {
  const fetched = partition as FetchedPartition;
  if (fetched[ABORTED] !== undefined) return;
  fetched[ABORTED] = fetched.abortedTransactions ?? null;
  fetched.abortedTransactions = null;
}

/** A fetched partition's aborted transactions (see `hideAborted`). */
export function abortedOf(partition: object): readonly AbortedTransaction[] | null {
  const fetched = partition as FetchedPartition;
  return fetched[ABORTED] !== undefined ? fetched[ABORTED] : (fetched.abortedTransactions ?? null);
}

/** Hides the aborted transactions of every partition of a Fetch response (or of the one an error carries). */
function hideAbortedIn(payload: unknown): void {
  const responses = (payload as { responses?: Array<{ partitions?: object[] }> } | undefined)?.responses;
  for (const topic of responses ?? []) for (const partition of topic.partitions ?? []) hideAborted(partition);
}

/**
 * The library's Fetch API with our response handling: v17 with our lazy parser, other
 * versions with the library's parser; either way the aborted transactions are hidden
 * from the library's read_committed filter (see `hideAborted`).
 */
export function lazyFetch(api: ApiFunction): ApiFunction {
  if (api.version !== 17) {
    return wrapApi(api, (args, invoke, done) => invoke(args, (error, payload) => {
      hideAbortedIn(payload);
      hideAbortedIn((error as { response?: unknown } | null)?.response);
      done(error, payload);
    }));
  }
  const createRequest = fetchV17.createRequest as (...args: unknown[]) => unknown;
  const wrapped = ((connection: Connection, ...rest: unknown[]) => {
    const callback = rest.pop() as ApiCallback;
    connection.send(api.key, api.version, () => createRequest(...rest), parseFetchResponse, true, true, callback);
  }) as unknown as ApiFunction;
  return Object.assign(wrapped, { async: api.async, key: api.key, version: api.version });
}

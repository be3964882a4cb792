import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createRecordsBatch, IS_CONTROL, IS_TRANSACTIONAL, Reader, readRecordsBatches } from '@platformatic/kafka';
import { abortedOf, hideAborted, LazyBatch, lazyFetch, readLazyBatches } from '../../../processors/kafka/fetch-decoder.ts';
import type { ApiCallback, ApiFunction } from '../../../processors/kafka/api-hooks.ts';
import { appendFetchedRecords } from '../../../processors/kafka/records.ts';
import type { KafkaRecord } from '../../../processors/kafka/types.ts';

interface Message {
  readonly key?: Buffer | undefined;
  readonly value?: Buffer | undefined;
  readonly headers: Map<Buffer, Buffer>;
  readonly timestamp: bigint;
}

const T0 = 1_765_000_000_000n;

/** One batch as a broker would return it: the library's encoding with the base offset set. */
function batchBytes(messages: readonly Message[], baseOffset: bigint, options: { compression?: string; transactional?: boolean } = {}): Buffer {
  const encoded = Buffer.from((createRecordsBatch(messages.map((m) => ({ ...m, topic: 't', partition: 0 })) as never, { compression: options.compression ?? 'none', producerId: 5n, ...(options.transactional === true ? { transactionalId: 'x' } : {}) } as never) as unknown as { buffer: Buffer }).buffer);
  encoded.writeBigInt64BE(baseOffset, 0);
  return encoded;
}

/** What the adapter made of the library's fully decoded batches: the reference. */
function viaLibrary(section: Buffer, fromOffset: bigint): KafkaRecord[] {
  const out: KafkaRecord[] = [];
  appendFetchedRecords(out, 't', 0, readRecordsBatches(Reader.from(section)), fromOffset);
  return out;
}

function viaLazy(section: Buffer, fromOffset: bigint): { records: KafkaRecord[]; next: bigint } {
  const records: KafkaRecord[] = [];
  const next = appendFetchedRecords(records, 't', 0, readLazyBatches(section), fromOffset);
  return { records, next };
}

const plain = (records: readonly KafkaRecord[]): unknown[] => records.map((r) => ({ ...r, key: r.key === null ? null : [...r.key], value: r.value === null ? null : [...r.value], headers: r.headers.map(([k, v]) => [k, [...v]]) }));

test('lazy batches decode to the same records as the library, from any fetch offset', () => {
  const bytes = fc.option(fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), { nil: undefined });
  const message = fc.record({
    key: bytes,
    value: bytes,
    headers: fc.array(fc.tuple(fc.string({ maxLength: 8 }).map((s) => Buffer.from(s)), fc.uint8Array({ maxLength: 10 }).map((a) => Buffer.from(a))), { maxLength: 3 }).map((pairs) => new Map(pairs)),
    timestamp: fc.bigInt({ min: T0 - 10n ** 8n, max: T0 + 10n ** 8n }),
  });
  fc.assert(
    fc.property(fc.array(fc.array(message, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 4 }), fc.nat(30), (batches, skip) => {
      let offset = 100n;
      const parts: Buffer[] = [];
      for (const messages of batches) {
        parts.push(batchBytes(messages, offset));
        offset += BigInt(messages.length);
      }
      const section = Buffer.concat(parts);
      const from = 100n + BigInt(skip);
      const lazy = viaLazy(section, from);
      assert.deepEqual(plain(lazy.records), plain(viaLibrary(section, from)));
      assert.equal(lazy.next, offset > from ? offset : from);
    }),
    { numRuns: 100 },
  );
});

test('keys and values are views of the fetched bytes, not copies', () => {
  const section = batchBytes([{ key: Buffer.from('k'), value: Buffer.from('value'), headers: new Map(), timestamp: T0 }], 0n);
  const { records } = viaLazy(section, 0n);
  assert.equal(records[0]?.value?.buffer, section.buffer);
  assert.equal(records[0]?.value?.toString(), 'value');
});

test('a trailing partial batch is left for the next fetch, and compressed batches go through the library', () => {
  const first = batchBytes([{ value: Buffer.from('a'), headers: new Map(), timestamp: T0 }], 0n);
  const compressed = batchBytes([{ value: Buffer.from('b'.repeat(100)), headers: new Map(), timestamp: T0 }, { value: Buffer.from('c'), headers: new Map(), timestamp: T0 + 1n }], 1n, { compression: 'gzip' });
  const partial = batchBytes([{ value: Buffer.from('d'), headers: new Map(), timestamp: T0 }], 3n).subarray(0, 30);
  const batches = readLazyBatches(Buffer.concat([first, compressed, partial]));
  assert.equal(batches.length, 2);
  assert.ok(batches[0] instanceof LazyBatch);
  assert.ok(!(batches[1] instanceof LazyBatch));
  const out: KafkaRecord[] = [];
  assert.equal(appendFetchedRecords(out, 't', 0, batches, 0n), 3n);
  assert.deepEqual(out.map((r) => r.value?.toString().slice(0, 1)), ['a', 'b', 'c']);
});

test('a lazy control batch answers its records, so transaction markers are recognised', () => {
  const abortKey = Buffer.alloc(4); // version 0, type 0: abort
  const data = batchBytes([{ value: Buffer.from('aborted'), headers: new Map(), timestamp: T0 }], 0n, { transactional: true });
  const marker = batchBytes([{ key: abortKey, value: Buffer.alloc(6), headers: new Map(), timestamp: T0 }], 1n, { transactional: true });
  marker.writeInt16BE(marker.readInt16BE(21) | IS_CONTROL, 21);
  const after = batchBytes([{ value: Buffer.from('committed'), headers: new Map(), timestamp: T0 }], 2n, { transactional: true });
  const batches = readLazyBatches(Buffer.concat([data, marker, after]));
  assert.equal(batches[1]?.attributes, IS_CONTROL | IS_TRANSACTIONAL);
  assert.equal(batches[1]?.records[0]?.key?.readInt16BE(2), 0);
  const out: KafkaRecord[] = [];
  assert.equal(appendFetchedRecords(out, 't', 0, batches, 0n, [{ producerId: 5n, firstOffset: 0n }]), 3n);
  assert.deepEqual(out.map((r) => r.value?.toString()), ['committed']);
});

test('lazyFetch parses Fetch v17 itself; every version hides the aborted transactions from the library', () => {
  const answered = { responses: [{ topicId: 't', partitions: [{ partitionIndex: 0, abortedTransactions: [{ producerId: 3n, firstOffset: 84n }] }] }] };
  const other = Object.assign((_connection: unknown, ...args: unknown[]) => (args.at(-1) as ApiCallback)(null, answered), { async: null, key: 1, version: 16 }) as unknown as ApiFunction;
  let payload: unknown;
  lazyFetch(other)({}, 500, () => undefined, (_error: Error | null, result?: unknown) => (payload = result));
  const partition = (payload as typeof answered).responses[0]!.partitions[0]!;
  assert.equal(partition.abortedTransactions, null, 'the library\'s read_committed filter sees none');
  assert.deepEqual(abortedOf(partition), [{ producerId: 3n, firstOffset: 84n }], 'ours does');
  hideAborted(partition);
  assert.deepEqual(abortedOf(partition), [{ producerId: 3n, firstOffset: 84n }], 'hiding twice keeps the list');

  const sent: unknown[] = [];
  const v17 = lazyFetch(Object.assign(() => undefined, { async: null, key: 1, version: 17 }) as unknown as ApiFunction);
  v17({ send: (...args: unknown[]) => sent.push(args) }, 500, 1, 1024, 0, 0, 0, [], [], '', () => undefined);
  assert.equal((sent[0] as unknown[])[1], 17);
  assert.equal(((sent[0] as unknown[])[3] as { name: string }).name, 'parseFetchResponse');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SinkRecord } from '../../../../connectors/api/connect-record.ts';
import { searchSinkConnector } from '../../../../connectors/sinks/elasticsearch/connector.ts';
import { field, recordingContext, sinkRecord, stack, struct, uniqueId } from '../support.ts';
import { deleteIndex, documents } from './search-client.ts';

const valueSchema = struct({ sku: field('string'), version: field('int32'), stock: field('int32'), tags: { type: 'array', optional: false, valueSchema: field('string') } });

/** 10,000 records over 1,200 keys with updates and tombstones, and the expected final index. */
function workload(topic: string): { records: SinkRecord[]; expected: Map<string, Record<string, unknown>> } {
  let state = 3;
  const random = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const records: SinkRecord[] = [];
  const expected = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < 10_000; i += 1) {
    const sku = `sku-${random(1200)}`;
    if (random(8) === 0) {
      records.push(sinkRecord(topic, sku, null, { keySchema: field('string'), partition: i % 3 }));
      expected.delete(sku);
    } else {
      const value = { sku, version: i, stock: random(100), tags: [`t${i % 5}`] };
      records.push(sinkRecord(topic, sku, value, { keySchema: field('string'), valueSchema, partition: i % 3 }));
      expected.set(sku, value);
    }
  }
  return { records, expected };
}

for (const method of ['insert', 'upsert']) {
  test(`10,000 records with updates and tombstones (${method}) leave the index equal to the expected state`, async () => {
    const topic = uniqueId(`es_load_${method}`);
    const { records, expected } = workload(topic);
    const task = searchSinkConnector.createTask();
    await task.start({
      'connection.url': stack.opensearchUrl,
      'write.method': method,
      'behavior.on.null.values': 'delete',
      // Small batches and several in flight, so the same key is often in two batches at once.
      'batch.size': '300',
      'max.in.flight.requests': '5',
      'linger.ms': '5',
    }, recordingContext());
    for (let i = 0; i < records.length; i += 1000) {
      await task.put(records.slice(i, i + 1000));
      if (i % 3000 === 0) await task.flush(new Map());
    }
    await task.flush(new Map());
    await task.stop();
    const actual = await documents(topic);
    assert.equal(actual.size, expected.size);
    assert.deepEqual(actual, expected);
    await deleteIndex(topic);
  });
}

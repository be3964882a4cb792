import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from 'prom-client';
import { StreamsRegistry } from '../../../processors/client/metrics.ts';
import { processedRecords, watchFirstRecords } from '../../../topologies/ecommerce/first-records.ts';

test('the first processed records are reported once, summed over threads, and not before', async () => {
  const metricsRegistry = new StreamsRegistry();
  const processed = new Counter({ name: 'kstreams_thread_processed_records_total', help: 'records', labelNames: ['thread'], registers: [metricsRegistry] });
  const reports: number[] = [];
  const stop = watchFirstRecords({ metricsRegistry }, (records) => reports.push(records), 10);
  try {
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(reports, [], 'nothing processed, nothing reported');
    processed.inc({ thread: 'a' }, 2);
    processed.inc({ thread: 'b' }, 3);
    const deadline = Date.now() + 5_000;
    while (reports.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(reports, [5]);
    processed.inc({ thread: 'a' }, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(reports, [5], 'reported once');
    assert.equal(await processedRecords({ metricsRegistry }), 6);
  } finally {
    stop();
  }
});

/** Windowed serdes: Kafka Streams' byte layouts, and a round trip through a topic. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../../common/errors.ts';
import { Materialized, Produced, TimeWindows, WindowedSerdes, windowed } from '../../../../processors/dsl/index.ts';
import { L, S, builder, driverOf, pipe } from './support.ts';

test('time-windowed keys are the key bytes and an 8-byte big-endian start; the end comes from the window size', () => {
  const serde = WindowedSerdes.timeWindowedSerdeFrom(S, 60_000);
  const bytes = serde.serialize('t', windowed('ab', 1_700_000_040_000, 1_700_000_100_000));
  assert.equal(bytes?.toString('hex'), '6162' + '0000018bcfe60440');
  assert.deepEqual(serde.deserialize('t', bytes ?? null), windowed('ab', 1_700_000_040_000, 1_700_000_100_000));
  assert.equal(serde.serialize('t', null), null);
  assert.equal(serde.deserialize('t', null), null);
});

test('session-windowed keys are the key bytes, then the 8-byte end, then the 8-byte start', () => {
  const serde = WindowedSerdes.sessionWindowedSerdeFrom(S);
  const bytes = serde.serialize('t', windowed('k', 5, 9));
  assert.equal(bytes?.toString('hex'), '6b' + '0000000000000009' + '0000000000000005');
  assert.deepEqual(serde.deserialize('t', bytes ?? null), windowed('k', 5, 9));
});

test('bytes too short for a windowed key fail with KST_SERDE_DESERIALIZE', () => {
  assert.throws(() => WindowedSerdes.timeWindowedSerdeFrom(S, 10).deserialize('t', Buffer.alloc(7)), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE'));
  assert.throws(() => WindowedSerdes.sessionWindowedSerdeFrom(S).deserialize('t', Buffer.alloc(15)), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE'));
  assert.throws(() => WindowedSerdes.timeWindowedSerdeFrom(S, 0), (error) => isKstError(error, 'KST_TOPOLOGY_WINDOW_INVALID'));
});

test('a windowed table written with its serde reads back to the same windowed keys', async () => {
  const b = builder();
  const keySerde = WindowedSerdes.timeWindowedSerdeFrom(S, 10);
  b.stream<string, string>('input').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10))
    .count(Materialized.as<string, number>('counts').withCachingDisabled())
    .toStream().to('output', Produced.with(keySerde, L));
  const driver = driverOf(b);
  try {
    await pipe(driver, [['user-1', 'x', 123]]);
    const [record] = driver.createOutputTopic('output', keySerde, L).readRecordsToList();
    assert.deepEqual(record?.key, windowed('user-1', 120, 130));
    assert.equal(record?.value, 1);
    assert.equal(record?.timestamp, 123);
  } finally {
    await driver.close();
  }
});

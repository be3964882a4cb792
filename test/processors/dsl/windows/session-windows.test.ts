/**
 * Session windows: records within the inactivity gap of a session join it; a record
 * within the gap of two sessions merges them. Merged-away sessions leave as tombstones
 * before the merged session, as in Kafka Streams.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionStore } from '../../../../state/api/session-store.ts';
import { Materialized, Produced, SessionWindows, Suppressed, BufferConfig, WindowedSerdes } from '../../../../processors/dsl/index.ts';
import { L, S, builder, driverOf, pipe, readSessions } from './support.ts';

function sessionCount(windows: SessionWindows) {
  const b = builder();
  b.stream<string, string>('input').groupByKey().windowedBy(windows)
    .count(Materialized.as<string, number>('sessions').withCachingDisabled())
    .toStream().to('output', Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(S), L));
  return driverOf(b);
}

test('a record within the gap extends the session: the old session leaves as a tombstone', async () => {
  const driver = sessionCount(SessionWindows.ofInactivityGapAndGrace(5, 100));
  try {
    await pipe(driver, [['a', 'x', 0], ['a', 'x', 4], ['b', 'x', 4], ['a', 'x', 10]]);
    assert.deepEqual(readSessions(driver, 'output', L), [
      'a@[0,0]=1',
      'a@[0,0]=null', 'a@[0,4]=2',
      'b@[4,4]=1',
      // 10 - 4 > 5: a new session.
      'a@[10,10]=1',
    ]);
  } finally {
    await driver.close();
  }
});

test('a record bridging two sessions merges them: both leave as tombstones, then the merged session', async () => {
  const driver = sessionCount(SessionWindows.ofInactivityGapAndGrace(5, 100));
  try {
    await pipe(driver, [['a', 'x', 0], ['a', 'x', 4], ['a', 'x', 12], ['a', 'x', 8]]);
    assert.deepEqual(readSessions(driver, 'output', L), [
      'a@[0,0]=1', 'a@[0,0]=null', 'a@[0,4]=2',
      'a@[12,12]=1',
      'a@[0,4]=null', 'a@[12,12]=null', 'a@[0,12]=4',
    ]);
    const store = driver.getStateStore<SessionStore<string, number>>('sessions');
    assert.equal(await store.fetchSession('a', 0, 12), 4);
    assert.equal(await store.fetchSession('a', 0, 4), undefined);
  } finally {
    await driver.close();
  }
});

test('aggregate merges session aggregates with the merger; a record in a closed session is dropped', async () => {
  const b = builder();
  b.stream<string, string>('input').groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
    .aggregate(() => '', (_k, v, agg) => agg + v, (_k, left, right) => `${left}|${right}`, Materialized.as<string, string>('letters').withCachingDisabled())
    .toStream().to('output', Produced.keySerde(WindowedSerdes.sessionWindowedSerdeFrom(S)));
  const driver = driverOf(b);
  try {
    // The record at 2 comes when stream time is 20: session [0,3] ended before 20 - 0.
    await pipe(driver, [['a', 'p', 0], ['a', 'q', 3], ['a', 'r', 20], ['a', 's', 2]]);
    assert.deepEqual(readSessions(driver, 'output', S), ['a@[0,0]=p', 'a@[0,0]=null', 'a@[0,3]=|pq', 'a@[20,20]=r']);
  } finally {
    await driver.close();
  }
});

test('suppress(untilWindowCloses) on sessions: one final result per session, tombstones of merged sessions never leave', async () => {
  const b = builder();
  b.stream<string, string>('input').groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 2))
    .count()
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream().to('output', Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(S), L));
  const driver = driverOf(b);
  try {
    await pipe(driver, [['a', 'x', 0], ['a', 'x', 4], ['a', 'x', 6]]);
    // Session [0,6] ends inclusively: closed once stream time passes 6 + 2.
    await pipe(driver, [['b', 'x', 8]]);
    assert.deepEqual(readSessions(driver, 'output', L), []);
    await pipe(driver, [['b', 'x', 9]]);
    assert.deepEqual(readSessions(driver, 'output', L), ['a@[0,6]=3']);
  } finally {
    await driver.close();
  }
});

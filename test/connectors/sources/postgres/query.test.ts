import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildQuery, fromOffsetMap, tableRef, toOffsetMap } from '../../../../connectors/sources/postgres/query.ts';

const t = { schema: 'public', table: 'orders' };
const spec = { incrementingColumn: 'id', timestampColumns: ['updated_at'], delayMs: 0, limit: 100 };

test('incrementing: rows after the last id, in id order, from -1 when nothing was stored', () => {
  assert.deepEqual(buildQuery(t, { ...spec, mode: 'incrementing' }, {}), { text: 'SELECT * FROM "public"."orders" WHERE "id" > $1::bigint ORDER BY "id" ASC LIMIT 100', values: ['-1'] });
  assert.deepEqual(buildQuery(t, { ...spec, mode: 'incrementing' }, { incrementing: 41n }).values, ['41']);
});

test('timestamp: after the last time and before now minus the delay, with the time in microseconds', () => {
  const q = buildQuery(t, { ...spec, mode: 'timestamp', delayMs: 500 }, { timestampMicros: 1_700_000_000_123_456n });
  assert.match(q.text, /WHERE "updated_at" > \('epoch'::timestamptz \+ \$1::bigint \* interval '1 microsecond'\) AND "updated_at" < \(CURRENT_TIMESTAMP - \$2::bigint \* interval '1 millisecond'\) ORDER BY "updated_at" ASC LIMIT 100$/);
  assert.match(q.text, /^SELECT \*, \(EXTRACT\(EPOCH FROM "updated_at"\) \* 1000000\)::bigint AS "__kst_ts_micros"/);
  assert.deepEqual(q.values, ['1700000000123456', '500']);
});

test('timestamp+incrementing: equal times are told apart by the incrementing column; several timestamp columns coalesce', () => {
  const q = buildQuery(t, { ...spec, mode: 'timestamp+incrementing', timestampColumns: ['modified', 'created'] }, { timestampMicros: 5n, incrementing: 7n });
  const ts = 'COALESCE("modified", "created")';
  assert.ok(q.text.includes(`WHERE ${ts} < `), q.text);
  assert.ok(q.text.includes(`((${ts} = ('epoch'::timestamptz + $1::bigint * interval '1 microsecond') AND "id" > $3::bigint) OR ${ts} > ('epoch'::timestamptz + $1::bigint * interval '1 microsecond'))`), q.text);
  assert.ok(q.text.endsWith(`ORDER BY ${ts} ASC, "id" ASC LIMIT 100`), q.text);
  assert.deepEqual(q.values, ['5', '0', '7']);
});

test('bulk reads the whole table; identifiers are quoted', () => {
  assert.deepEqual(buildQuery({ schema: 'we"ird', table: 'T' }, { ...spec, mode: 'bulk' }, {}), { text: 'SELECT * FROM "we""ird"."T"', values: [] });
  assert.deepEqual(tableRef('sales.orders', 'public'), { schema: 'sales', table: 'orders' });
  assert.deepEqual(tableRef('orders', 'public'), { schema: 'public', table: 'orders' });
});

test('offsets use Confluent\'s keys: incrementing, timestamp (ms) and timestamp_nanos (of the second)', () => {
  assert.deepEqual(toOffsetMap({ incrementing: 3n, timestampMicros: 1_700_000_000_123_456n }), { incrementing: 3, timestamp: 1_700_000_000_123, timestamp_nanos: 123_456_000 });
  assert.deepEqual(fromOffsetMap({ incrementing: 3, timestamp: 1_700_000_000_123, timestamp_nanos: 123_456_000 }), { incrementing: 3n, timestampMicros: 1_700_000_000_123_456n });
  assert.deepEqual(fromOffsetMap(null), {});
});

test('an offset map gives back the exact microsecond it was made from', () => {
  fc.assert(fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 16n }), fc.option(fc.bigInt({ min: -1n, max: 2n ** 62n })), (micros, inc) => {
    const offset = inc === null ? { timestampMicros: micros } : { timestampMicros: micros, incrementing: inc };
    assert.deepEqual(fromOffsetMap(JSON.parse(JSON.stringify(toOffsetMap(offset))) as Record<string, unknown>), offset);
  }));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimestampConverter } from '../../../connectors/transforms/timestamp-converter.ts';
import { isKstError } from '../../../common/errors.ts';
import { record, schema, shape, structSchema } from './records.ts';

const FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
const ms = Date.UTC(2024, 4, 1, 10, 30, 15, 250);

function converter(config: Record<string, string>, side: 'key' | 'value' = 'value'): TimestampConverter {
  const t = new TimestampConverter(side);
  t.configure(config);
  return t;
}

test('schemaless field: unix millis to a formatted string and back', () => {
  const toString = converter({ field: 'at', 'target.type': 'string', format: FORMAT });
  assert.deepEqual(toString.apply(record({ value: { at: ms, id: 1 } })).value, { at: '2024-05-01T10:30:15.250Z', id: 1 });
  const toUnix = converter({ field: 'at', 'target.type': 'unix', format: FORMAT });
  assert.equal((toUnix.apply(record({ value: { at: '2024-05-01T12:30:15.250+02:00' } })).value as { at: number }).at, ms);
});

test('unix.precision scales unix input and output', () => {
  const t = converter({ field: 'at', 'target.type': 'unix', 'unix.precision': 'seconds' });
  assert.equal((t.apply(record({ value: { at: new Date(ms) } })).value as { at: number }).at, Math.trunc(ms / 1000));
  const back = converter({ field: 'at', 'target.type': 'Timestamp', 'unix.precision': 'microseconds' });
  assert.deepEqual((back.apply(record({ value: { at: ms * 1000 } })).value as { at: Date }).at, new Date(ms));
});

test('struct field: the schema changes to the target logical type, optionality kept', () => {
  const t = converter({ field: 'at', 'target.type': 'Timestamp' });
  const valueSchema = structSchema({ id: schema('int32'), at: schema('int64', true) });
  const out = t.apply(record({ valueSchema, value: { id: 1, at: ms } }));
  assert.deepEqual(shape(out.valueSchema), [['id', 'int32', false], ['at', 'org.apache.kafka.connect.data.Timestamp', true]]);
  assert.deepEqual((out.value as { at: Date }).at, new Date(ms));
});

test('whole value: Date and Time truncate to the day and to the time of day', () => {
  const date = converter({ 'target.type': 'Date' }).apply(record({ valueSchema: schema('int64', false, 'org.apache.kafka.connect.data.Timestamp'), value: new Date(ms) }));
  assert.deepEqual(date.value, new Date(Date.UTC(2024, 4, 1)));
  assert.equal(date.valueSchema?.name, 'org.apache.kafka.connect.data.Date');
  const time = converter({ 'target.type': 'Time' }, 'key').apply(record({ key: ms }));
  assert.deepEqual(time.key, new Date(ms - Date.UTC(2024, 4, 1)));
});

test('string target needs a format; an unparseable string is an input error', () => {
  assert.throws(() => converter({ 'target.type': 'string' }), (e) => isKstError(e, 'KST_CONFIG_INVALID'));
  assert.throws(() => converter({ 'target.type': 'bogus' }), (e) => isKstError(e, 'KST_CONFIG_INVALID'));
  const t = converter({ field: 'at', 'target.type': 'unix', format: FORMAT });
  assert.throws(() => t.apply(record({ value: { at: 'yesterday' } })), (e) => isKstError(e, 'KST_TRANSFORM_INPUT_INVALID'));
});

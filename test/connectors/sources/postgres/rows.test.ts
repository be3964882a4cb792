import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rowSchema, rowValue } from '../../../../connectors/sources/postgres/rows.ts';
import { TS_MICROS_COLUMN } from '../../../../connectors/sources/postgres/query.ts';

const columns = [
  { name: 'id', dataTypeID: 20 }, { name: 'small', dataTypeID: 21 }, { name: 'n', dataTypeID: 23 }, { name: 'ok', dataTypeID: 16 },
  { name: 'price', dataTypeID: 1700 }, { name: 'at', dataTypeID: 1184 }, { name: 'day', dataTypeID: 1082 }, { name: 'doc', dataTypeID: 3802 },
  { name: 'raw', dataTypeID: 17 }, { name: TS_MICROS_COLUMN, dataTypeID: 20 },
];

test('a struct named after the table, one optional field per column by type OID, without the offset helper column', () => {
  const schema = rowSchema('orders', columns);
  assert.equal(schema.name, 'orders');
  assert.deepEqual(schema.fields?.map((f) => [f.name, f.schema.name ?? f.schema.type, f.schema.optional]), [
    ['id', 'int64', true], ['small', 'int16', true], ['n', 'int32', true], ['ok', 'boolean', true], ['price', 'float64', true],
    ['at', 'org.apache.kafka.connect.data.Timestamp', true], ['day', 'string', true], ['doc', 'string', true], ['raw', 'bytes', true],
  ]);
});

test('values: int8 text to numbers (bigint past 2^53), numeric to float, json to text, nulls stay null', () => {
  const schema = rowSchema('orders', columns);
  const at = new Date(0);
  const value = rowValue(schema, { id: '9007199254740993', small: 1, n: 2, ok: true, price: '12.50', at, day: '2026-12-07', doc: { a: 1 }, raw: Buffer.from('x'), [TS_MICROS_COLUMN]: '0' });
  assert.deepEqual(value, { id: 9007199254740993n, small: 1, n: 2, ok: true, price: 12.5, at, day: '2026-12-07', doc: '{"a":1}', raw: Buffer.from('x') });
  assert.equal(rowValue(schema, { id: '5', price: null }).id, 5);
  assert.equal(rowValue(schema, { id: '5', price: null }).price, null);
});

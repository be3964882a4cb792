import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { createHeaderConverter, headerText, parseHeaderString } from '../../../connectors/converters/header-converter.ts';

test('SimpleHeaderConverter (the default) types header text as Values.parseString does for simple values', async () => {
  const simple = await createHeaderConverter({});
  assert.deepEqual(simple.toConnectHeader('t', 'k', Buffer.from('3')), { schema: { type: 'int8', optional: false }, value: 3 });
  assert.deepEqual(simple.toConnectHeader('t', 'k', Buffer.from('TRUE')), { schema: { type: 'boolean', optional: false }, value: true });
  assert.deepEqual(simple.toConnectHeader('t', 'k', Buffer.from('2.5')), { schema: { type: 'float64', optional: false }, value: 2.5 });
  assert.deepEqual(simple.toConnectHeader('t', 'k', Buffer.from('trace-1')), { schema: { type: 'string', optional: false }, value: 'trace-1' });
  assert.deepEqual(simple.toConnectHeader('t', 'k', null), { schema: null, value: null });
  assert.deepEqual(parseHeaderString('99999'), { schema: { type: 'int32', optional: false }, value: 99999 });
  assert.equal(simple.fromConnectHeader('t', 'k', null, 42)?.toString('utf8'), '42');
  assert.equal(simple.fromConnectHeader('t', 'k', null, null), null);
  assert.equal(headerText({ a: 1n }), '{"a":"1"}');
  assert.equal(headerText(new Date(0)), '1970-01-01T00:00:00.000Z');
});

test('Connect\'s converters serve as header converters with header.converter.* settings; unknown classes are refused', async () => {
  const strings = await createHeaderConverter({ 'header.converter': 'org.apache.kafka.connect.storage.StringConverter' });
  assert.deepEqual(strings.toConnectHeader('t', 'k', Buffer.from('42')), { schema: { type: 'string', optional: true }, value: '42' });
  const json = await createHeaderConverter({ 'header.converter': 'org.apache.kafka.connect.json.JsonConverter', 'header.converter.schemas.enable': 'false' });
  assert.deepEqual(json.toConnectHeader('t', 'k', Buffer.from('{"a":1}')), { schema: null, value: { a: 1 } });
  assert.equal(json.fromConnectHeader('t', 'k', null, { a: 1 })?.toString('utf8'), '{"a":1}');
  await assert.rejects(createHeaderConverter({ 'header.converter': 'com.example.Nope' }), (e: unknown) => isKstError(e, 'KST_CONNECT_PLUGIN_NOT_FOUND'));
});

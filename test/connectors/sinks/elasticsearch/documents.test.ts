import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearchSinkConfig } from '../../../../connectors/sinks/elasticsearch/config.ts';
import { toBulkDocument } from '../../../../connectors/sinks/elasticsearch/documents.ts';
import { isKstError } from '../../../../common/errors.ts';
import { sinkRecord } from '../support.ts';

const settings = (extra: Record<string, string> = {}) => parseSearchSinkConfig({ 'connection.url': 'http://127.0.0.1:9200/', ...extra });

test('insert: an index action with the key as id, in the lower-cased topic index', () => {
  const doc = toBulkDocument(sinkRecord('Products', 'p-1', { name: 'Lamp', at: new Date(0), big: 2n ** 60n }), settings());
  assert.equal(doc?.lines, '{"index":{"_index":"products","_id":"p-1"}}\n{"name":"Lamp","at":"1970-01-01T00:00:00.000Z","big":"1152921504606846976"}\n');
});

test('upsert: an update action with doc_as_upsert; key.ignore ids from coordinates; index format', () => {
  const record = sinkRecord('products', 7, { stock: 1 }, { partition: 2 });
  assert.equal(toBulkDocument(record, settings({ 'write.method': 'upsert' }))?.lines, '{"update":{"_index":"products","_id":"7"}}\n{"doc":{"stock":1},"doc_as_upsert":true}\n');
  const doc = toBulkDocument(record, settings({ 'key.ignore': 'true', 'index.name.format': 'read-${topic}' }));
  assert.equal(doc?.index, 'read-products');
  assert.equal(doc?.id, `products+2+${record.kafkaOffset}`);
});

test('null values by behavior.on.null.values: delete action, skipped, or an input error', () => {
  assert.equal(toBulkDocument(sinkRecord('p', 'k', null), settings({ 'behavior.on.null.values': 'delete' }))?.lines, '{"delete":{"_index":"p","_id":"k"}}\n');
  assert.equal(toBulkDocument(sinkRecord('p', 'k', null), settings({ 'behavior.on.null.values': 'ignore' })), null);
  assert.throws(() => toBulkDocument(sinkRecord('p', 'k', null), settings()), (e) => isKstError(e, 'KST_SINK_RECORD_INVALID'));
  assert.throws(() => toBulkDocument(sinkRecord('p', null, { a: 1 }), settings()), (e) => isKstError(e, 'KST_SINK_RECORD_INVALID'));
  assert.throws(() => toBulkDocument(sinkRecord('p', 'k', 'text'), settings()), (e) => isKstError(e, 'KST_SINK_RECORD_INVALID'));
});

test('config: URLs are checked, trailing slashes dropped, enums validated', () => {
  assert.deepEqual(settings().urls, ['http://127.0.0.1:9200']);
  assert.throws(() => parseSearchSinkConfig({ 'connection.url': 'ftp://x' }), (e) => isKstError(e, 'KST_CONFIG_INVALID'));
  assert.throws(() => settings({ 'write.method': 'merge' }), (e) => isKstError(e, 'KST_CONFIG_INVALID') && /write\.method/.test((e as Error).message));
});

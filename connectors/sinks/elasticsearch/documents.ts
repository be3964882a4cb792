/**
 * Turns a SinkRecord into the lines of a `_bulk` request: the target index (from the
 * topic, lower-cased), the document id (the key, or `topic+partition+offset` with
 * `key.ignore`), and an `index`, `update` (doc_as_upsert) or `delete` action.
 *
 * @example
 * ```ts
 * const doc = toBulkDocument(record, settings); // { index: 'orders', id: 'o-1', lines: '{"index":{…}}\n{…}\n' }
 * ```
 */

import type { SinkRecord } from '../../api/connect-record.ts';
import type { SearchSinkSettings } from './config.ts';
import { sinkError, toJson } from '../support/errors.ts';

export interface BulkDocument {
  readonly record: SinkRecord;
  readonly index: string;
  readonly id: string;
  /** The action line and, except for deletes, the source line; each ends with a newline. */
  readonly lines: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Date);
}

export function indexName(topic: string, format: string): string {
  return format.replaceAll('${topic}', topic).toLowerCase();
}

/** The document id: a primitive key as text, a struct key as its JSON. */
export function documentId(record: SinkRecord, keyIgnore: boolean): string {
  if (keyIgnore) return `${record.topic}+${record.kafkaPartition}+${record.kafkaOffset}`;
  const key = record.key;
  if (key === null || key === undefined) {
    throw sinkError('KST_SINK_RECORD_INVALID', `key is used as document id (key.ignore=false) and can not be null (topic ${record.topic}, partition ${record.kafkaPartition}, offset ${record.kafkaOffset})`, { topic: record.topic, offset: String(record.kafkaOffset) });
  }
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return String(key);
  if (Buffer.isBuffer(key)) return key.toString('base64');
  return toJson(key);
}

/** The bulk lines for a record, or null when it is skipped (a null value under behavior.on.null.values=ignore). */
export function toBulkDocument(record: SinkRecord, settings: SearchSinkSettings): BulkDocument | null {
  const index = indexName(record.topic, settings.indexFormat);
  const value = record.value instanceof Map ? Object.fromEntries(record.value) : record.value;
  if (value === null || value === undefined) {
    if (settings.onNull === 'ignore') return null;
    if (settings.onNull === 'fail') {
      throw sinkError('KST_SINK_RECORD_INVALID', `null value (topic ${record.topic}, partition ${record.kafkaPartition}, offset ${record.kafkaOffset}) with behavior.on.null.values=fail`, { topic: record.topic, offset: String(record.kafkaOffset) });
    }
    const id = documentId(record, false);
    return { record, index, id, lines: `${JSON.stringify({ delete: { _index: index, _id: id } })}\n` };
  }
  if (!isObject(value)) {
    throw sinkError('KST_SINK_RECORD_INVALID', `a document must be a struct or a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value} (topic ${record.topic}, offset ${record.kafkaOffset})`, { topic: record.topic, offset: String(record.kafkaOffset) });
  }
  const id = documentId(record, settings.keyIgnore);
  const meta = JSON.stringify({ _index: index, _id: id });
  const source = toJson(value);
  const lines = settings.writeMethod === 'upsert'
    ? `{"update":${meta}}\n{"doc":${source},"doc_as_upsert":true}\n`
    : `{"index":${meta}}\n${source}\n`;
  return { record, index, id, lines };
}

/**
 * The Elasticsearch/OpenSearch sink's configuration: the keys of Confluent's
 * Elasticsearch sink that apply over plain HTTP `_bulk`, with their documentation and
 * validators (for `config/validate`), and the parsed form a task runs with.
 *
 * @example
 * ```ts
 * const settings = parseSearchSinkConfig({ 'connection.url': 'http://127.0.0.1:9200', 'write.method': 'upsert', 'behavior.on.null.values': 'delete' });
 * settings.batchSize; // 2000
 * ```
 */

import type { ConfigDefinitionKey } from '../../api/config-def.ts';
import { booleanKey, enumKey, intKey, listKey, passwordKey, readConfig, stringKey } from '../../transforms/support/config.ts';
import { KstError } from '../../../common/errors.ts';

export const WRITE_METHODS = ['insert', 'upsert'] as const;
export const NULL_BEHAVIORS = ['ignore', 'delete', 'fail'] as const;
export const MALFORMED_BEHAVIORS = ['ignore', 'warn', 'fail'] as const;

const urls = (value: string | null): string | undefined => {
  const list = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) return 'must name at least one URL';
  return list.every((u) => /^https?:\/\/[^/]+/.test(u)) ? undefined : 'must be http:// or https:// URLs';
};

export const SEARCH_SINK_CONFIG: readonly ConfigDefinitionKey[] = [
  { ...listKey('connection.url', { doc: 'Comma-separated Elasticsearch or OpenSearch HTTP URLs, e.g. http://eshost1:9200,http://eshost2:9200; requests rotate over them.', importance: 'HIGH', group: 'Connector' }), validator: urls },
  stringKey('connection.username', { default: null, doc: 'Username for HTTP basic authentication.', group: 'Connector' }),
  passwordKey('connection.password', { default: null, doc: 'Password for HTTP basic authentication.', group: 'Connector' }),
  intKey('connection.timeout.ms', { default: 1000, min: 1, doc: 'How long to wait for a TCP connection to the server.', group: 'Connector' }),
  intKey('read.timeout.ms', { default: 30_000, min: 1, doc: 'How long to wait for the answer to one bulk request.', group: 'Connector' }),
  intKey('batch.size', { default: 2000, min: 1, doc: 'Documents per bulk request.', group: 'Connector' }),
  intKey('max.in.flight.requests', { default: 5, min: 1, doc: 'Bulk requests in flight at once before put waits.', group: 'Connector' }),
  intKey('max.buffered.records', { default: 20_000, min: 1, doc: 'Documents buffered or in flight before put waits.', group: 'Connector' }),
  intKey('linger.ms', { default: 1, min: 0, doc: 'How long a partial batch waits for more documents before it is sent.', group: 'Connector' }),
  intKey('flush.timeout.ms', { default: 180_000, min: 1, doc: 'How long flush waits for buffered and in-flight requests before it fails (the worker retries).', group: 'Connector' }),
  intKey('max.retries', { default: 5, min: 0, doc: 'Retries of a bulk request (or of its rejected documents) on connection errors, 429 and 5xx answers.', group: 'Connector' }),
  intKey('retry.backoff.ms', { default: 100, min: 0, doc: 'Initial backoff before a retry; it doubles with each attempt, with jitter.', group: 'Connector' }),
  booleanKey('key.ignore', { default: false, doc: 'Ignore the record key: document ids are topic+partition+offset. Otherwise the key is the id.', group: 'Data conversion' }),
  booleanKey('schema.ignore', { default: true, doc: 'Accepted for compatibility; mappings are left to the index (dynamic mapping or templates).', group: 'Data conversion', importance: 'LOW' }),
  enumKey('write.method', WRITE_METHODS, { default: 'insert', doc: 'insert: index the document (replace); upsert: partial update, creating it when missing (doc_as_upsert).', group: 'Data conversion' }),
  enumKey('behavior.on.null.values', NULL_BEHAVIORS, { default: 'fail', doc: 'What to do with a null value (tombstone): ignore it, delete the document with the key as id, or fail.', group: 'Data conversion' }),
  enumKey('behavior.on.malformed.documents', MALFORMED_BEHAVIORS, { default: 'fail', doc: 'What to do with a document the server rejects as malformed: ignore, warn (log and report to the DLQ), or fail (report to the DLQ; fails the task unless errors.tolerance=all).', group: 'Data conversion' }),
  stringKey('index.name.format', { default: '${topic}', doc: 'Index name; ${topic} is replaced by the topic. Lower-cased, as indices must be.', group: 'Data conversion' }),
];

export interface SearchSinkSettings {
  readonly urls: readonly string[];
  readonly username: string | null;
  readonly password: string | null;
  readonly connectionTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly batchSize: number;
  readonly maxInFlight: number;
  readonly maxBuffered: number;
  readonly lingerMs: number;
  readonly flushTimeoutMs: number;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  readonly keyIgnore: boolean;
  readonly writeMethod: typeof WRITE_METHODS[number];
  readonly onNull: typeof NULL_BEHAVIORS[number];
  readonly onMalformed: typeof MALFORMED_BEHAVIORS[number];
  readonly indexFormat: string;
}

export function crossKeyErrors(config: Readonly<Record<string, string>>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (config['behavior.on.null.values'] === 'delete' && config['key.ignore']?.trim().toLowerCase() === 'true') {
    errors['behavior.on.null.values'] = ['behavior.on.null.values=delete needs the key as document id: set key.ignore=false'];
  }
  return errors;
}

export function parseSearchSinkConfig(config: Readonly<Record<string, string>>): SearchSinkSettings {
  const values = readConfig(SEARCH_SINK_CONFIG, config);
  const cross = Object.entries(crossKeyErrors(config));
  if (cross.length > 0) {
    const [key, messages] = cross[0] as [string, string[]];
    throw new KstError('KST_CONFIG_INVALID', `config "${key}": ${messages.join('; ')}`, { key });
  }
  return Object.freeze({
    urls: Object.freeze(values.list('connection.url').map((u) => u.replace(/\/+$/, ''))),
    username: values.optionalString('connection.username'),
    password: values.optionalString('connection.password'),
    connectionTimeoutMs: values.int('connection.timeout.ms'),
    readTimeoutMs: values.int('read.timeout.ms'),
    batchSize: values.int('batch.size'),
    maxInFlight: values.int('max.in.flight.requests'),
    maxBuffered: values.int('max.buffered.records'),
    lingerMs: values.int('linger.ms'),
    flushTimeoutMs: values.int('flush.timeout.ms'),
    maxRetries: values.int('max.retries'),
    retryBackoffMs: values.int('retry.backoff.ms'),
    keyIgnore: values.boolean('key.ignore'),
    writeMethod: values.string('write.method') as SearchSinkSettings['writeMethod'],
    onNull: values.string('behavior.on.null.values') as SearchSinkSettings['onNull'],
    onMalformed: values.string('behavior.on.malformed.documents') as SearchSinkSettings['onMalformed'],
    indexFormat: values.string('index.name.format'),
  });
}

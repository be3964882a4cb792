/**
 * Elasticsearch/OpenSearch: our sink task (insert, ids from keys, batch.size 2000, 5
 * requests in flight) against a plain `_bulk` load of the same documents with undici,
 * same batch size and the same number of requests in flight. Every contender starts
 * from a fresh index (1 shard, no replica); the time runs from the first request to
 * the last answer and includes building the bulk bodies.
 */

import { Pool } from 'undici';
import type { SinkRecord } from '../../connectors/api/connect-record.ts';
import { searchSinkConnector } from '../../connectors/sinks/elasticsearch/connector.ts';
import { noopContext } from './data.ts';

export type SearchContender = 'sink' | 'plain-bulk';

async function call(url: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return await response.json() as Record<string, unknown>;
}

export async function resetIndex(url: string, index: string): Promise<void> {
  await call(url, 'DELETE', `/${index}`);
  await call(url, 'PUT', `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
}

export async function runSearch(contender: SearchContender, records: readonly SinkRecord[], url: string, index: string, batchSize: number, inFlight: number): Promise<number> {
  await resetIndex(url, index);
  const started = performance.now();
  if (contender === 'sink') {
    const task = searchSinkConnector.createTask();
    await task.start({ 'connection.url': url, 'batch.size': String(batchSize), 'max.in.flight.requests': String(inFlight), 'max.buffered.records': String(batchSize * inFlight * 2), 'index.name.format': index }, noopContext);
    for (let i = 0; i < records.length; i += batchSize) await task.put(records.slice(i, i + batchSize));
    await task.flush(new Map());
    await task.stop();
  } else {
    await plainBulk(records, url, index, batchSize, inFlight);
  }
  const seconds = (performance.now() - started) / 1000;
  await call(url, 'POST', `/${index}/_refresh`);
  const count = await call(url, 'GET', `/${index}/_count`);
  if (count['count'] !== records.length) throw new Error(`${contender} left ${String(count['count'])} documents, expected ${records.length}`);
  return records.length / seconds;
}

async function plainBulk(records: readonly SinkRecord[], url: string, index: string, batchSize: number, inFlight: number): Promise<void> {
  const pool = new Pool(url, { connections: inFlight });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < records.length) {
      const batch = records.slice(next, next + batchSize);
      next += batchSize;
      let body = '';
      for (const r of batch) body += `{"index":{"_index":"${index}","_id":"${r.key as string}"}}\n${JSON.stringify(r.value)}\n`;
      const response = await pool.request({ path: '/_bulk', method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      const answer = await response.body.json() as { errors: boolean };
      if (answer.errors) throw new Error('plain bulk load had errors');
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  await pool.close();
}

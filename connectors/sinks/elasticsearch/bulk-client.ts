/**
 * Sends `_bulk` requests with undici to Elasticsearch 8/9 or OpenSearch 2, and sorts the
 * answer per document: written, malformed (the server rejected the document itself;
 * retrying cannot help) or failed. Connection errors, 429 and 5xx answers, and
 * documents rejected for load (429, `es_rejected_execution_exception`) are retried with
 * exponential backoff and jitter, only the rejected documents again.
 *
 * @example
 * ```ts
 * const client = new BulkClient(settings);
 * const outcome = await client.send(documents);
 * outcome.malformed; // [{ document, reason }]
 * await client.close();
 * ```
 */

import { Pool } from 'undici';
import type { SearchSinkSettings } from './config.ts';
import type { BulkDocument } from './documents.ts';
import { describeError, sinkError, sleep } from '../support/errors.ts';

export interface BulkOutcome {
  readonly malformed: Array<{ readonly document: BulkDocument; readonly reason: string }>;
}

interface BulkItem {
  readonly status: number;
  readonly error?: { readonly type?: string; readonly reason?: string; readonly caused_by?: { readonly reason?: string } };
}

/** Rejections that are about the document, as Confluent's sink classifies them. */
const MALFORMED = new Set(['mapper_parsing_exception', 'document_parsing_exception', 'illegal_argument_exception', 'action_request_validation_exception', 'strict_dynamic_mapping_exception', 'json_parse_exception', 'x_content_parse_exception']);

export class BulkClient {
  private readonly settings: SearchSinkSettings;
  private readonly pools: Pool[];
  private readonly headers: Record<string, string>;
  private next = 0;

  constructor(settings: SearchSinkSettings) {
    this.settings = settings;
    this.pools = settings.urls.map((url) => new Pool(url, {
      connections: settings.maxInFlight,
      connectTimeout: settings.connectionTimeoutMs,
      headersTimeout: settings.readTimeoutMs,
      bodyTimeout: settings.readTimeoutMs,
    }));
    this.headers = { 'content-type': 'application/x-ndjson' };
    if (settings.username !== null) {
      this.headers['authorization'] = `Basic ${Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64')}`;
    }
  }

  async send(documents: readonly BulkDocument[]): Promise<BulkOutcome> {
    const malformed: BulkOutcome['malformed'] = [];
    let pending = documents;
    for (let attempt = 0; ; attempt += 1) {
      let retry: BulkDocument[] = [];
      let lastError = '';
      try {
        const items = await this.post(pending);
        if (items === null) retry = [...pending];
        else if (items.length > 0) {
          for (let i = 0; i < pending.length; i += 1) {
            const document = pending[i] as BulkDocument;
            const item = items[i];
            if (item === undefined) throw sinkError('KST_SINK_WRITE_FAILED', `the bulk answer has ${items.length} items for ${pending.length} documents`);
            if (item.error === undefined) continue;
            const type = item.error.type ?? '';
            const reason = `${type}: ${item.error.reason ?? ''}${item.error.caused_by?.reason === undefined ? '' : ` (${item.error.caused_by.reason})`}`;
            if (item.status === 429 || item.status >= 500 || type === 'es_rejected_execution_exception') {
              retry.push(document);
              lastError = reason;
            } else if (MALFORMED.has(type)) malformed.push({ document, reason });
            else throw sinkError('KST_SINK_WRITE_FAILED', `document ${document.id} of index ${document.index} was rejected: ${reason}`, { index: document.index, id: document.id, status: item.status });
          }
        }
      } catch (error) {
        if ((error as { code?: unknown }).code === 'KST_SINK_WRITE_FAILED') throw error;
        retry = [...pending];
        lastError = describeError(error);
      }
      if (retry.length === 0) return { malformed };
      if (attempt >= this.settings.maxRetries) {
        throw sinkError('KST_SINK_CONNECTION_FAILED', `bulk request of ${retry.length} documents failed after ${attempt + 1} attempts: ${lastError}`, { attempts: attempt + 1 });
      }
      pending = retry;
      // Exponential backoff with full jitter, so tasks that failed together do not retry together.
      const ceiling = this.settings.retryBackoffMs * 2 ** attempt;
      await sleep(Math.min(ceiling / 2 + Math.random() * ceiling / 2, 60_000));
    }
  }

  /** The per-document items (empty when none failed), or null when the whole request should be retried (429, 5xx). */
  private async post(documents: readonly BulkDocument[]): Promise<BulkItem[] | null> {
    const pool = this.pools[this.next % this.pools.length] as Pool;
    this.next += 1;
    const body = documents.map((d) => d.lines).join('');
    const response = await pool.request({ path: '/_bulk', method: 'POST', headers: this.headers, body });
    const text = await response.body.text();
    if (response.statusCode === 429 || response.statusCode >= 500) return null;
    if (response.statusCode >= 300) {
      throw sinkError('KST_SINK_WRITE_FAILED', `bulk request answered ${response.statusCode}: ${text.slice(0, 500)}`, { status: response.statusCode });
    }
    const parsed = JSON.parse(text) as { errors?: boolean; items?: Array<Record<string, BulkItem>> };
    if (parsed.errors === false) return [];
    return (parsed.items ?? []).map((entry) => Object.values(entry)[0] as BulkItem);
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.close().catch(() => undefined)));
  }
}

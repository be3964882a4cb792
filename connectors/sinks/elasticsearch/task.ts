/**
 * The Elasticsearch/OpenSearch sink task: `put` turns records into bulk documents and
 * hands them to the bulk processor (which sends them in the background); `flush` waits
 * until all of them are acknowledged, so offsets are committed only for indexed data.
 * Records that cannot be made into documents, and documents the server rejects as
 * malformed, go to the errant record reporter (the DLQ) as the behaviours say.
 *
 * @example
 * ```ts
 * const task = searchSinkConnector.createTask();
 * await task.start({ 'connection.url': 'http://127.0.0.1:9200', 'write.method': 'upsert', 'behavior.on.null.values': 'delete' }, context);
 * await task.put(records);
 * await task.flush(new Map());
 * await task.stop();
 * ```
 */

import type { SinkRecord } from '../../api/connect-record.ts';
import type { SinkTask, SinkTaskContext } from '../../api/sink.ts';
import { BulkClient } from './bulk-client.ts';
import { BulkProcessor } from './bulk-processor.ts';
import { parseSearchSinkConfig, type SearchSinkSettings } from './config.ts';
import { toBulkDocument, type BulkDocument } from './documents.ts';
import { sinkError } from '../support/errors.ts';
import { isKstError } from '../../../common/errors.ts';

export class SearchSinkTask implements SinkTask {
  private settings: SearchSinkSettings | null = null;
  private context: SinkTaskContext | null = null;
  private client: BulkClient | null = null;
  private processor: BulkProcessor | null = null;

  async start(config: Readonly<Record<string, string>>, context: SinkTaskContext): Promise<void> {
    const settings = parseSearchSinkConfig(config);
    this.settings = settings;
    this.context = context;
    this.client = new BulkClient(settings);
    this.processor = new BulkProcessor(settings, this.client, (document, reason) => this.malformed(document, reason));
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    const { settings, context, processor } = this.started();
    for (const record of records) {
      let document: BulkDocument | null;
      try {
        document = toBulkDocument(record, settings);
      } catch (error) {
        // A record that is no document is the record's fault: dead-letter it (the reporter fails the task without errors.tolerance=all).
        if (!isKstError(error, 'KST_SINK_RECORD_INVALID')) throw error;
        await context.errantRecordReporter(record, error);
        continue;
      }
      if (document !== null) await processor.add(document);
    }
  }

  async flush(_offsets: ReadonlyMap<string, bigint>): Promise<void> {
    await this.started().processor.flush();
  }

  async stop(): Promise<void> {
    await this.processor?.close();
    await this.client?.close();
    this.processor = null;
    this.client = null;
  }

  private async malformed(document: BulkDocument, reason: string): Promise<void> {
    const { settings, context } = this.started();
    if (settings.onMalformed === 'ignore') return;
    const { record } = document;
    const error = sinkError('KST_SINK_RECORD_INVALID', `malformed document ${document.id} for index ${document.index} (topic ${record.topic}, partition ${record.kafkaPartition}, offset ${record.kafkaOffset}): ${reason}`, { index: document.index, id: document.id });
    if (settings.onMalformed === 'warn') console.warn(`[search-sink] ${error.message}`);
    await context.errantRecordReporter(record, error);
  }

  private started(): { settings: SearchSinkSettings; context: SinkTaskContext; processor: BulkProcessor } {
    if (this.settings === null || this.context === null || this.processor === null) {
      throw sinkError('KST_ILLEGAL_STATE_TRANSITION', 'the search sink task was used before start() or after stop()');
    }
    return { settings: this.settings, context: this.context, processor: this.processor };
  }
}

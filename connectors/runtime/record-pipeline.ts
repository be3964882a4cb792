/**
 * What happens to a fetched batch before `put`: key, value and header conversion, then
 * the transform chain, each step under the task's error handler (retry, tolerate, DLQ),
 * as Connect's `WorkerSinkTask.convertAndTransformRecord`.
 */

import type { ConnectHeaders, SinkRecord } from '../api/connect-record.ts';
import type { Converter, SchemaAndValue } from '../api/converter.ts';
import type { HeaderConverter } from '../converters/header-converter.ts';
import { OPTIONAL_STRING_SCHEMA } from '../converters/connect-schemas.ts';
import type { KafkaRecord } from '../../processors/kafka/index.ts';
import { SKIPPED, type ErrorHandler } from './error-handler.ts';
import { applyStage, type TransformStage } from './transform-chain.ts';

export interface PipelineParts {
  readonly keyConverter: Converter;
  readonly keyConverterClass: string;
  readonly valueConverter: Converter;
  readonly valueConverterClass: string;
  readonly chain: readonly TransformStage[];
  readonly errors: ErrorHandler;
  /** `header.converter`; none: header bytes as UTF-8 strings. */
  readonly headerConverter?: HeaderConverter;
}

/** The original Kafka record of a sink record (for the DLQ), by topic, partition and offset. */
export function originKey(topic: string, partition: number, offset: bigint): string {
  return `${topic}\u0000${partition}\u0000${offset}`;
}

/** Awaits the converters' async look-ups (Avro schemas by id) for a batch, topic by topic. */
export async function prepareBatch(parts: PipelineParts, records: readonly KafkaRecord[]): Promise<void> {
  const byTopic = new Map<string, KafkaRecord[]>();
  for (const record of records) {
    const list = byTopic.get(record.topic);
    if (list === undefined) byTopic.set(record.topic, [record]);
    else list.push(record);
  }
  for (const [topic, list] of byTopic) {
    await parts.keyConverter.prepare?.(topic, list.map((r) => r.key));
    await parts.valueConverter.prepare?.(topic, list.map((r) => r.value));
  }
}

function headersOf(record: KafkaRecord, converter: HeaderConverter | undefined): ConnectHeaders {
  if (converter === undefined) return record.headers.map(([key, value]) => ({ key, value: value.toString('utf8'), schema: OPTIONAL_STRING_SCHEMA }));
  return record.headers.map(([key, value]) => ({ key, ...converter.toConnectHeader(record.topic, key, value) }));
}

/**
 * Converts and transforms one batch; records that fail under `errors.tolerance=all` and
 * records a transform drops are left out. Throws when a failure is not tolerated.
 *
 * @example
 * ```ts
 * await prepareBatch(parts, batch.records);
 * const records = await convertAndTransform(parts, batch.records);
 * await task.put(records);
 * ```
 */
export async function convertAndTransform(parts: PipelineParts, records: readonly KafkaRecord[]): Promise<SinkRecord[]> {
  const out: SinkRecord[] = [];
  for (const record of records) {
    const key = await parts.errors.execute<SchemaAndValue>(record, 'KEY_CONVERTER', parts.keyConverterClass, () => parts.keyConverter.toConnectData(record.topic, record.key));
    if (key === SKIPPED) continue;
    const value = await parts.errors.execute<SchemaAndValue>(record, 'VALUE_CONVERTER', parts.valueConverterClass, () => parts.valueConverter.toConnectData(record.topic, record.value));
    if (value === SKIPPED) continue;
    const headers = await parts.errors.execute(record, 'HEADER_CONVERTER', 'org.apache.kafka.connect.storage.SimpleHeaderConverter', () => headersOf(record, parts.headerConverter));
    if (headers === SKIPPED) continue;
    const converted: SinkRecord = {
      topic: record.topic,
      kafkaPartition: record.partition,
      kafkaOffset: record.offset,
      timestamp: record.timestamp < 0n ? undefined : Number(record.timestamp),
      timestampType: record.timestamp < 0n ? 'NoTimestampType' : 'CreateTime',
      keySchema: key.schema,
      key: key.value,
      valueSchema: value.schema,
      value: value.value,
      headers,
    };
    let current: SinkRecord | null = converted;
    for (const stage of parts.chain) {
      const input: SinkRecord = current;
      const result: SinkRecord | null | typeof SKIPPED = await parts.errors.execute(record, 'TRANSFORMATION', stage.className, () => applyStage(stage, input));
      current = result === SKIPPED ? null : result;
      if (current === null) break;
    }
    if (current !== null) out.push(current);
  }
  return out;
}

/** A sink task's records each get a CONSUMER span around `put`, the child of the span named by the record's traceparent. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { sinkTracing } from '../../../connectors/runtime/sink-tracing.ts';
import type { KafkaRecord } from '../../../processors/kafka/index.ts';

const record = (offset: bigint, traceparent?: string): KafkaRecord => ({
  topic: 'payments.events', partition: 1, offset, timestamp: 0n, key: null, value: null, leaderEpoch: 0,
  headers: traceparent === undefined ? [] : [['traceparent', Buffer.from(traceparent)]],
});

test('off without an SDK; with one, a span per record around put, parented by its traceparent, failed with put', async () => {
  assert.equal(sinkTracing('payments-postgres', 0), undefined, 'no SDK registered: no tracing');
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const tracing = sinkTracing('payments-postgres', 0);
  assert.ok(tracing !== undefined);

  let openDuringPut = -1;
  await tracing.around([record(7n, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), record(8n)], async () => {
    openDuringPut = exporter.getFinishedSpans().length;
  });
  assert.equal(openDuringPut, 0, 'the spans are open while put runs');
  const [traced, untraced] = exporter.getFinishedSpans();
  assert.equal(traced?.name, 'process payments.events');
  assert.equal(traced?.kind, SpanKind.CONSUMER);
  assert.equal(traced?.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(traced?.parentSpanContext?.spanId, 'b7ad6b7169203331');
  assert.deepEqual([traced?.attributes['messaging.kafka.offset'], traced?.attributes['connect.connector']], [7, 'payments-postgres']);
  assert.equal(untraced?.parentSpanContext, undefined, 'a record without a traceparent starts a trace');

  exporter.reset();
  await assert.rejects(tracing.around([record(9n)], async () => {
    throw new Error('database down');
  }), /database down/);
  const [failed] = exporter.getFinishedSpans();
  assert.equal(failed?.status.code, SpanStatusCode.ERROR);
  assert.equal(failed?.status.message, 'database down');
});

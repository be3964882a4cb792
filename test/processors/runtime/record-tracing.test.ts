/**
 * With an OpenTelemetry SDK registered (an in-memory exporter here), a task starts a span
 * per processed record whose parent is the record's `traceparent`, and the records it
 * leads to carry the new span's context: through a repartition topic the next
 * sub-topology's span is its child, and the output names the last span.
 */
import { after, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ProcessorContext } from '../../../processors/api/processor.ts';
import { lastHeader, type Headers } from '../../../processors/api/record.ts';
import { headersGetter, tracingRegistered, withTraceContext } from '../../../processors/runtime/record-tracing.ts';
import { TopologyTestDriver } from '../../../processors/testing/index.ts';
import { Materialized, Repartitioned, StreamsBuilder, keyValue } from '../../../processors/dsl/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';

const S = Serdes.String();
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_SPAN = 'b7ad6b7169203331';
const traceparent = (flags: string): Headers => [['traceparent', Buffer.from(`00-${TRACE_ID}-${PARENT_SPAN}-${flags}`)]];

assert.equal(tracingRegistered(), false, 'the API alone registers nothing');
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(provider);
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

beforeEach(() => exporter.reset());
after(() => provider.shutdown());

/** Splits lines into words, repartitions by word, then a processor starts a child span of its own. */
function wordTopology() {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S });
  builder.stream<string, string>('lines')
    .flatMap((_k, v) => v.split(' ').map((word) => keyValue(word, word)))
    .repartition(Repartitioned.with(S, S).withName('by-word'))
    .process<string, string>(() => {
      let ctx!: ProcessorContext<string, string>;
      return {
        init(context) {
          ctx = context;
        },
        async process(record) {
          await Promise.resolve();
          trace.getTracer('test').startSpan('lookup').end();
          await ctx.forward(record);
        },
      };
    })
    .to('words');
  return builder.build();
}

async function run(headers: Headers, line = 'a b') {
  const driver = new TopologyTestDriver(wordTopology(), { initialWallClockTimeMs: 0, applicationId: 'words-app' });
  try {
    await driver.createInputTopic('lines', S, S).pipeInput('k', line, 5, headers);
    return driver.createOutputTopic('words', S, S).readRecordsToList();
  } finally {
    await driver.close();
  }
}

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

test('a span per record and hop, each the child of the span that produced its record', async () => {
  assert.equal(tracingRegistered(), true);
  const output = await run(traceparent('01'));
  const spans = exporter.getFinishedSpans();
  const byName = (name: string) => spans.filter((span) => span.name === name);
  const [first] = byName('process lines');
  assert.ok(first !== undefined, `a span for the input record (got ${spans.map((s) => s.name).join(', ')})`);
  assert.equal(first.kind, SpanKind.CONSUMER);
  assert.equal(first.spanContext().traceId, TRACE_ID);
  assert.equal(parentOf(first), PARENT_SPAN, 'the input record\'s traceparent is the parent');
  assert.equal(first.attributes['messaging.destination.name'], 'lines');
  assert.equal(first.attributes['messaging.consumer.group.name'], 'words-app');

  const hops = byName('process words-app-by-word-repartition');
  assert.equal(hops.length, 2, 'one span per repartitioned record');
  for (const hop of hops) {
    assert.equal(hop.spanContext().traceId, TRACE_ID);
    assert.equal(parentOf(hop), first.spanContext().spanId, 'the repartitioned record names the first hop\'s span');
  }
  const lookups = byName('lookup');
  assert.equal(lookups.length, 2);
  assert.deepEqual(lookups.map(parentOf).sort(), hops.map((hop) => hop.spanContext().spanId).sort(), 'a span started in a processor is a child of the record\'s span, across awaits');

  assert.deepEqual(output.map((r) => r.key), ['a', 'b']);
  const carried = output.map((r) => lastHeader(r.headers, 'traceparent')?.toString());
  assert.deepEqual(carried.sort(), hops.map((hop) => `00-${TRACE_ID}-${hop.spanContext().spanId}-01`).sort(), 'each output record carries the span that produced it');
  for (const record of output) assert.equal(record.headers.filter(([key]) => key === 'traceparent').length, 1, 'the header is replaced, not added');
});

test('an unsampled parent stays unsampled: no span, the header travels on as it came', async () => {
  const output = await run(traceparent('00'));
  assert.deepEqual(exporter.getFinishedSpans().map((span) => span.name).filter((name) => name.startsWith('process')), []);
  assert.equal(output.length, 2);
  for (const record of output) assert.equal(lastHeader(record.headers, 'traceparent')?.toString(), `00-${TRACE_ID}-${PARENT_SPAN}-00`);
});

test('a record without a traceparent starts a trace of its own', async () => {
  const output = await run([], 'solo');
  const root = exporter.getFinishedSpans().find((span) => span.name === 'process lines');
  assert.ok(root !== undefined);
  assert.equal(root.parentSpanContext, undefined);
  assert.equal(lastHeader(output[0]?.headers ?? [], 'traceparent')?.toString().split('-')[1], root.spanContext().traceId);
});

test('a cached KTable\'s flush names the span of the record that wrote the entry', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  builder.stream<string, string>('lines').groupByKey()
    .reduce((a, b) => `${a}${b}`, Materialized.as<string, string>('latest').withCachingEnabled())
    .toStream().to('joined');
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  try {
    await driver.createInputTopic('lines', S, S).pipeInput('k', 'v', 5, traceparent('01'));
    const [record] = driver.createOutputTopic('joined', S, S).readRecordsToList();
    const [span] = exporter.getFinishedSpans().filter((s) => s.name === 'process lines');
    assert.ok(span !== undefined && record !== undefined);
    assert.equal(lastHeader(record.headers, 'traceparent')?.toString(), `00-${TRACE_ID}-${span.spanContext().spanId}-01`);
  } finally {
    await driver.close();
  }
});

test('a processing failure marks the span as failed', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S });
  builder.stream<string, string>('lines').process(() => ({
    process() {
      throw new Error('boom');
    },
  }));
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  try {
    await assert.rejects(driver.createInputTopic('lines', S, S).pipeInput('k', 'v', 5, traceparent('01')), /boom/);
  } finally {
    await driver.close().catch(() => undefined);
  }
  const [span] = exporter.getFinishedSpans();
  assert.equal(span?.status.code, SpanStatusCode.ERROR);
  assert.equal(span?.events[0]?.name, 'exception');
});

test('withTraceContext writes the active context in place of the headers\' own', () => {
  const span = trace.getTracer('test').startSpan('produce');
  const headers = context.with(trace.setSpan(context.active(), span), () => withTraceContext([...traceparent('01'), ['k', Buffer.from('v')]]));
  span.end();
  assert.deepEqual(headers.map(([key]) => key), ['k', 'traceparent']);
  assert.equal(headersGetter.get(headers, 'traceparent'), `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
});

/**
 * `startTracing` registers the SDK globally, so each case that registers runs in this
 * file's own process: off without an endpoint; on, spans reach an OTLP/HTTP receiver
 * with the process's service.name, and a traceparent propagates (W3C).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, context, propagation, trace } from '@opentelemetry/api';
import { tracingRegistered } from '../../processors/runtime/record-tracing.ts';
import { startTracing } from '../../telemetry/tracing.ts';
import { OtlpCollector } from '../support/otlp-collector.ts';

test('without an endpoint nothing is registered', async () => {
  const tracing = startTracing({}, { serviceName: 'quiet' });
  assert.equal(tracing.enabled, false);
  assert.equal(tracingRegistered(), false);
  await tracing.shutdown();
});

test('with one, spans are exported over OTLP/HTTP with the service name, and W3C context propagates', async (t) => {
  const collector = await OtlpCollector.start();
  t.after(() => collector.close());
  const tracing = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'named-by-env' }, { serviceName: 'default-name', instanceId: 'unit-0' });
  assert.equal(tracing.enabled, true);
  assert.equal(tracing.serviceName, 'named-by-env');
  assert.equal(tracingRegistered(), true);

  const parent = propagation.extract(ROOT_CONTEXT, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  const span = trace.getTracer('unit').startSpan('work', {}, parent);
  const carrier: Record<string, string> = {};
  context.with(trace.setSpan(ROOT_CONTEXT, span), () => propagation.inject(context.active(), carrier));
  span.end();
  assert.equal(carrier['traceparent'], `00-0af7651916cd43dd8448eb211c80319c-${span.spanContext().spanId}-01`);

  await tracing.shutdown();
  const [exported] = collector.spans;
  assert.equal(collector.spans.length, 1);
  assert.deepEqual(
    [exported?.serviceName, exported?.instance, exported?.name, exported?.traceId, exported?.parentSpanId],
    ['named-by-env', 'unit-0', 'work', '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
  );
});

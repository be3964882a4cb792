/**
 * With an OpenTelemetry SDK registered, each API request is a SERVER span, the root of
 * its trace (a caller's traceparent is not continued), and the route's handler — which
 * publishes the command — runs inside it, across the body read and awaits. Over a real
 * socket, since the body is read in the socket's async context.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, context, propagation, trace, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createTokenVerifier, signToken } from '../../../gateway/auth/jwt.ts';
import type { CommandSink } from '../../../gateway/commands/command-publisher.ts';
import type { Accepted, QueryReader } from '../../../gateway/http/context.ts';
import { IdempotencyCache } from '../../../gateway/http/idempotency-cache.ts';
import { GatewayMetrics } from '../../../gateway/http/metrics.ts';
import { RateLimiter } from '../../../gateway/http/rate-limiter.ts';
import { buildHttpApi } from '../../../gateway/http/server.ts';

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const secret = 'unit-test-secret-0123456789-abcdefgh';

test('POST /orders is a root SERVER span, and the command is published inside it', async (t) => {
  const published: Array<SpanContext | undefined> = [];
  const commands: CommandSink = {
    publish: async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      published.push(trace.getActiveSpan()?.spanContext());
    },
    close: async () => undefined,
  };
  const app = buildHttpApi({
    commands,
    queries: {} as QueryReader,
    idempotency: new IdempotencyCache<Accepted>({ maxEntries: 100, ttlMs: 60_000 }),
    metrics: new GatewayMetrics({ defaultMetrics: false }),
    sseHeartbeatMs: 1_000,
    sseAwaitCreationMs: 0,
    now: () => 42,
  }, { verify: createTokenVerifier({ secret, maxLifetimeS: 3_600 }), limiter: new RateLimiter({ burst: 1000, perSecond: 1 }), bodyLimit: 65_536, logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());

  const response = await fetch(`${url}/orders`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await signToken({ sub: 'alice', role: 'customer' }, secret)}`,
      'content-type': 'application/json',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    },
    body: JSON.stringify({ items: [{ productId: 'p-1', quantity: 1 }] }),
  });
  assert.equal(response.status, 202, await response.text());
  assert.equal((await fetch(`${url}/health`)).status, 200);

  const spans = exporter.getFinishedSpans();
  assert.deepEqual(spans.map((span) => span.name), ['POST /orders'], '/health is not traced');
  const [server] = spans;
  assert.equal(server?.kind, SpanKind.SERVER);
  assert.equal(server?.parentSpanContext, undefined, 'the gateway starts the trace');
  assert.notEqual(server?.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c', 'the caller\'s trace is not continued');
  assert.equal(server?.attributes['http.response.status_code'], 202);
  assert.equal(server?.attributes['http.route'], '/orders');
  assert.equal(published.length, 1);
  assert.equal(published[0]?.spanId, server?.spanContext().spanId, 'the handler publishes inside the request span');
});

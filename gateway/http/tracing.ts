/**
 * A SERVER span per API request, the root of the trace of what the request causes: the
 * command it produces carries the span's context in its `traceparent` header (see
 * `CommandPublisher.publish`), so every service's spans for it join one trace. The
 * gateway starts the trace itself — a client's `traceparent` is not continued, since
 * whether a trace is sampled is the platform's decision (`OTEL_TRACES_SAMPLER_ARG`), not
 * the caller's. Only when an OpenTelemetry SDK is registered (telemetry/tracing.ts);
 * `/health`, `/metrics` and `/openapi.json` are not traced.
 *
 * The handler runs inside the span's context: it is wrapped when the route is added,
 * because a request body is read in the socket's async context, not the hook's.
 *
 * @example
 * ```ts
 * registerTracing(app, PUBLIC_PATHS);   // before the routes are registered
 * ```
 */

import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { tracingRegistered } from '../../processors/runtime/record-tracing.ts';

export const GATEWAY_TRACER = 'kstreams-gateway';

interface Traced {
  readonly span: Span;
  readonly context: Context;
}

/** Adds the hooks when an SDK is registered; returns whether it did. */
export function registerTracing(app: FastifyInstance, untraced: ReadonlySet<string>): boolean {
  if (!tracingRegistered()) return false;
  const tracer = trace.getTracer(GATEWAY_TRACER);
  const requests = new WeakMap<FastifyRequest, Traced>();
  app.addHook('onRoute', (route) => {
    if (untraced.has(route.url ?? route.path)) return;
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function traced(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const traced = requests.get(request);
      return traced === undefined ? handler.call(this, request, reply) : context.with(traced.context, handler, this, request, reply);
    } as RouteHandlerMethod;
  });
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route === undefined || untraced.has(route)) return;
    const span = tracer.startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': request.url.split('?')[0] ?? request.url },
    }, ROOT_CONTEXT);
    requests.set(request, { span, context: trace.setSpan(ROOT_CONTEXT, span) });
  });
  app.addHook('onResponse', async (request, reply) => {
    const traced = requests.get(request);
    if (traced === undefined) return;
    requests.delete(request);
    traced.span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR });
    traced.span.end();
  });
  return true;
}

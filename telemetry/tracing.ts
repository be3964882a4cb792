/**
 * Sets up OpenTelemetry tracing in a platform process from the environment
 * (`tracing-config.ts`): a tracer provider exporting spans over OTLP/HTTP in batches, the
 * W3C trace-context propagator (`traceparent`, `tracestate`) and an AsyncLocalStorage
 * context manager, registered globally. The engine and the platform's code use only
 * `@opentelemetry/api`, which stays a no-op until this runs; call it first thing in a
 * process, before a streams client is started (a task decides when it is made whether
 * to trace), and `shutdown()` before exiting so that the last spans leave.
 *
 * Sampling: parent-based: a span continuing a `traceparent` is sampled as its parent
 * says; a new trace (a request at the gateway, a record without a traceparent) by
 * `OTEL_TRACES_SAMPLER_ARG`.
 *
 * @example
 * ```ts
 * const tracing = startTracing(process.env, { serviceName: 'gateway' });
 * // ... serve ...
 * await tracing.shutdown();
 * ```
 */

import { hostname } from 'node:os';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler,
} from '@opentelemetry/sdk-trace';
import { tracesUrl, tracingConfig, type TracingConfig } from './tracing-config.ts';

export interface TracingOptions {
  /** service.name unless OTEL_SERVICE_NAME says otherwise. */
  readonly serviceName: string;
  /** service.instance.id; host and pid by default. */
  readonly instanceId?: string;
}

export interface Tracing {
  /** False when no endpoint is set (or OTEL_SDK_DISABLED): nothing was registered. */
  readonly enabled: boolean;
  readonly serviceName: string;
  /** Exports what is buffered and stops; call before the process exits. */
  shutdown(): Promise<void>;
}

function rootSampler(config: TracingConfig): Sampler {
  switch (config['traces.sampler']) {
    case 'parentbased_always_on': return new AlwaysOnSampler();
    case 'parentbased_always_off': return new AlwaysOffSampler();
    default: return new TraceIdRatioBasedSampler(config['traces.sampler.arg']);
  }
}

/** Reads the OTEL_* variables (throws `KST_CONFIG_INVALID` naming a bad one) and registers the SDK when an endpoint is set. */
export function startTracing(env: Readonly<Record<string, string | undefined>>, options: TracingOptions): Tracing {
  const config = tracingConfig.fromEnv(env, 'OTEL');
  const serviceName = config['service.name'] === '' ? options.serviceName : config['service.name'];
  const url = tracesUrl(config);
  if (url === undefined) return { enabled: false, serviceName, shutdown: () => Promise.resolve() };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': serviceName,
      'service.instance.id': options.instanceId ?? `${hostname()}-${process.pid}`,
      'process.pid': process.pid,
    }),
    sampler: new ParentBasedSampler({ root: rootSampler(config) }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }), scheduledDelayMillis: config['bsp.schedule.delay'] })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    serviceName,
    shutdown: () => (stopped ??= provider.shutdown().catch(() => undefined)),
  };
}

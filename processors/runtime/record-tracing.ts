/**
 * A span per processed record, with OpenTelemetry's API only: the application registers
 * an SDK (a tracer provider and a propagator) or none. Without one, `recordTracing`
 * answers undefined when the task is made and the task's hot path stays as it was: no
 * span, no context, no header copy per record.
 *
 * With one, each consumed record gets a CONSUMER span named `process <topic>`, whose
 * parent is the context its headers carry (W3C `traceparent`, through the registered
 * propagator): the span of whatever produced it. The record then goes through the graph
 * with that header replaced by the new span's context, so every record it leads to —
 * through `withValue`, `withKey`, the DSL's operators and repartition topics, as Kafka
 * Streams forwards headers — names this span as its producer, and the next hop's span
 * becomes its child. The span is the active context while the processors run, so spans
 * they start are its children too. Sampling is the SDK's (parent-based: a new trace by
 * its ratio); a record whose `traceparent` says "not sampled" is processed without a span
 * and its header left as it is, so an unsampled trace costs one header parse per record.
 *
 * @example
 * ```ts
 * const tracing = recordTracing('orders', '0_3');      // undefined: no SDK registered
 * const result = tracing === undefined ? node.process(record) : tracing.process(raw, record, node);
 * ```
 */

import {
  ProxyTracerProvider, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, context, propagation, trace,
  type Span, type TextMapGetter, type TextMapSetter, type Tracer,
} from '@opentelemetry/api';
import type { Awaitable } from '../../common/awaitable.ts';
import type { Headers, StreamRecord } from '../api/record.ts';
import type { TaskInputRecord } from './record-collector.ts';
import type { RecordClock } from './task-services.ts';

/** The instrumentation scope of the engine's spans. */
export const TRACER_NAME = 'kstreams-ts';

/** Reads propagation fields from a record's headers (the last value of a key wins). */
export const headersGetter: TextMapGetter<Headers> = {
  keys: (headers) => headers.map(([key]) => key),
  get(headers, key) {
    for (let i = headers.length - 1; i >= 0; i--) {
      const header = headers[i];
      if (header !== undefined && header[0] === key) return header[1].toString('utf8');
    }
    return undefined;
  },
};

/** Writes propagation fields as headers (into a mutable array being built). */
export const headersSetter: TextMapSetter<Array<readonly [string, Buffer]>> = {
  set(headers, key, value) {
    headers.push([key, Buffer.from(value, 'utf8')]);
  },
};

/**
 * `headers` with the propagation fields of `carried` (the active context by default)
 * instead of their own: what a producer writes so that its consumer's span becomes a
 * child of the current one.
 *
 * @example
 * ```ts
 * producer.send([{ topic, key, value, headers: withTraceContext([]) }]);
 * ```
 */
export function withTraceContext(headers: Headers, carried = context.active()): Headers {
  const fields = propagation.fields();
  const out: Array<readonly [string, Buffer]> = [];
  for (const header of headers) if (!fields.includes(header[0])) out.push(header);
  propagation.inject(carried, out, headersSetter);
  return out;
}

/** True when an SDK registered a tracer provider; the API alone answers false. */
export function tracingRegistered(): boolean {
  const provider = trace.getTracerProvider();
  // The API's global is a proxy that delegates once an SDK registers; without one it has no delegate.
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(TRACER_NAME) !== undefined;
}

interface ProcessingNode {
  process(record: StreamRecord<unknown, unknown>): Awaitable<void>;
}

export class RecordTracing {
  readonly #tracer: Tracer;
  readonly #applicationId: string;
  readonly #taskId: string;

  constructor(tracer: Tracer, applicationId: string, taskId: string) {
    this.#tracer = tracer;
    this.#applicationId = applicationId;
    this.#taskId = taskId;
  }

  /**
   * Runs `node.process` on `record` inside the record's span, the record carrying the
   * span's context in its headers; ends the span when processing ends (at once, or when
   * the returned promise settles), marking it failed when processing throws.
   */
  process(raw: TaskInputRecord, record: StreamRecord<unknown, unknown>, node: ProcessingNode, clock?: RecordClock): Awaitable<void> {
    const parent = propagation.extract(ROOT_CONTEXT, record.headers, headersGetter);
    const parentSpan = trace.getSpanContext(parent);
    // A trace its root did not sample stays unsampled downstream: the header goes on as it is, no span.
    if (parentSpan !== undefined && (parentSpan.traceFlags & TraceFlags.SAMPLED) === 0) return node.process(record);
    const span = this.#tracer.startSpan(`process ${raw.topic}`, {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': raw.topic,
        'messaging.destination.partition.id': String(raw.partition),
        'messaging.kafka.offset': Number(raw.offset),
        'messaging.consumer.group.name': this.#applicationId,
        'kstreams.task.id': this.#taskId,
      },
    }, parent);
    const active = trace.setSpan(parent, span);
    const traced = { key: record.key, value: record.value, timestamp: record.timestamp, headers: withTraceContext(record.headers, active) };
    // What a cache keeps with the record's writes: the header naming this span.
    if (clock !== undefined) clock.headers = traced.headers;
    let result: Awaitable<void>;
    try {
      result = context.with(active, node.process, node, traced);
    } catch (error) {
      fail(span, error);
      throw error;
    }
    if (!(result instanceof Promise)) {
      span.end();
      return undefined;
    }
    return result.then(() => span.end(), (error: unknown) => {
      fail(span, error);
      throw error;
    });
  }
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.end();
}

/**
 * The task's record tracing, or undefined when no SDK is registered (decided once, when
 * the task is made: register the SDK before starting the streams client).
 */
export function recordTracing(applicationId: string, taskId: string): RecordTracing | undefined {
  if (!tracingRegistered()) return undefined;
  return new RecordTracing(trace.getTracer(TRACER_NAME), applicationId, taskId);
}

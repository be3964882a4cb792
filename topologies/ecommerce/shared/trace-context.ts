/**
 * The trace context of a record (W3C `traceparent`, `tracestate`) kept in a store, for what
 * a punctuator sends later on behalf of that record — the courier's dispatch, a saga step's
 * deadline — so it continues the record's trace instead of starting one. Plain strings: the
 * services need no tracing library; the engine gives the records they send a span.
 *
 * @example
 * ```ts
 * const shipment = { ...fields, trace: traceContextOf(record.headers) };
 * await context.forward(streamRecord(orderId, event, nowMs, traceHeaders(shipment.trace)));
 * ```
 */

import { NO_HEADERS, type Headers } from '../../../processors/api/record.ts';

export type TraceContext = Readonly<Record<string, string>>;

const TRACE_HEADERS: readonly string[] = ['traceparent', 'tracestate'];

/** The trace-context headers of a record, as strings; undefined when it carries none. */
export function traceContextOf(headers: Headers): TraceContext | undefined {
  let trace: Record<string, string> | undefined;
  for (const [key, value] of headers) if (TRACE_HEADERS.includes(key)) (trace ??= {})[key] = value.toString('utf8');
  return trace;
}

/** Headers carrying a kept trace context; none when there is none. */
export function traceHeaders(trace: TraceContext | undefined): Headers {
  return trace === undefined ? NO_HEADERS : Object.entries(trace).map(([key, value]) => [key, Buffer.from(value, 'utf8')] as const);
}

/**
 * A CONSUMER span per record a sink task takes (`put`), as the services have per record
 * they process: its parent is the record's `traceparent` header (the span of the
 * service that produced it), so a trace reaches the read models. The spans cover the
 * `put` of the batch the record came in, and fail with it. Without an OpenTelemetry SDK
 * registered, `sinkTracing` answers undefined and the runner calls `put` as before.
 *
 * @example
 * ```ts
 * const tracing = sinkTracing('orders-postgres', 0);
 * await (tracing === undefined ? task.put(sinkRecords) : tracing.around(records, () => task.put(sinkRecords)));
 * ```
 */

import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { KafkaRecord } from '../../processors/kafka/index.ts';
import { headersGetter, tracingRegistered } from '../../processors/runtime/record-tracing.ts';

export const CONNECT_TRACER = 'kstreams-connect';

export class SinkTracing {
  readonly #tracer: Tracer;
  readonly #connector: string;
  readonly #taskId: number;

  constructor(tracer: Tracer, connector: string, taskId: number) {
    this.#tracer = tracer;
    this.#connector = connector;
    this.#taskId = taskId;
  }

  /** Runs `put` with one span per record open around it. */
  async around(records: readonly KafkaRecord[], put: () => Promise<void>): Promise<void> {
    const spans: Span[] = records.map((record) => this.#tracer.startSpan(`process ${record.topic}`, {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': record.topic,
        'messaging.destination.partition.id': String(record.partition),
        'messaging.kafka.offset': Number(record.offset),
        'messaging.consumer.group.name': `connect-${this.#connector}`,
        'connect.connector': this.#connector,
        'connect.task.id': this.#taskId,
      },
    }, propagation.extract(ROOT_CONTEXT, record.headers, headersGetter)));
    try {
      await put();
    } catch (error) {
      for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }
}

/** The runner's tracing, or undefined when no SDK is registered. */
export function sinkTracing(connector: string, taskId: number): SinkTracing | undefined {
  return tracingRegistered() ? new SinkTracing(trace.getTracer(CONNECT_TRACER), connector, taskId) : undefined;
}

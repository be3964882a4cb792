/**
 * A small OTLP/HTTP (JSON) trace receiver for tests: processes export their spans to it
 * as they would to Jaeger or an OpenTelemetry Collector (`OTEL_EXPORTER_OTLP_ENDPOINT`),
 * and the test reads them back, each with its process's `service.name`. It is the test's
 * window into the spans of child processes, whose in-memory exporters it could not read.
 *
 * @example
 * ```ts
 * const collector = await OtlpCollector.start();
 * env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
 * const spans = collector.spans.filter((span) => span.traceId === traceId);
 * await collector.close();
 * ```
 */

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** OTLP's span kinds, as numbers in its JSON. */
export const SpanKinds = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

export interface CollectedSpan {
  readonly serviceName: string;
  /** `service.instance.id`: one per process. */
  readonly instance: string;
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

interface AnyValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
interface KeyValue { key: string; value: AnyValue }
interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: KeyValue[] }
interface OtlpRequest { resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: OtlpSpan[] }> }> }

function attributes(list: readonly KeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    out[key] = value.stringValue ?? (value.intValue === undefined ? undefined : Number(value.intValue)) ?? value.boolValue ?? value.doubleValue ?? '';
  }
  return out;
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

export class OtlpCollector {
  readonly url: string;
  readonly spans: CollectedSpan[] = [];
  /** Requests it could not read (not JSON, wrong path): a test should expect none. */
  readonly refused: string[] = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async start(): Promise<OtlpCollector> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const collector = new OtlpCollector(server);
    server.on('request', (request, response) => {
      void collector.#receive(request).then((ok) => {
        response.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' }).end('{}');
      });
    });
    return collector;
  }

  async #receive(request: IncomingMessage): Promise<boolean> {
    const type = request.headers['content-type'] ?? '';
    if (request.method !== 'POST' || request.url !== '/v1/traces' || !type.startsWith('application/json')) {
      this.refused.push(`${request.method} ${request.url} (${type})`);
      return false;
    }
    const parsed = JSON.parse((await body(request)).toString('utf8')) as OtlpRequest;
    for (const resourceSpans of parsed.resourceSpans ?? []) {
      const resource = attributes(resourceSpans.resource?.attributes);
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            serviceName: String(resource['service.name']),
            instance: String(resource['service.instance.id']),
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: span.kind,
            attributes: attributes(span.attributes),
          });
        }
      }
    }
    return true;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }
}

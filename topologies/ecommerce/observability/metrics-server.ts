/**
 * The HTTP server of a service process's Prometheus metrics: `GET /metrics` answers the
 * registry in the text format, anything else 404. On `metrics.host`:`metrics.port`
 * (`ECOMMERCE_METRICS_HOST`, `ECOMMERCE_METRICS_PORT`; port 0 binds a free one, which
 * `url` tells). It also adds Node's process metrics (CPU, memory, event-loop lag) to the
 * registry once per process.
 *
 * @example
 * ```ts
 * const server = await MetricsServer.listen(streams.metricsRegistry, { host: '127.0.0.1', port: 0 });
 * console.log(`${server.url}/metrics`);
 * await server.close();
 * ```
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, type Registry } from 'prom-client';

export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface MetricsServerOptions {
  readonly host: string;
  readonly port: number;
  /** Add Node's process metrics to the registry; default true. */
  readonly processMetrics?: boolean;
}

export class MetricsServer {
  /** `http://host:port`, the port bound. */
  readonly url: string;
  readonly #server: Server;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async listen(registry: Registry & MetricsSource, options: MetricsServerOptions): Promise<MetricsServer> {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
        return;
      }
      registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': registry.contentType }).end(text);
      }, (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(error as Error).message}\n`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    return new MetricsServer(server, `http://${host}:${port}`);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

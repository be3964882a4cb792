/**
 * The gateway's Prometheus metrics, in a registry of its own (so several gateways in one
 * test process do not collide): requests by route and status with their latency, commands
 * produced by type, rejections by reason, replays of idempotent writes, and the process
 * defaults (CPU, memory, event-loop lag). Served at `/metrics`.
 *
 * @example
 * ```ts
 * const metrics = new GatewayMetrics();
 * metrics.commands.inc({ type: 'CreateOrder' });
 * reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
 * ```
 */

import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly latency: Histogram<'method' | 'route'>;
  readonly commands: Counter<'type'>;
  readonly rejected: Counter<'reason'>;
  readonly replays: Counter;

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'gateway_http_requests_total', help: 'HTTP requests answered, by route and status.', labelNames: ['method', 'route', 'status'], registers });
    this.latency = new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'Time from request to response, by route (event streams excluded).',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.commands = new Counter({ name: 'gateway_commands_produced_total', help: 'Commands produced to Kafka, by type.', labelNames: ['type'], registers });
    this.rejected = new Counter({ name: 'gateway_requests_rejected_total', help: 'Requests refused before any work: unauthenticated, forbidden, invalid, rate_limited.', labelNames: ['reason'], registers });
    this.replays = new Counter({ name: 'gateway_idempotent_replays_total', help: 'Writes answered from the Idempotency-Key cache without a new command.', registers });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }
}

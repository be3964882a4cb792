/**
 * Operations endpoints, answered without a token and outside rate limiting:
 * `GET /health` (the process is up and serving) and `GET /metrics` (Prometheus text).
 *
 * @example
 * ```ts
 * registerOpsRoutes(app, context);
 * // curl http://127.0.0.1:8080/metrics
 * ```
 */

import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.ts';

export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/health', '/metrics']);

export function registerOpsRoutes(app: FastifyInstance, context: GatewayContext): void {
  const startedAt = context.now();
  app.get('/health', async () => ({ status: 'UP', uptimeMs: context.now() - startedAt }));
  app.get('/metrics', async (_request, reply) => reply.type(context.metrics.registry.contentType).send(await context.metrics.registry.metrics()));
}

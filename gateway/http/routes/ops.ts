/**
 * Operations endpoints, answered without a token and outside rate limiting:
 * `GET /health` (the process is up and serving), `GET /metrics` (Prometheus text) and
 * `GET /openapi.json` (the API's OpenAPI 3.1 document, see `openapi.ts`).
 *
 * @example
 * ```ts
 * registerOpsRoutes(app, context);
 * // curl http://127.0.0.1:8080/metrics
 * ```
 */

import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.ts';
import { errorResponses, health, textResponse } from '../response-schemas.ts';
import { OPS_PAGE_PATHS } from './ops-page.ts';

/** Answered without a token: these and the ops page's own files (which hold no data; see `ops-page.ts`). */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/health', '/metrics', '/openapi.json', ...OPS_PAGE_PATHS]);

const openApiDocument = { type: 'object', description: 'An OpenAPI 3.1 document.', additionalProperties: true } as const;

export function registerOpsRoutes(app: FastifyInstance, context: GatewayContext): void {
  const startedAt = context.now();
  app.get('/health', {
    schema: { tags: ['ops'], operationId: 'getHealth', summary: 'The process is up and serving', response: { 200: health, ...errorResponses(500) } },
  }, async () => ({ status: 'UP', uptimeMs: context.now() - startedAt }));
  app.get('/metrics', {
    schema: { tags: ['ops'], operationId: 'getMetrics', summary: 'Prometheus metrics', response: { 200: textResponse('text/plain', 'Prometheus text exposition format.'), ...errorResponses(500) } },
  }, async (_request, reply) => reply.type(context.metrics.registry.contentType).send(await context.metrics.registry.metrics()));
  app.get('/openapi.json', {
    schema: { tags: ['ops'], operationId: 'getOpenApi', summary: 'This API\'s OpenAPI 3.1 document (no token needed)', response: { 200: openApiDocument, ...errorResponses(500) } },
  }, async () => app.swagger());
}

/**
 * `GET /metrics`: the worker's Prometheus metrics (sink tasks and the process), in the
 * text format. Not part of Connect's REST API (Connect exposes JMX); Prometheus scrapes
 * it here, with the same credentials as the rest of the API when basic auth is on.
 */

import type { FastifyPluginAsync } from 'fastify';
import type { RestContext } from '../rest-server.ts';

export function metricsRoutes({ metrics }: RestContext): FastifyPluginAsync {
  return async (app) => {
    if (metrics === undefined) return;
    app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
  };
}

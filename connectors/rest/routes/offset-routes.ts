/**
 * `GET/PATCH/DELETE /connectors/{name}/offsets` (KIP-875; changes only while STOPPED)
 * and active topics: `GET /connectors/{name}/topics`, `PUT .../topics/reset` (202).
 */

import type { FastifyPluginAsync } from 'fastify';
import type { RestContext } from '../rest-server.ts';

type Named = { Params: { name: string } };

export function offsetRoutes({ herder }: RestContext): FastifyPluginAsync {
  return async (app) => {
    app.get<Named>('/connectors/:name/offsets', async (request) => herder.offsets(request.params.name));
    app.patch<Named & { Body: unknown }>('/connectors/:name/offsets', async (request) => herder.alterOffsets(request.params.name, request.body));
    app.delete<Named>('/connectors/:name/offsets', async (request) => herder.resetOffsets(request.params.name));

    app.get<Named>('/connectors/:name/topics', async (request) => ({ [request.params.name]: herder.activeTopics(request.params.name) }));
    app.put<Named>('/connectors/:name/topics/reset', async (request, reply) => {
      await herder.resetActiveTopics(request.params.name);
      return reply.code(202).send();
    });
  };
}

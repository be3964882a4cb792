/**
 * `GET /admin/loggers`, `GET/PUT /admin/loggers/{logger}` (KIP-495, KIP-976): levels
 * change at runtime; `scope=cluster` is accepted (204) and applied on this worker.
 */

import type { FastifyPluginAsync } from 'fastify';
import { LEVELS, type Level } from '../../logging/loggers.ts';
import { badRequest, notFound } from '../rest-error.ts';
import type { RestContext } from '../rest-server.ts';

type Named = { Params: { logger: string } };

export function loggerRoutes({ loggers }: RestContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/admin/loggers', async () => loggers.all());
    app.get<Named>('/admin/loggers/:logger', async (request) => {
      const level = loggers.level(request.params.logger);
      if (level === undefined) throw notFound(`Logger ${request.params.logger} not found.`);
      return level;
    });
    app.put<Named & { Body: { level?: unknown } | undefined; Querystring: { scope?: string } }>('/admin/loggers/:logger', async (request, reply) => {
      const raw = request.body?.level;
      if (typeof raw !== 'string') throw badRequest('Desired \'level\' parameter was not specified in request.');
      const level = raw.toUpperCase();
      if (!(LEVELS as readonly string[]).includes(level)) throw notFound(`invalid log level '${raw}'.`);
      const changed = loggers.setLevel(request.params.logger, level as Level);
      if ((request.query.scope ?? 'worker').toLowerCase() === 'cluster') return reply.code(204).send();
      return changed;
    });
  };
}

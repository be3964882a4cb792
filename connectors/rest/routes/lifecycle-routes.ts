/**
 * Status and control: `GET .../status`, `GET .../tasks/{id}/status`, `PUT .../pause`,
 * `.../resume` (202), `.../stop` (204), `POST .../restart` (204 for the connector alone,
 * 202 with the status when `includeTasks` or `onlyFailed` is set) and
 * `POST .../tasks/{id}/restart` (204).
 */

import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../rest-error.ts';
import type { RestContext } from '../rest-server.ts';

type Named = { Params: { name: string } };
type Task = { Params: { name: string; task: string } };

const flag = (value: string | undefined): boolean => (value ?? 'false').toLowerCase() === 'true';

function taskId(raw: string, name: string): number {
  const id = Number(raw);
  if (!/^\d+$/.test(raw)) throw notFound(`HTTP 404 Not Found: task id "${raw}" of ${name} is not a number`);
  return id;
}

export function lifecycleRoutes({ herder }: RestContext): FastifyPluginAsync {
  return async (app) => {
    app.get<Named>('/connectors/:name/status', async (request) => herder.connectorStatus(request.params.name));
    app.get<Task>('/connectors/:name/tasks/:task/status', async (request) => herder.taskStatus(request.params.name, taskId(request.params.task, request.params.name)));

    app.put<Named>('/connectors/:name/pause', async (request, reply) => {
      await herder.setTargetState(request.params.name, 'PAUSED');
      return reply.code(202).send();
    });
    app.put<Named>('/connectors/:name/resume', async (request, reply) => {
      await herder.setTargetState(request.params.name, 'STARTED');
      return reply.code(202).send();
    });
    app.put<Named>('/connectors/:name/stop', async (request, reply) => {
      await herder.setTargetState(request.params.name, 'STOPPED');
      return reply.code(204).send();
    });

    app.post<Named & { Querystring: { includeTasks?: string; onlyFailed?: string } }>('/connectors/:name/restart', async (request, reply) => {
      const includeTasks = flag(request.query.includeTasks);
      const onlyFailed = flag(request.query.onlyFailed);
      const status = await herder.restartConnector(request.params.name, includeTasks, onlyFailed);
      if (!includeTasks && !onlyFailed) return reply.code(204).send();
      return reply.code(202).send(status);
    });

    app.post<Task>('/connectors/:name/tasks/:task/restart', async (request, reply) => {
      await herder.restartTask(request.params.name, taskId(request.params.task, request.params.name));
      return reply.code(204).send();
    });
  };
}

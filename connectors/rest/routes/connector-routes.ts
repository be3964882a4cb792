/**
 * Connector CRUD: `GET/POST /connectors` (with `expand=status|info` and
 * `initial_state`), `GET/DELETE /connectors/{name}`, `GET/PUT/PATCH .../config`,
 * `GET .../tasks`.
 */

import type { FastifyPluginAsync } from 'fastify';
import { badRequest } from '../rest-error.ts';
import type { InitialState } from '../../herder.ts';
import type { RestContext } from '../rest-server.ts';

type Named = { Params: { name: string } };

/** Config maps are string → string in Connect; numbers and booleans given as JSON are taken as their text. */
export function configMap(body: unknown, allowNull = false): Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Request body must be a JSON object of connector configs');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null && allowNull) out[key] = null as unknown as string;
    else if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else throw badRequest(`Cannot deserialize value of type \`java.lang.String\` for key "${key}"`);
  }
  return out;
}

function nameInConfig(name: string, config: Record<string, string>): void {
  const included = config['name'];
  if (included !== undefined && included !== name) throw badRequest(`Connector name configuration (${included}) doesn't match connector name in the URL (${name})`);
  config['name'] = name;
}

export function connectorRoutes({ herder }: RestContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: { expand?: string | string[] } }>('/connectors', async (request) => {
      const expand = request.query.expand;
      if (expand === undefined) return herder.connectors();
      const wanted = Array.isArray(expand) ? expand : [expand];
      const out: Record<string, Record<string, unknown>> = {};
      for (const name of herder.connectors()) {
        const entry: Record<string, unknown> = {};
        if (wanted.includes('status')) entry['status'] = herder.connectorStatus(name);
        if (wanted.includes('info')) entry['info'] = herder.connectorInfo(name);
        out[name] = entry;
      }
      return out;
    });

    app.post<{ Body: { name?: unknown; config?: unknown; initial_state?: unknown } | undefined }>('/connectors', async (request, reply) => {
      const body = request.body ?? {};
      const name = typeof body.name === 'string' ? body.name.trim() : '';
      const config = configMap(body.config ?? {});
      nameInConfig(name, config);
      const initial = body.initial_state ?? 'RUNNING';
      if (initial !== 'RUNNING' && initial !== 'PAUSED' && initial !== 'STOPPED') {
        throw badRequest(`Cannot deserialize value of type \`org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest$InitialState\` from String "${String(initial)}": not one of the values accepted for Enum class: [STOPPED, PAUSED, RUNNING]`);
      }
      const info = await herder.createConnector(name, config, initial as InitialState);
      return reply.code(201).header('location', `/connectors/${encodeURIComponent(name)}`).send(info);
    });

    app.get<Named>('/connectors/:name', async (request) => herder.connectorInfo(request.params.name));
    app.get<Named>('/connectors/:name/config', async (request) => herder.connectorConfig(request.params.name));
    app.get<Named>('/connectors/:name/tasks', async (request) => herder.taskConfigs(request.params.name));

    app.put<Named & { Body: unknown }>('/connectors/:name/config', async (request, reply) => {
      const config = configMap(request.body ?? {});
      nameInConfig(request.params.name, config);
      const { created, info } = await herder.putConnectorConfig(request.params.name, config);
      if (created) reply.code(201).header('location', `/connectors/${encodeURIComponent(request.params.name)}`);
      return reply.send(info);
    });

    app.patch<Named & { Body: unknown }>('/connectors/:name/config', async (request) =>
      herder.patchConnectorConfig(request.params.name, configMap(request.body ?? {}, true)));

    app.delete<Named>('/connectors/:name', async (request, reply) => {
      await herder.deleteConnector(request.params.name);
      return reply.code(204).send();
    });
  };
}

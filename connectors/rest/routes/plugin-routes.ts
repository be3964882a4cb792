/**
 * `GET /connector-plugins` (`connectorsOnly=false` adds converters, transforms and
 * predicates), `GET /connector-plugins/{plugin}/config` and
 * `PUT /connector-plugins/{plugin}/config/validate`.
 */

import type { FastifyPluginAsync } from 'fastify';
import { converterPlugins } from '../../converters/converter-registry.ts';
import { keyInfo } from '../../config/validate.ts';
import { findPredicate, findSinkPlugin, findTransformation, predicatePluginList, sinkPlugins, transformationPlugins } from '../../plugins/plugin-registry.ts';
import { badRequest, notFound } from '../rest-error.ts';
import type { RestContext } from '../rest-server.ts';
import { configMap } from './connector-routes.ts';

type Plugin = { Params: { plugin: string } };

export function pluginRoutes(context: RestContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: { connectorsOnly?: string } }>('/connector-plugins', async (request) => {
      const sinks = sinkPlugins().map((p) => ({ class: p.className, type: 'sink', version: p.version }));
      if ((request.query.connectorsOnly ?? 'true').toLowerCase() !== 'false') return sinks;
      return [
        ...sinks,
        ...transformationPlugins().map((p) => ({ class: p.className, type: 'transformation', version: context.info.version })),
        ...predicatePluginList().map((p) => ({ class: p.className, type: 'predicate', version: context.info.version })),
        ...converterPlugins().map((p) => ({ class: p.className, type: 'converter', version: context.info.version })),
      ];
    });

    app.get<Plugin>('/connector-plugins/:plugin/config', async (request) => {
      const name = request.params.plugin;
      const definition = findSinkPlugin(name)?.configDef ?? findTransformation(name)?.configDef ?? findPredicate(name)?.configDef;
      if (definition === undefined) throw notFound(`Unknown plugin ${name}.`);
      return definition.map(keyInfo);
    });

    app.put<Plugin & { Body: unknown }>('/connector-plugins/:plugin/config/validate', async (request) => {
      const name = request.params.plugin;
      const config = configMap(request.body ?? {});
      const included = config['connector.class'];
      const same = included === undefined || included === name || (findSinkPlugin(included) !== undefined && findSinkPlugin(included) === findSinkPlugin(name));
      if (!same) {
        throw badRequest(`Included connector type ${included} does not match request type ${name}`);
      }
      const plugin = findSinkPlugin(included ?? name);
      if (plugin === undefined) throw badRequest(`Failed to find any class that implements Connector and which name matches ${included ?? name}`);
      config['connector.class'] ??= plugin.className;
      return await context.herder.validate(config, plugin);
    });
  };
}

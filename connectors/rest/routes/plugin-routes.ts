/**
 * `GET /connector-plugins` (`connectorsOnly=false` adds converters, transforms and
 * predicates), `GET /connector-plugins/{plugin}/config` and
 * `PUT /connector-plugins/{plugin}/config/validate`.
 */

import type { FastifyPluginAsync } from 'fastify';
import { converterPlugins } from '../../converters/converter-registry.ts';
import { keyInfo } from '../../config/validate.ts';
import { connectorPlugins, findConnectorPlugin, findPredicate, findTransformation, predicatePluginList, transformationPlugins } from '../../plugins/plugin-registry.ts';
import { badRequest, notFound } from '../rest-error.ts';
import type { RestContext } from '../rest-server.ts';
import { configMap } from './connector-routes.ts';

type Plugin = { Params: { plugin: string } };

export function pluginRoutes(context: RestContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: { connectorsOnly?: string } }>('/connector-plugins', async (request) => {
      const connectors = connectorPlugins().map((p) => ({ class: p.className, type: p.type, version: p.version }));
      if ((request.query.connectorsOnly ?? 'true').toLowerCase() !== 'false') return connectors;
      return [
        ...connectors,
        ...transformationPlugins().map((p) => ({ class: p.className, type: 'transformation', version: context.info.version })),
        ...predicatePluginList().map((p) => ({ class: p.className, type: 'predicate', version: context.info.version })),
        ...converterPlugins().map((p) => ({ class: p.className, type: 'converter', version: context.info.version })),
      ];
    });

    app.get<Plugin>('/connector-plugins/:plugin/config', async (request) => {
      const name = request.params.plugin;
      const definition = findConnectorPlugin(name)?.configDef ?? findTransformation(name)?.configDef ?? findPredicate(name)?.configDef;
      if (definition === undefined) throw notFound(`Unknown plugin ${name}.`);
      return definition.map(keyInfo);
    });

    app.put<Plugin & { Body: unknown }>('/connector-plugins/:plugin/config/validate', async (request) => {
      const name = request.params.plugin;
      const config = configMap(request.body ?? {});
      const included = config['connector.class'];
      const same = included === undefined || included === name || (findConnectorPlugin(included) !== undefined && findConnectorPlugin(included) === findConnectorPlugin(name));
      if (!same) {
        throw badRequest(`Included connector type ${included} does not match request type ${name}`);
      }
      const plugin = findConnectorPlugin(included ?? name);
      if (plugin === undefined) throw badRequest(`Failed to find any class that implements Connector and which name matches ${included ?? name}`);
      config['connector.class'] ??= plugin.className;
      return await context.herder.validate(config, plugin);
    });
  };
}

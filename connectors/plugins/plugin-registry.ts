/**
 * The plugins a worker knows: sink and source connectors (registered by the sinks and
 * sources, or by tests),
 * and the transformations and predicates of `connectors/transforms/`. Names resolve as
 * Connect resolves them: the full class name, an alias, or the simple class name.
 */

import type { SinkConnectorPlugin } from '../api/sink.ts';
import type { SourceConnectorPlugin } from '../api/source.ts';
import type { PluginDefinition, Predicate, Transformation } from '../api/transformation.ts';
import { sinkPlugins as builtInSinks } from '../sinks/index.ts';
import { sourcePlugins as builtInSources } from '../sources/index.ts';
import { predicatePlugins, transformPlugins } from '../transforms/index.ts';
import { memorySinkPlugin } from './memory-sink.ts';

// The project's sinks (PostgreSQL, Elasticsearch/OpenSearch) and the in-memory demo sink are always there.
const sinks = new Map<string, SinkConnectorPlugin>([...builtInSinks, memorySinkPlugin].map((p) => [p.className, p]));
const sources = new Map<string, SourceConnectorPlugin>(builtInSources.map((p) => [p.className, p]));
// Tests and embedders add their own transforms next to the built-in ones.
const extraTransforms: PluginDefinition<Transformation>[] = [];
const extraPredicates: PluginDefinition<Predicate>[] = [];

/** Adds a transformation or predicate plugin beyond those of `connectors/transforms/`. */
export function registerTransformPlugin(plugin: PluginDefinition<Transformation> | PluginDefinition<Predicate>): void {
  if (plugin.type === 'transformation') extraTransforms.push(plugin as PluginDefinition<Transformation>);
  else extraPredicates.push(plugin as PluginDefinition<Predicate>);
}

/**
 * Makes a sink connector available to `connector.class` and `/connector-plugins`, next to
 * the built-in ones. Registering a class name again replaces the earlier plugin.
 *
 * @example
 * ```ts
 * registerSinkPlugin(postgresSinkPlugin);
 * findSinkPlugin('PostgresSinkConnector'); // the plugin, by simple name
 * ```
 */
export function registerSinkPlugin(plugin: SinkConnectorPlugin): void {
  sinks.set(plugin.className, plugin);
}

export function sinkPlugins(): readonly SinkConnectorPlugin[] {
  return [...sinks.values()].sort((a, b) => (a.className < b.className ? -1 : 1));
}

function matches(name: string, plugin: { readonly className: string; readonly aliases: readonly string[] }): boolean {
  const wanted = name.trim();
  return plugin.className === wanted || plugin.aliases.includes(wanted) || plugin.className.split(/[.$]/).pop() === wanted;
}

export function findSinkPlugin(name: string): SinkConnectorPlugin | undefined {
  return sinks.get(name.trim()) ?? [...sinks.values()].find((p) => matches(name, p));
}

/** Makes a source connector available to `connector.class` and `/connector-plugins`. */
export function registerSourcePlugin(plugin: SourceConnectorPlugin): void {
  sources.set(plugin.className, plugin);
}

export function sourcePlugins(): readonly SourceConnectorPlugin[] {
  return [...sources.values()].sort((a, b) => (a.className < b.className ? -1 : 1));
}

export function findSourcePlugin(name: string): SourceConnectorPlugin | undefined {
  return sources.get(name.trim()) ?? [...sources.values()].find((p) => matches(name, p));
}

export type ConnectorPlugin = SinkConnectorPlugin | SourceConnectorPlugin;

/** Every connector plugin, sorted by class name, as `GET /connector-plugins` lists them. */
export function connectorPlugins(): readonly ConnectorPlugin[] {
  return [...sinkPlugins(), ...sourcePlugins()].sort((a, b) => (a.className < b.className ? -1 : 1));
}

/** A sink or source connector by class name, alias or simple name. */
export function findConnectorPlugin(name: string): ConnectorPlugin | undefined {
  return findSinkPlugin(name) ?? findSourcePlugin(name);
}

export function transformationPlugins(): readonly PluginDefinition<Transformation>[] {
  return [...transformPlugins, ...extraTransforms];
}

export function predicatePluginList(): readonly PluginDefinition<Predicate>[] {
  return [...predicatePlugins, ...extraPredicates];
}

// Simple names are ambiguous for the $Key/$Value pairs, so only exact names and aliases count here.
export function findTransformation(name: string): PluginDefinition<Transformation> | undefined {
  const wanted = name.trim();
  return transformationPlugins().find((p) => p.className === wanted || p.aliases.includes(wanted));
}

export function findPredicate(name: string): PluginDefinition<Predicate> | undefined {
  const wanted = name.trim();
  return predicatePluginList().find((p) => p.className === wanted || p.aliases.includes(wanted));
}

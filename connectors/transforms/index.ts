/**
 * The registry of single message transforms and predicates the worker loads: every
 * `PluginDefinition`, under Kafka Connect's class names (and their simple names as
 * aliases), so connector configs written for Kafka Connect work unchanged.
 *
 * @example
 * ```ts
 * const plugin = transformPlugins.find((p) => p.className === 'org.apache.kafka.connect.transforms.InsertField$Value');
 * const transform = plugin!.create();
 * transform.configure({ 'topic.field': 'source_topic' });
 * ```
 */

import type { PluginDefinition, Predicate, Transformation } from '../api/transformation.ts';
import { castPlugins } from './cast.ts';
import { dropHeadersPlugin } from './drop-headers.ts';
import { headerFromPlugins } from './header-from.ts';
import { insertHeaderPlugin } from './insert-header.ts';
import { setSchemaMetadataPlugins } from './set-schema-metadata.ts';
import { timestampRouterPlugin } from './timestamp-router.ts';
import { extractFieldPlugins } from './extract-field.ts';
import { filterPlugin } from './filter.ts';
import { flattenPlugins } from './flatten.ts';
import { hoistFieldPlugins } from './hoist-field.ts';
import { insertFieldPlugins } from './insert-field.ts';
import { maskFieldPlugins } from './mask-field.ts';
import { hasHeaderKeyPlugin, recordIsTombstonePlugin, topicNameMatchesPlugin } from './predicates.ts';
import { regexRouterPlugin } from './regex-router.ts';
import { replaceFieldPlugins } from './replace-field.ts';
import { timestampConverterPlugins } from './timestamp-converter.ts';
import { valueToKeyPlugin } from './value-to-key.ts';

export const transformPlugins: readonly PluginDefinition<Transformation>[] = Object.freeze([
  ...insertFieldPlugins,
  ...replaceFieldPlugins,
  ...extractFieldPlugins,
  valueToKeyPlugin,
  ...timestampConverterPlugins,
  ...flattenPlugins,
  ...castPlugins,
  regexRouterPlugin,
  ...hoistFieldPlugins,
  ...maskFieldPlugins,
  filterPlugin,
  dropHeadersPlugin,
  ...headerFromPlugins,
  insertHeaderPlugin,
  ...setSchemaMetadataPlugins,
  timestampRouterPlugin,
]);

export const predicatePlugins: readonly PluginDefinition<Predicate>[] = Object.freeze([
  topicNameMatchesPlugin,
  hasHeaderKeyPlugin,
  recordIsTombstonePlugin,
]);

/** Transforms and predicates together, for a registry that takes both. */
export const plugins: ReadonlyArray<PluginDefinition<Transformation> | PluginDefinition<Predicate>> = Object.freeze([...transformPlugins, ...predicatePlugins]);

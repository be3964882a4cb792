/**
 * The keys every sink connector config has, whatever its plugin (Connect's
 * `ConnectorConfig` + `SinkConnectorConfig`), and the keys a `transforms` /
 * `predicates` list adds (`transforms.<alias>.type`, the plugin's own keys under
 * `transforms.<alias>.`, as Connect's enriched `ConfigDef`).
 */

import type { ConfigDefinitionKey } from '../api/config-def.ts';
import { findConverter } from '../converters/converter-registry.ts';
import { isHeaderConverter } from '../converters/header-converter.ts';
import { findPredicate, findTransformation } from '../plugins/plugin-registry.ts';
import { CONNECT_VERSION } from '../version.ts';

const COMMON = 'Common';
const TRANSFORMS = 'Transforms';
const PREDICATES = 'Predicates';
const ERRORS = 'Error Handling';

const converterValidator = (value: string | null): string | undefined =>
  value === null || value === '' || findConverter(value) !== undefined ? undefined : `Class ${value} could not be found.`;

const atLeast = (min: number) => (value: string | null): string | undefined =>
  value !== null && Number(value) < min ? `Value must be at least ${min}` : undefined;

/**
 * A `*.plugin.version` key of a plugin built into the worker (KIP-891): unset, or the
 * worker's version, the only one installed.
 */
function builtInVersionKey(name: string, documentation: string, displayName: string, group = COMMON): ConfigDefinitionKey {
  return { name, type: 'STRING', defaultValue: null, importance: 'LOW', documentation, group, orderInGroup: 9, width: 'MEDIUM', displayName,
    validator: (v) => (v === null || v.trim() === '' || v.trim() === CONNECT_VERSION ? undefined : `Version ${v} is not installed; the installed version is ${CONNECT_VERSION}`) };
}

/** The worker-level keys, in Connect's order and groups. */
export const CONNECTOR_CONFIG_DEF: readonly ConfigDefinitionKey[] = [
  { name: 'name', type: 'STRING', importance: 'HIGH', documentation: 'Globally unique name to use for this connector.', group: COMMON, orderInGroup: 1, width: 'MEDIUM', displayName: 'Connector name',
    validator: (v) => (v === null || v.trim() === '' ? 'String may not be empty' : /\p{Cc}/u.test(v) ? 'String may not contain control sequences' : undefined) },
  { name: 'connector.class', type: 'STRING', importance: 'HIGH', documentation: 'Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector.', group: COMMON, orderInGroup: 2, width: 'LONG', displayName: 'Connector class' },
  { name: 'connector.plugin.version', type: 'STRING', defaultValue: null, importance: 'MEDIUM', documentation: 'Version of the connector.', group: COMMON, orderInGroup: 3, width: 'MEDIUM', displayName: 'Connector version' },
  { name: 'tasks.max', type: 'INT', defaultValue: '1', importance: 'HIGH', documentation: 'Maximum number of tasks to use for this connector.', group: COMMON, orderInGroup: 3, width: 'SHORT', displayName: 'Tasks max', validator: atLeast(1) },
  { name: 'tasks.max.enforce', type: 'BOOLEAN', defaultValue: 'true', importance: 'LOW', documentation: '(Deprecated) Whether to enforce that the tasks.max property is respected by the connector. By default, connectors that generate too many tasks will fail, and existing sets of tasks that exceed the tasks.max property will also be failed. If this property is set to false, then connectors will be allowed to generate more than the maximum number of tasks, and existing sets of tasks that exceed the tasks.max property will be allowed to run. This property is deprecated and will be removed in an upcoming major release.', group: COMMON, orderInGroup: 4, width: 'SHORT', displayName: 'Enforce tasks max' },
  { name: 'key.converter', type: 'CLASS', defaultValue: null, importance: 'LOW', documentation: 'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. This controls the format of the keys in messages written to or read from Kafka.', group: COMMON, orderInGroup: 5, width: 'SHORT', displayName: 'Key converter class', validator: converterValidator },
  builtInVersionKey('key.converter.plugin.version', 'Version of the key converter.', 'Key converter version'),
  { name: 'value.converter', type: 'CLASS', defaultValue: null, importance: 'LOW', documentation: 'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. This controls the format of the values in messages written to or read from Kafka.', group: COMMON, orderInGroup: 6, width: 'SHORT', displayName: 'Value converter class', validator: converterValidator },
  builtInVersionKey('value.converter.plugin.version', 'Version of the value converter.', 'Value converter version'),
  { name: 'header.converter', type: 'CLASS', defaultValue: null, importance: 'LOW', documentation: 'HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. Unset: org.apache.kafka.connect.storage.SimpleHeaderConverter; StringConverter, ByteArrayConverter and JsonConverter serve too.', group: COMMON, orderInGroup: 7, width: 'SHORT', displayName: 'Header converter class',
    validator: (v) => (v === null || v === '' || isHeaderConverter(v) ? undefined : `Class ${v} could not be found.`) },
  builtInVersionKey('header.converter.plugin.version', 'Version of the header converter.', 'Header converter version'),
  { name: 'config.action.reload', type: 'STRING', defaultValue: 'restart', importance: 'LOW', documentation: 'The action that Connect should take on the connector when changes in external configuration providers result in a change in the connector\'s configuration properties. A value of \'none\' indicates that Connect will do nothing. A value of \'restart\' indicates that Connect should restart/reload the connector with the updated configuration properties.The restart may actually be scheduled in the future if the external configuration provider indicates that a configuration value will expire in the future.', group: COMMON, orderInGroup: 8, width: 'MEDIUM', displayName: 'Reload Action', recommendedValues: ['none', 'restart'] },
  { name: 'topics', type: 'LIST', defaultValue: '', importance: 'HIGH', documentation: 'List of topics to consume, separated by commas', group: COMMON, orderInGroup: 4, width: 'LONG', displayName: 'Topics' },
  { name: 'topics.regex', type: 'STRING', defaultValue: '', importance: 'HIGH', documentation: 'Regular expression giving topics to consume. Under the hood, the regex is compiled to a RegExp. Only one of topics or topics.regex should be specified.', group: COMMON, orderInGroup: 4, width: 'LONG', displayName: 'Topics regex' },
  { name: 'transforms', type: 'LIST', defaultValue: '', importance: 'LOW', documentation: 'Aliases for the transformations to be applied to records.', group: TRANSFORMS, orderInGroup: 1, width: 'LONG', displayName: 'Transforms' },
  { name: 'predicates', type: 'LIST', defaultValue: '', importance: 'LOW', documentation: 'Aliases for the predicates used by transformations.', group: PREDICATES, orderInGroup: 1, width: 'LONG', displayName: 'Predicates' },
  { name: 'errors.retry.timeout', type: 'LONG', defaultValue: '0', importance: 'MEDIUM', documentation: 'The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.', group: ERRORS, orderInGroup: 1, width: 'MEDIUM', displayName: 'Retry Timeout for Errors', validator: atLeast(-1) },
  { name: 'errors.retry.delay.max.ms', type: 'LONG', defaultValue: '60000', importance: 'MEDIUM', documentation: 'The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once this limit is reached to prevent thundering herd issues.', group: ERRORS, orderInGroup: 2, width: 'MEDIUM', displayName: 'Maximum Delay Between Retries for Errors', validator: atLeast(1) },
  { name: 'errors.tolerance', type: 'STRING', defaultValue: 'none', importance: 'MEDIUM', documentation: 'Behavior for tolerating errors during connector operation. \'none\' is the default value and signals that any error will result in an immediate connector task failure; \'all\' changes the behavior to skip over problematic records.', group: ERRORS, orderInGroup: 3, width: 'SHORT', displayName: 'Error Tolerance', recommendedValues: ['none', 'all'] },
  { name: 'errors.log.enable', type: 'BOOLEAN', defaultValue: 'false', importance: 'MEDIUM', documentation: 'If true, write each error and the details of the failed operation and problematic record to the Connect application log. This is \'false\' by default, so that only errors that are not tolerated are reported.', group: ERRORS, orderInGroup: 4, width: 'SHORT', displayName: 'Log Errors' },
  { name: 'errors.log.include.messages', type: 'BOOLEAN', defaultValue: 'false', importance: 'MEDIUM', documentation: 'Whether to include in the log the Connect record that resulted in a failure. For sink records, the topic, partition, offset, and timestamp will be logged. This is \'false\' by default, which will prevent record keys, values, and headers from being written to log files.', group: ERRORS, orderInGroup: 5, width: 'SHORT', displayName: 'Log Error Details' },
  { name: 'errors.deadletterqueue.topic.name', type: 'STRING', defaultValue: '', importance: 'MEDIUM', documentation: 'The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed by this sink connector, or its transformations or converters. The topic name is blank by default, which means that no messages are to be recorded in the DLQ.', group: ERRORS, orderInGroup: 6, width: 'MEDIUM', displayName: 'Dead Letter Queue Topic Name' },
  { name: 'errors.deadletterqueue.topic.replication.factor', type: 'SHORT', defaultValue: '3', importance: 'MEDIUM', documentation: 'Replication factor used to create the dead letter queue topic when it doesn\'t already exist.', group: ERRORS, orderInGroup: 7, width: 'MEDIUM', displayName: 'Dead Letter Queue Topic Replication Factor', validator: (v) => (v !== null && Number(v) < 1 && Number(v) !== -1 ? 'Value must be at least 1 or -1 for the broker default' : undefined) },
  { name: 'errors.deadletterqueue.context.headers.enable', type: 'BOOLEAN', defaultValue: 'false', importance: 'MEDIUM', documentation: 'If true, add headers containing error context to the messages written to the dead letter queue. To avoid clashing with headers from the original record, all error context header keys, all error context header keys will start with __connect.errors.', group: ERRORS, orderInGroup: 8, width: 'MEDIUM', displayName: 'Enable Error Context Headers' },
];

const SINK_ONLY = new Set(['topics', 'topics.regex', 'errors.deadletterqueue.topic.name', 'errors.deadletterqueue.topic.replication.factor', 'errors.deadletterqueue.context.headers.enable']);
const TOPIC_CREATION = 'Topic Creation';
const EXACTLY_ONCE = 'Exactly Once Support';

/** The keys only source connectors have (Connect's `SourceConnectorConfig`, with topic creation enabled on the worker). */
export const SOURCE_CONNECTOR_CONFIG_DEF: readonly ConfigDefinitionKey[] = [
  { name: 'topic.creation.groups', type: 'LIST', defaultValue: '', importance: 'LOW', documentation: 'Groups of configurations for topics created by source connectors. Only the default group (topic.creation.default.*) is applied by this worker.', group: TOPIC_CREATION, orderInGroup: 1, width: 'LONG', displayName: 'Topic Creation Groups' },
  { name: 'topic.creation.default.replication.factor', type: 'SHORT', defaultValue: null, importance: 'LOW', documentation: 'Replication factor of the topics this connector\'s records go to when the worker creates them; -1 or unset: the broker\'s default.', group: TOPIC_CREATION, orderInGroup: 2, width: 'SHORT', displayName: 'Replication Factor for Topics in default', validator: (v) => (v !== null && v !== '' && Number(v) < 1 && Number(v) !== -1 ? 'Value must be at least 1 or -1 for the broker default' : undefined) },
  { name: 'topic.creation.default.partitions', type: 'INT', defaultValue: null, importance: 'LOW', documentation: 'Number of partitions of the topics this connector\'s records go to when the worker creates them; -1 or unset: the broker\'s default.', group: TOPIC_CREATION, orderInGroup: 3, width: 'SHORT', displayName: 'Partition Count for Topics in default', validator: (v) => (v !== null && v !== '' && Number(v) < 1 && Number(v) !== -1 ? 'Value must be at least 1 or -1 for the broker default' : undefined) },
  { name: 'exactly.once.support', type: 'STRING', defaultValue: 'requested', importance: 'MEDIUM', documentation: 'Permitted values are requested, required. If set to "required", forces a preflight check for the connector to ensure that it can provide exactly-once semantics with the given configuration. "required" needs the worker\'s exactly.once.source.support=enabled.', group: EXACTLY_ONCE, orderInGroup: 1, width: 'SHORT', displayName: 'Exactly once support', recommendedValues: ['requested', 'required'] },
  { name: 'transaction.boundary', type: 'STRING', defaultValue: 'poll', importance: 'MEDIUM', documentation: 'Permitted values are: poll, interval, connector. Only used with exactly-once source support; this worker commits per poll.', group: EXACTLY_ONCE, orderInGroup: 2, width: 'SHORT', displayName: 'Transaction Boundary', recommendedValues: ['poll', 'interval', 'connector'] },
  { name: 'transaction.boundary.interval.ms', type: 'LONG', defaultValue: null, importance: 'LOW', documentation: 'If \'transaction.boundary\' is set to \'interval\', determines the interval for producer transaction commits by connector tasks.', group: EXACTLY_ONCE, orderInGroup: 3, width: 'SHORT', displayName: 'Transaction boundary interval' },
  { name: 'offsets.storage.topic', type: 'STRING', defaultValue: null, importance: 'LOW', documentation: 'The name of a separate offsets topic to use for this connector. Not supported by this worker: offsets go to the worker\'s offset.storage.topic.', group: 'Offsets', orderInGroup: 1, width: 'LONG', displayName: 'Offsets topic' },
];

/** The framework keys of a sink or a source connector. */
export function frameworkConfigDef(type: 'sink' | 'source'): readonly ConfigDefinitionKey[] {
  return type === 'sink' ? CONNECTOR_CONFIG_DEF : [...CONNECTOR_CONFIG_DEF.filter((k) => !SINK_ONLY.has(k.name)), ...SOURCE_CONNECTOR_CONFIG_DEF];
}

export function aliasesOf(config: Readonly<Record<string, string>>, key: 'transforms' | 'predicates'): string[] {
  return (config[key] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * The keys the `transforms` and `predicates` aliases add, prefixed by alias, with each
 * plugin's own definitions when its type names a known plugin.
 */
export function enrichedKeys(config: Readonly<Record<string, string>>): ConfigDefinitionKey[] {
  const out: ConfigDefinitionKey[] = [];
  for (const alias of aliasesOf(config, 'transforms')) {
    const prefix = `transforms.${alias}.`;
    const group = `Transforms: ${alias}`;
    const type = config[`${prefix}type`];
    out.push(
      { name: `${prefix}type`, type: 'CLASS', importance: 'HIGH', documentation: 'Class for the \'' + alias + '\' transformation.', group, orderInGroup: 0, width: 'LONG', displayName: 'Transformation type for ' + alias,
        validator: (v) => (v === null || findTransformation(v) !== undefined ? undefined : `Class ${v} could not be found.`) },
      { name: `${prefix}negate`, type: 'BOOLEAN', defaultValue: 'false', importance: 'MEDIUM', documentation: 'Whether the configured predicate should be negated.', group, orderInGroup: 1, width: 'SHORT', displayName: 'Negate' },
      { name: `${prefix}predicate`, type: 'STRING', defaultValue: null, importance: 'MEDIUM', documentation: 'The alias of a predicate used to determine whether to apply this transformation.', group, orderInGroup: 2, width: 'MEDIUM', displayName: 'Predicate',
        validator: (v) => (v === null || v === '' || aliasesOf(config, 'predicates').includes(v) ? undefined : `Predicate ${v} is not defined in predicates.`) },
    );
    out.push(builtInVersionKey(`${prefix}plugin.version`, 'Version of the \'' + alias + '\' transformation.', 'Version of the \'' + alias + '\' transformation', group));
    const plugin = type === undefined ? undefined : findTransformation(type);
    for (const key of plugin?.configDef ?? []) out.push({ ...key, name: prefix + key.name, group });
  }
  for (const alias of aliasesOf(config, 'predicates')) {
    const prefix = `predicates.${alias}.`;
    const group = `Predicates: ${alias}`;
    const type = config[`${prefix}type`];
    out.push({ name: `${prefix}type`, type: 'CLASS', importance: 'HIGH', documentation: 'Class for the \'' + alias + '\' predicate.', group, orderInGroup: 0, width: 'LONG', displayName: 'Predicate type for ' + alias,
      validator: (v) => (v === null || findPredicate(v) !== undefined ? undefined : `Class ${v} could not be found.`) });
    out.push(builtInVersionKey(`${prefix}plugin.version`, 'Version of the \'' + alias + '\' predicate.', 'Version of the \'' + alias + '\' predicate', group));
    const plugin = type === undefined ? undefined : findPredicate(type);
    for (const key of plugin?.configDef ?? []) out.push({ ...key, name: prefix + key.name, group });
  }
  return out;
}

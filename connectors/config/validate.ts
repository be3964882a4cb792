/**
 * Connector config validation, reported as Connect reports it: every key of the worker
 * level and of the plugin's `configDef` (with transforms and predicates enriched by
 * alias) gets a `{definition, value}` entry; errors are Connect's messages, and POST /
 * PUT refuse a config with errors with Connect's 400 message that lists them.
 */

import type { ConfigDefinitionKey } from '../api/config-def.ts';
import type { SinkConnectorPlugin } from '../api/sink.ts';
import type { SourceConnectorPlugin } from '../api/source.ts';
import { hasReferences } from './config-transformer.ts';
import { enrichedKeys, frameworkConfigDef } from './connector-config-def.ts';

/** Connect's `ConfigKeyInfo` JSON. */
export interface ConfigKeyInfo {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly default_value: string | null;
  readonly importance: string;
  readonly documentation: string;
  readonly group: string | null;
  readonly order: number;
  readonly width: string;
  readonly display_name: string;
  readonly dependents: readonly string[];
}

export interface ConfigValueInfo {
  readonly name: string;
  readonly value: string | null;
  readonly recommended_values: readonly string[];
  readonly errors: string[];
  readonly visible: boolean;
}

export interface ConfigInfos {
  readonly name: string;
  readonly error_count: number;
  readonly groups: readonly string[];
  readonly configs: ReadonlyArray<{ readonly definition: ConfigKeyInfo; readonly value: ConfigValueInfo }>;
}

export function keyInfo(key: ConfigDefinitionKey): ConfigKeyInfo {
  return {
    name: key.name,
    type: key.type,
    required: key.defaultValue === undefined,
    default_value: key.defaultValue ?? null,
    importance: key.importance,
    documentation: key.documentation,
    group: key.group ?? null,
    order: key.orderInGroup ?? -1,
    width: key.width ?? 'NONE',
    display_name: key.displayName ?? key.name,
    dependents: key.dependents ?? [],
  };
}

function typeError(key: ConfigDefinitionKey, value: string): string | undefined {
  const v = value.trim();
  switch (key.type) {
    case 'INT': case 'SHORT': case 'LONG': {
      const limit = key.type === 'INT' ? 2 ** 31 : key.type === 'SHORT' ? 2 ** 15 : 2 ** 63;
      return /^[-+]?\d+$/.test(v) && Math.abs(Number(v)) <= limit ? undefined : `Not a number of type ${key.type}`;
    }
    case 'DOUBLE': return v !== '' && Number.isFinite(Number(v)) ? undefined : 'Not a number of type DOUBLE';
    case 'BOOLEAN': return /^(true|false)$/i.test(v) ? undefined : 'Expected value to be either true or false';
    default: return undefined;
  }
}

/**
 * How a config with provider references is shown: checks run on the resolved values, but
 * a key whose raw value holds a reference shows the reference, and every other message
 * goes through `redact`, so no resolved value reaches a REST answer.
 */
export interface ValidationView {
  readonly raw: Readonly<Record<string, string>>;
  readonly redact: (text: string) => string;
}

const PLAIN: ValidationView = { raw: {}, redact: (text) => text };

function checkKey(key: ConfigDefinitionKey, config: Readonly<Record<string, string>>, view: ValidationView): ConfigValueInfo {
  const given = config[key.name];
  const raw = given ?? key.defaultValue;
  const referenced = view.raw[key.name];
  const shown = hasReferences(referenced) ? referenced as string : raw;
  const errors: string[] = [];
  if (raw === undefined) errors.push(`Missing required configuration "${key.name}" which has no default value.`);
  else if (raw !== null) {
    const invalid = (message: string): void => void errors.push(view.redact(`Invalid value ${shown} for configuration ${key.name}: ${message}`));
    const typeProblem = typeError(key, raw);
    if (typeProblem !== undefined && !(raw === '' && given === undefined)) invalid(typeProblem);
    else {
      if (key.recommendedValues !== undefined && key.recommendedValues.length > 0 && !key.recommendedValues.includes(raw.trim())) invalid(`String must be one of: ${key.recommendedValues.join(', ')}`);
      const problem = key.validator?.(raw);
      if (problem !== undefined) invalid(problem);
    }
  } else {
    const problem = key.validator?.(null);
    if (problem !== undefined) errors.push(`Invalid value null for configuration ${key.name}: ${problem}`);
  }
  return {
    name: key.name,
    value: raw === undefined ? null : key.type === 'PASSWORD' && raw !== null ? '[hidden]' : shown ?? null,
    recommended_values: key.recommendedValues ?? [],
    errors,
    visible: true,
  };
}

/** Connect's `SinkConnectorConfig.validate`: exactly one of topics / topics.regex, and the DLQ topic not among the inputs. */
function sinkErrors(config: Readonly<Record<string, string>>): Record<string, string[]> {
  const topics = (config['topics'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  const regex = (config['topics.regex'] ?? '').trim();
  const out: Record<string, string[]> = {};
  const add = (key: string, message: string): void => void (out[key] ??= []).push(message);
  if (topics.length > 0 && regex !== '') {
    const message = 'topics and topics.regex are mutually exclusive options, but both are set.';
    add('topics', message);
    add('topics.regex', message);
  } else if (topics.length === 0 && regex === '') {
    const message = 'Must configure one of topics or topics.regex';
    add('topics', message);
    add('topics.regex', message);
  }
  if (regex !== '') {
    try {
      new RegExp(regex);
    } catch (error) {
      add('topics.regex', `Invalid value ${regex} for configuration topics.regex: ${(error as Error).message}`);
    }
  }
  const dlq = (config['errors.deadletterqueue.topic.name'] ?? '').trim();
  if (dlq !== '' && topics.includes(dlq)) {
    add('errors.deadletterqueue.topic.name', `The DLQ topic '${dlq}' may not be included in the list of topics ('topics=${topics.join(',')}') to be consumed.`);
  }
  return out;
}

/**
 * Validates a connector config against the worker-level keys and the plugin's.
 *
 * @example
 * ```ts
 * const infos = validateConnectorConfig({ name: 'orders-pg', 'connector.class': 'PostgresSinkConnector', topics: 'orders' }, plugin);
 * if (infos.error_count > 0) throw badRequest(invalidConfigMessage(infos));
 * ```
 */
export function validateConnectorConfig(config: Readonly<Record<string, string>>, plugin: SinkConnectorPlugin | SourceConnectorPlugin, view: ValidationView = PLAIN, worker: { readonly exactlyOnceSource?: boolean } = {}): ConfigInfos {
  const keys = [...frameworkConfigDef(plugin.type), ...enrichedKeys(config), ...plugin.configDef];
  const seen = new Set<string>();
  const configs: Array<{ definition: ConfigKeyInfo; value: ConfigValueInfo }> = [];
  for (const key of keys) {
    if (seen.has(key.name)) continue;
    seen.add(key.name);
    configs.push({ definition: keyInfo(key), value: checkKey(key, config, view) });
  }
  const extra: Readonly<Record<string, readonly string[]>> = { ...mergeErrors(mergeErrors(plugin.type === 'sink' ? sinkErrors(config) : exactlyOnceErrors(config, plugin, worker.exactlyOnceSource === true), versionErrors(config, plugin)), plugin.validate?.(config) ?? {}) };
  for (const [name, unredacted] of Object.entries(extra)) {
    const messages = unredacted.map(view.redact);
    const entry = configs.find((c) => c.value.name === name);
    if (entry !== undefined) entry.value.errors.push(...messages.filter((m) => !entry.value.errors.includes(m)));
    else configs.push({ definition: keyInfo({ name, type: 'STRING', defaultValue: null, importance: 'LOW', documentation: '' }), value: { name, value: hasReferences(view.raw[name]) ? view.raw[name] as string : config[name] === undefined ? null : view.redact(config[name]), recommended_values: [], errors: [...messages], visible: true } });
  }
  const groups = [...new Set(keys.map((k) => k.group).filter((g): g is string => g !== undefined))];
  return { name: plugin.className, error_count: configs.reduce((n, c) => n + c.value.errors.length, 0), groups, configs };
}

/**
 * KIP-618's preflight checks: `exactly.once.support=required` needs the worker's
 * exactly-once source support and a connector that declares it; this worker's
 * transactions follow polls only (`transaction.boundary=poll`).
 */
function exactlyOnceErrors(config: Readonly<Record<string, string>>, plugin: SourceConnectorPlugin, workerEnabled: boolean): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if ((config['exactly.once.support'] ?? 'requested').trim().toLowerCase() === 'required') {
    if (!workerEnabled) out['exactly.once.support'] = ['This worker does not have exactly-once source support enabled.'];
    else if (plugin.exactlyOnceSupport !== 'SUPPORTED') out['exactly.once.support'] = [`The connector does not implement the API required for preflight validation of exactly-once source support. Please consult the documentation for the connector to determine whether it supports exactly-once guarantees, and then consider reconfiguring the connector to use the value "requested" for this property (which will still permit the connector to be created, but without ensuring that it supports exactly-once guarantees).`];
  }
  const boundary = (config['transaction.boundary'] ?? 'poll').trim().toLowerCase();
  if (workerEnabled && boundary !== 'poll') out['transaction.boundary'] = [`This worker commits a transaction per poll only; transaction.boundary=${boundary} is not supported`];
  return out;
}

/** `connector.plugin.version` (KIP-891): unset, or the version of the installed plugin (one per class here). */
function versionErrors(config: Readonly<Record<string, string>>, plugin: SinkConnectorPlugin | SourceConnectorPlugin): Record<string, string[]> {
  const wanted = (config['connector.plugin.version'] ?? '').trim();
  if (wanted === '' || wanted === plugin.version) return {};
  return { 'connector.plugin.version': [`Version ${wanted} of ${plugin.className} is not installed; the installed version is ${plugin.version}`] };
}

function mergeErrors(a: Record<string, string[]>, b: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  const out: Record<string, string[]> = { ...a };
  for (const [key, list] of Object.entries(b)) out[key] = [...(out[key] ?? []), ...list];
  return out;
}

/** Connect's 400 message for a config with errors (`AbstractHerder.maybeAddConfigErrors`). */
export function invalidConfigMessage(infos: ConfigInfos): string {
  const lines = infos.configs.flatMap((c) => c.value.errors);
  return `Connector configuration is invalid and contains the following ${infos.error_count} error(s):\n${lines.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``;
}

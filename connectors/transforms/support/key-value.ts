/**
 * Connect defines most transforms twice, `$Key` and `$Value`, sharing one implementation
 * that reads and replaces either side of the record. `operand` gives that side; the
 * definitions helper registers both class names from one factory.
 *
 * @example
 * ```ts
 * export const hoistFieldPlugins = keyValuePlugins('HoistField', HOIST_FIELD_CONFIG, (side) => new HoistField(side));
 * ```
 */

import type { ConnectSchema, SinkRecord } from '../../api/connect-record.ts';
import type { ConfigDefinitionKey } from '../../api/config-def.ts';
import type { PluginDefinition, Predicate, Transformation } from '../../api/transformation.ts';

export type Side = 'key' | 'value';

export interface Operand {
  readonly schema: ConnectSchema | null;
  readonly value: unknown;
}

export function operand(record: SinkRecord, side: Side): Operand {
  return side === 'key' ? { schema: record.keySchema, value: record.key } : { schema: record.valueSchema, value: record.value };
}

/** A copy of the record with one side replaced; everything else (topic, offset, headers) kept. */
export function withOperand(record: SinkRecord, side: Side, schema: ConnectSchema | null, value: unknown): SinkRecord {
  return side === 'key' ? { ...record, keySchema: schema, key: value } : { ...record, valueSchema: schema, value };
}

const PACKAGE = 'org.apache.kafka.connect.transforms';

export function keyValuePlugins(simpleName: string, configDef: readonly ConfigDefinitionKey[], create: (side: Side) => Transformation): PluginDefinition<Transformation>[] {
  return (['Key', 'Value'] as const).map((suffix) => Object.freeze({
    className: `${PACKAGE}.${simpleName}$${suffix}`,
    aliases: Object.freeze([`${simpleName}$${suffix}`]),
    type: 'transformation' as const,
    configDef,
    create: () => create(suffix === 'Key' ? 'key' : 'value'),
  }));
}

export function transformPlugin(simpleName: string, configDef: readonly ConfigDefinitionKey[], create: () => Transformation): PluginDefinition<Transformation> {
  return Object.freeze({ className: `${PACKAGE}.${simpleName}`, aliases: Object.freeze([simpleName]), type: 'transformation' as const, configDef, create });
}

export function predicatePlugin(simpleName: string, configDef: readonly ConfigDefinitionKey[], create: () => Predicate): PluginDefinition<Predicate> {
  return Object.freeze({ className: `${PACKAGE}.predicates.${simpleName}`, aliases: Object.freeze([simpleName]), type: 'predicate' as const, configDef, create });
}

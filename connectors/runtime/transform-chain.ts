/**
 * The `transforms` chain of one task, as Connect's `TransformationChain`: each alias's
 * plugin configured from `transforms.<alias>.*`, gated by its predicate (`predicate`,
 * `negate`), applied in order; a transform that returns null drops the record.
 */

import { KstError } from '../../common/errors.ts';
import type { SinkRecord } from '../api/connect-record.ts';
import type { Predicate, Transformation } from '../api/transformation.ts';
import { aliasesOf } from '../config/connector-config-def.ts';
import { findPredicate, findTransformation } from '../plugins/plugin-registry.ts';

export interface TransformStage {
  readonly alias: string;
  readonly className: string;
  readonly transform: Transformation;
  readonly predicate: Predicate | undefined;
  readonly negate: boolean;
}

function subConfig(config: Readonly<Record<string, string>>, prefix: string, skip: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(prefix) && !skip.includes(key.slice(prefix.length))) out[key.slice(prefix.length)] = value;
  }
  return out;
}

/**
 * Builds the stages of a connector config (already validated).
 *
 * @example
 * ```ts
 * const stages = buildTransformChain({ transforms: 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter', ... });
 * const out = applyStage(stages[0], record);
 * ```
 */
export function buildTransformChain(config: Readonly<Record<string, string>>): TransformStage[] {
  const predicates = new Map<string, Predicate>();
  for (const alias of aliasesOf(config, 'predicates')) {
    const type = config[`predicates.${alias}.type`] ?? '';
    const plugin = findPredicate(type);
    if (plugin === undefined) throw new KstError('KST_CONNECT_PLUGIN_NOT_FOUND', `Class ${type} could not be found.`, { key: `predicates.${alias}.type` });
    const predicate = plugin.create();
    predicate.configure(subConfig(config, `predicates.${alias}.`, ['type']));
    predicates.set(alias, predicate);
  }
  return aliasesOf(config, 'transforms').map((alias) => {
    const prefix = `transforms.${alias}.`;
    const type = config[`${prefix}type`] ?? '';
    const plugin = findTransformation(type);
    if (plugin === undefined) throw new KstError('KST_CONNECT_PLUGIN_NOT_FOUND', `Class ${type} could not be found.`, { key: `${prefix}type` });
    const transform = plugin.create();
    transform.configure(subConfig(config, prefix, ['type', 'predicate', 'negate']));
    const predicateAlias = config[`${prefix}predicate`];
    return {
      alias,
      className: plugin.className,
      transform,
      predicate: predicateAlias === undefined || predicateAlias === '' ? undefined : predicates.get(predicateAlias),
      negate: (config[`${prefix}negate`] ?? 'false').toLowerCase() === 'true',
    };
  });
}

/** One stage on one record: skipped when the predicate (negated if asked) does not hold. */
export function applyStage(stage: TransformStage, record: SinkRecord): SinkRecord | null {
  if (stage.predicate !== undefined && stage.predicate.test(record) === stage.negate) return record;
  return stage.transform.apply(record);
}

export function closeChain(stages: readonly TransformStage[]): void {
  for (const stage of stages) stage.transform.close?.();
}

/**
 * What a `KafkaStreams` client runs: a `Topology` (anything with `plan()`), a compiled
 * `TopologyPlan`, or a module that builds one — `{ module, exportName }` — which is what
 * worker threads need, since a topology (functions, serdes) cannot be sent to a thread;
 * each worker imports the module and builds its own.
 *
 * @example
 * ```ts
 * new KafkaStreams({ module: new URL('./word-count.ts', import.meta.url), exportName: 'buildTopology' }, config);
 * ```
 */

import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KstError } from '../../common/errors.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import type { TopologyModule } from './worker-messages.ts';

/** A module exporting a function that returns a Topology or plan (or the Topology itself); `default` export unless named. */
export interface TopologyModuleSpec {
  readonly module: string | URL;
  readonly exportName?: string;
}

export type TopologySource = TopologyPlan | { plan(): TopologyPlan } | TopologyModuleSpec;

export function isPlan(value: unknown): value is TopologyPlan {
  return typeof value === 'object' && value !== null && Array.isArray((value as Partial<TopologyPlan>).subtopologies);
}

export function isModuleSpec(value: unknown): value is TopologyModuleSpec {
  if (typeof value !== 'object' || value === null || !('module' in value)) return false;
  const module = (value as { module: unknown }).module;
  return typeof module === 'string' || module instanceof URL;
}

/** The plan of a topology given directly; undefined for a module (see `loadTopologyModule`). */
export function planOf(source: unknown): TopologyPlan | undefined {
  if (isModuleSpec(source)) return undefined;
  if (isPlan(source)) return source;
  if (typeof source === 'object' && source !== null && typeof (source as { plan?: unknown }).plan === 'function') {
    const plan = (source as { plan(): unknown }).plan();
    if (isPlan(plan)) return plan;
  }
  throw new KstError('KST_CONFIG_INVALID', 'KafkaStreams needs a Topology (builder.build()), a TopologyPlan, or { module, exportName } naming a module that builds one', { key: 'topology' });
}

/** A module spec with its module as a file URL string, as workers receive it. */
export function normalizeModule(spec: TopologyModuleSpec): TopologyModule {
  const module = spec.module instanceof URL ? spec.module.href
    : spec.module.startsWith('file:') ? spec.module
    : pathToFileURL(isAbsolute(spec.module) ? spec.module : resolve(spec.module)).href;
  return { module, exportName: spec.exportName ?? 'default' };
}

/** Imports the module and builds its topology (the export is called when it is a function). */
export async function loadTopologyModule(spec: TopologyModule): Promise<TopologyPlan> {
  let exports: Record<string, unknown>;
  try {
    exports = (await import(spec.module)) as Record<string, unknown>;
  } catch (error) {
    throw new KstError('KST_CONFIG_INVALID', `cannot import topology module ${spec.module}: ${(error as Error).message}`, { key: 'topology.module', value: spec.module }, { cause: error });
  }
  const exported = exports[spec.exportName];
  if (exported === undefined) {
    throw new KstError('KST_CONFIG_INVALID', `topology module ${spec.module} has no export "${spec.exportName}" (exports: ${Object.keys(exports).join(', ') || 'none'})`, { key: 'topology.exportName', value: spec.exportName });
  }
  const built: unknown = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  const plan = planOf(built);
  if (plan === undefined) throw new KstError('KST_CONFIG_INVALID', `the export "${spec.exportName}" of ${spec.module} must build a Topology, not a module spec`, { key: 'topology.exportName' });
  return plan;
}

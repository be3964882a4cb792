/**
 * What a `TopologyTestDriver` accepts: the compiled plan itself, or any object that
 * produces it (`topology.plan()`, `builder.build()`, possibly one inside the other), and
 * its options.
 */

import { KstError } from '../../common/errors.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import type { DeserializationExceptionHandler, ProcessingExceptionHandler } from '../runtime/exception-handlers.ts';

/** A compiled plan, or an object with a `plan()` or `build()` method that leads to one. */
export type TopologySource = TopologyPlan | { plan(): TopologySource } | { build(): TopologySource };

/**
 * @example
 * ```ts
 * new TopologyTestDriver(topology, { applicationId: 'orders', initialWallClockTimeMs: 0, processingExceptionHandler: continueOnError });
 * ```
 */
export interface TopologyTestDriverConfig {
  /** Prefix of internal topics (`<applicationId>-<name>`); `topology-test-driver` by default. */
  readonly applicationId?: string;
  /** Start of the driver's wall clock; `Date.now()` by default, as Kafka's driver. */
  readonly initialWallClockTimeMs?: number;
  /** Where persistent stores live; a temporary folder, removed on close, by default. */
  readonly stateDir?: string;
  /** `failOnError` by default. */
  readonly deserializationExceptionHandler?: DeserializationExceptionHandler;
  /** `failOnError` by default. */
  readonly processingExceptionHandler?: ProcessingExceptionHandler;
  /** Commit (flush stores and caches) after every record, as Kafka's driver; true by default. */
  readonly commitEveryRecord?: boolean;
}

function isPlan(value: unknown): value is TopologyPlan {
  return typeof value === 'object' && value !== null && Array.isArray((value as Partial<TopologyPlan>).subtopologies);
}

/**
 * Follows `plan()` / `build()` until it reaches a plan.
 *
 * @example
 * ```ts
 * const plan = resolvePlan(builder); // builder.build().plan()
 * ```
 */
export function resolvePlan(source: TopologySource): TopologyPlan {
  let current: unknown = source;
  for (let depth = 0; depth < 4; depth++) {
    if (isPlan(current)) return current;
    const candidate = current as { plan?: unknown; build?: unknown } | null;
    if (candidate !== null && typeof candidate === 'object' && typeof candidate.plan === 'function') current = (candidate.plan as () => unknown).call(candidate);
    else if (candidate !== null && typeof candidate === 'object' && typeof candidate.build === 'function') current = (candidate.build as () => unknown).call(candidate);
    else break;
  }
  throw new KstError('KST_CONFIG_INVALID', 'a TopologyTestDriver needs a compiled TopologyPlan, or an object whose plan() or build() returns one', {});
}

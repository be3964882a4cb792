/**
 * `Topology`: what `StreamsBuilder.build()` returns, as Kafka Streams' `Topology`. It
 * holds the compiled plan, which the runtime and the `TopologyTestDriver` run, and
 * describes it in Kafka Streams' text format.
 *
 * @example
 * ```ts
 * const topology = builder.build();
 * console.log(topology.describe().toString());
 * const driver = new TopologyTestDriver(topology);
 * ```
 */

import type { TopologyPlan } from '../plan/topology-plan.ts';
import { describePlan, type TopologyDescription } from '../compiler/describe.ts';

export class Topology {
  readonly #plan: TopologyPlan;
  #description: TopologyDescription | undefined;

  constructor(plan: TopologyPlan) {
    this.#plan = plan;
  }

  /** The compiled plan: sub-topologies, stores, internal topics and co-partition groups. */
  plan(): TopologyPlan {
    return this.#plan;
  }

  describe(): TopologyDescription {
    this.#description ??= describePlan(this.#plan);
    return this.#description;
  }
}

/**
 * How long the order saga's steps take: a histogram of the time between two statuses of
 * an order (PENDING → RESERVED is inventory's step, RESERVED → PAID payment's, PAID →
 * SHIPPED and SHIPPED → COMPLETED shipping's, and the failure paths), by `from` and `to`,
 * measured from the order's own history (the times the order service recorded), so
 * replays after a failover count a transition again but never measure it wrongly. Each
 * transition is also logged at debug level with its `orderId`.
 *
 * The histogram registers in no registry of its own: the service adds it to its streams
 * client's registry, so one `/metrics` serves the engine's and the saga's metrics.
 *
 * @example
 * ```ts
 * const saga = new SagaMetrics(log);
 * const topology = buildOrderTopology({ ..., onTransition: saga.observer });
 * streams.metricsRegistry.registerMetric(saga.histogram);
 * ```
 */

import { Histogram } from 'prom-client';
import type { Logger } from '../../../common/logger.ts';
import type { OrderView } from '../contracts/views.ts';

/** Seconds: a step is milliseconds when every service keeps up, up to the order deadline (60 s) when one stalls. */
const STEP_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export const SAGA_STEP_METRIC = 'ecommerce_saga_step_duration_seconds';

/** One status change of an order, as the order service applied it. */
export interface OrderTransitionEvent {
  readonly before: OrderView;
  readonly after: OrderView;
}

export class SagaMetrics {
  readonly histogram: Histogram<'from' | 'to'>;
  /** Pass as the order topology's `onTransition`. */
  readonly observer: (transition: OrderTransitionEvent) => void;

  constructor(logger?: Logger) {
    this.histogram = new Histogram({
      name: SAGA_STEP_METRIC,
      help: 'Time an order spent in one status before the next (PENDING→RESERVED: inventory, RESERVED→PAID: payment, …), by from and to.',
      labelNames: ['from', 'to'],
      buckets: STEP_BUCKETS,
      registers: [],
    });
    this.observer = ({ before, after }) => {
      const entered = before.history.at(-1)?.atMs ?? before.updatedAtMs;
      const left = after.history.at(-1)?.atMs ?? after.updatedAtMs;
      const seconds = Math.max(0, left - entered) / 1000;
      this.histogram.observe({ from: before.status, to: after.status }, seconds);
      logger?.debug(`order ${before.status} → ${after.status} after ${Math.round(seconds * 1000)} ms`, { orderId: after.orderId, from: before.status, to: after.status });
    };
  }
}

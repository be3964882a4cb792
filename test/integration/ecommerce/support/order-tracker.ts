/**
 * Follows `orders.events` live, read_committed (what the saga really decided, never a
 * transaction a crash aborted), keeping each order's transitions and the commands it
 * refused, and telling a listener about every event as it comes, so the test can react
 * to a state (cancel an order once it is RESERVED, PAID, SHIPPED). A poll that fails for a
 * reason a retry can fix (the broker is away) is tried again, for up to 2 minutes in a row.
 */

import { isKstError } from '../../../../common/errors.ts';
import { KafkaConsumer, allMembersRangeAssignor, kafkaConsumerConfig, type KafkaClientConfig } from '../../../../processors/kafka/index.ts';
import { isOrderTransition, type OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import { FinalOrderStatuses } from '../../../../topologies/ecommerce/contracts/views.ts';
import type { EcommerceSerdes } from '../../../../topologies/ecommerce/serdes.ts';
import { uniqueName } from '../../../support/names.ts';

export class OrderTracker {
  /** Every event read, in the order read. */
  readonly events: OrderEvent[] = [];
  /** Transitions (not `OrderCommandRejected`) per order, in order. */
  readonly transitions = new Map<string, OrderEvent[]>();
  /** `OrderCommandRejected` events per order. */
  readonly refusals = new Map<string, OrderEvent[]>();
  readonly #consumer: KafkaConsumer;
  readonly #serdes: EcommerceSerdes;
  readonly #topic: string;
  readonly #onEvent: (event: OrderEvent) => void;
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();
  #failure: unknown = null;

  constructor(client: KafkaClientConfig, topic: string, serdes: EcommerceSerdes, onEvent: (event: OrderEvent) => void) {
    this.#topic = topic;
    this.#serdes = serdes;
    this.#onEvent = onEvent;
    this.#consumer = new KafkaConsumer(client, kafkaConsumerConfig.parse({
      'group.id': uniqueName('e2e-order-tracker'),
      'auto.offset.reset': 'earliest',
      'isolation.level': 'read_committed',
      'fetch.max.wait.ms': 50,
      'session.timeout.ms': 30_000,
      'heartbeat.interval.ms': 1_000,
    }), { assignor: allMembersRangeAssignor(() => Buffer.alloc(0)) });
  }

  start(): void {
    this.#consumer.subscribe([this.#topic]);
    this.#loop = this.#run();
  }

  /** The order's latest status, if it has one. */
  status(orderId: string): OrderEvent['status'] | undefined {
    return this.transitions.get(orderId)?.at(-1)?.status;
  }

  /** How many of `orderIds` are in a final status. */
  finalCount(orderIds: readonly string[]): number {
    return orderIds.filter((id) => {
      const status = this.status(id);
      return status !== undefined && FinalOrderStatuses.has(status);
    }).length;
  }

  /** Rethrows what stopped the reading loop, if anything did. */
  check(): void {
    if (this.#failure !== null) throw this.#failure;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    await this.#consumer.close();
  }

  async #run(): Promise<void> {
    let failingSince: number | undefined;
    try {
      while (!this.#stopped) {
        let batch;
        try {
          batch = await this.#consumer.poll();
          failingSince = undefined;
        } catch (error) {
          failingSince ??= Date.now();
          if (!isKstError(error) || error.recovery !== 'retry' || Date.now() - failingSince > 120_000) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
          continue;
        }
        if (batch.records.length === 0) continue;
        await this.#serdes.orderEvent.prepare(this.#topic, batch.records.map((r) => r.value));
        for (const record of batch.records) {
          const event = this.#serdes.orderEvent.deserialize(this.#topic, record.value);
          if (event === null) continue;
          this.events.push(event);
          // A cancel request is neither: the order's answer to it is a transition or a refusal.
          const into = event.type === 'OrderCommandRejected' ? this.refusals : isOrderTransition(event) ? this.transitions : undefined;
          if (into !== undefined) into.set(event.orderId, [...(into.get(event.orderId) ?? []), event]);
          this.#onEvent(event);
        }
      }
    } catch (error) {
      this.#failure = error;
    }
  }
}

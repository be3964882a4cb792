/**
 * CreateOrder commands for one order each, sent to the order service at a steady rate, and
 * a watch on its events for the first `OrderCreated` of a command sent after a given time:
 * how the restart benchmarks see when the order service works again after a kill.
 *
 * @example
 * ```ts
 * const pacer = OrderPacer.start(kafka, 20);
 * pacer.watch(Date.now());          // e.g. at a SIGKILL
 * ...                               // later: pacer.createdAt() is the wall-clock ms it arrived, once it did
 * await pacer.close();
 * ```
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { CreateOrder } from '../../topologies/ecommerce/contracts/commands.ts';
import type { BenchKafka, TopicReader } from './kafka-io.ts';

export class OrderPacer {
  readonly #sentAt = new Map<string, number>();
  #watch: { readonly since: number; at?: number } | undefined;
  #sending = true;
  readonly #reader: TopicReader;
  readonly #sender: Promise<void>;

  private constructor(kafka: BenchKafka, perSecond: number) {
    this.#reader = kafka.read(kafka.topics.orderEvents, kafka.serdes.orderEvent, (orderId, event, arrivedAtMs) => {
      const watch = this.#watch;
      if (event.type !== 'OrderCreated' || watch === undefined || watch.at !== undefined) return;
      if ((this.#sentAt.get(orderId) ?? 0) > watch.since) watch.at = arrivedAtMs;
    });
    this.#sender = this.#send(kafka, perSecond);
  }

  static start(kafka: BenchKafka, perSecond: number): OrderPacer {
    return new OrderPacer(kafka, perSecond);
  }

  /** From now on, waits for the first OrderCreated of a command sent after `sinceMs` (wall clock). */
  watch(sinceMs: number): void {
    this.#watch = { since: sinceMs };
  }

  /** When (wall-clock ms) the watched OrderCreated arrived, or undefined until it has. */
  createdAt(): number | undefined {
    return this.#watch?.at;
  }

  async close(): Promise<void> {
    this.#sending = false;
    await this.#sender;
    await this.#reader.close();
  }

  async #send(kafka: BenchKafka, perSecond: number): Promise<void> {
    let sequence = 0;
    while (this.#sending) {
      const orderId = `o-${sequence++}`;
      const command: CreateOrder = { type: 'CreateOrder', commandId: `${orderId}-c`, issuedAtMs: Date.now(), orderId, customerId: 'c-1', items: [{ productId: 'p-1', quantity: 1, unitPriceCents: 100 }] };
      this.#sentAt.set(orderId, Date.now());
      await kafka.send(kafka.topics.orderCommands, kafka.serdes.orderCommand, [[orderId, command]]);
      await sleep(1_000 / perSecond);
    }
  }
}

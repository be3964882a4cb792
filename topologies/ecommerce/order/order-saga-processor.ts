/**
 * The order service's one stateful processor: it applies every input of an order (its
 * commands and the answers of inventory, payment and shipping, all keyed by orderId) with
 * `decide`, keeps the view in `orders`, the saga's bookkeeping in `order-sagas`, and an
 * index of step deadlines in `order-deadlines` (keys sort by time), which a wall-clock
 * punctuator scans to expire orders whose step did not answer in time.
 *
 * @example
 * ```ts
 * stream.process(orderSagaProcessor({ defaultDeadlineMs: 30_000, checkIntervalMs: 1_000 }), Named.as('order-saga'), ...ORDER_SAGA_STORES);
 * ```
 */

import { PunctuationType, type ProcessorContext, type ProcessorSupplier } from '../../../processors/api/processor.ts';
import { streamRecord, type Headers, type StreamRecord } from '../../../processors/api/record.ts';
import { traceContextOf, traceHeaders } from '../shared/trace-context.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import type { OrderEvent } from '../contracts/events.ts';
import { Stores } from '../contracts/stores.ts';
import type { OrderView } from '../contracts/views.ts';
import { idOfTimeKey, rangeOf, timeKey } from '../shared/service-options.ts';
import { decide, type Decision, type OrderInput, type SagaState } from './order-rules.ts';

export const SAGA_STORE = 'order-sagas';
export const DEADLINE_STORE = 'order-deadlines';
export const ORDER_SAGA_STORES = [Stores.orders, SAGA_STORE, DEADLINE_STORE] as const;

export interface OrderSagaSettings {
  /** How long a step may take when the order does not say. */
  readonly defaultDeadlineMs: number;
  /** How often the deadline index is scanned (wall clock). */
  readonly checkIntervalMs: number;
  /** Told of every status change of an order (metrics and logs of the saga's steps). */
  readonly onTransition?: (transition: { readonly before: OrderView; readonly after: OrderView }) => void;
}

class OrderSagaProcessor {
  readonly #settings: OrderSagaSettings;
  #context!: ProcessorContext<string, OrderEvent>;
  #orders!: KeyValueStore<string, OrderView>;
  #sagas!: KeyValueStore<string, SagaState>;
  #deadlines!: KeyValueStore<string, string>;

  constructor(settings: OrderSagaSettings) {
    this.#settings = settings;
  }

  init(context: ProcessorContext<string, OrderEvent>): void {
    this.#context = context;
    this.#orders = context.getStateStore(Stores.orders);
    this.#sagas = context.getStateStore(SAGA_STORE);
    this.#deadlines = context.getStateStore(DEADLINE_STORE);
    context.schedule(this.#settings.checkIntervalMs, PunctuationType.WALL_CLOCK_TIME, (nowMs) => this.#expireDue(nowMs));
  }

  async process(record: StreamRecord<string, OrderInput>): Promise<void> {
    const orderId = record.key;
    if (typeof orderId !== 'string' || orderId === '' || record.value === null) return;
    await this.#apply(orderId, record.value, this.#context.currentSystemTimeMs(), record.timestamp, record.headers);
  }

  /** `headers` are the input record's, forwarded with the events it leads to (its trace context among them). */
  async #apply(orderId: string, input: OrderInput, nowMs: number, timestamp: number, headers: Headers): Promise<void> {
    const view = await this.#orders.get(orderId);
    const saga = await this.#sagas.get(orderId);
    const decision = decide(view, saga, input, { nowMs, defaultDeadlineMs: this.#settings.defaultDeadlineMs });
    await this.#store(orderId, saga, decision, headers);
    if (view !== undefined && decision.view !== undefined && decision.view.status !== view.status) this.#settings.onTransition?.({ before: view, after: decision.view });
    for (const event of decision.events) await this.#context.forward(streamRecord(orderId, event, timestamp, headers));
  }

  async #store(orderId: string, before: SagaState | undefined, decision: Decision, headers: Headers): Promise<void> {
    if (decision.events.length === 0 && decision.saga === before) return;
    if (decision.view !== undefined) this.#orders.put(orderId, decision.view);
    // A new saga keeps its creating command's trace context (later states copy it along).
    const trace = before === undefined ? traceContextOf(headers) : undefined;
    if (decision.saga !== undefined) this.#sagas.put(orderId, trace === undefined ? decision.saga : { ...decision.saga, trace });
    const oldDeadline = before?.deadlineAtMs;
    const newDeadline = decision.saga?.deadlineAtMs;
    if (oldDeadline === newDeadline) return;
    if (oldDeadline !== undefined) await this.#deadlines.delete(timeKey(oldDeadline, orderId));
    if (newDeadline !== undefined) this.#deadlines.put(timeKey(newDeadline, orderId), orderId);
  }

  async #expireDue(nowMs: number): Promise<void> {
    const due = await rangeOf(this.#deadlines, timeKey(0, ''), timeKey(nowMs, '\uffff'));
    for (const { key } of due) {
      const orderId = idOfTimeKey(key);
      const deadlineAtMs = Number(key.slice(0, key.indexOf('|')));
      await this.#deadlines.delete(key);
      // The failed step's events continue the order's trace.
      const headers = traceHeaders((await this.#sagas.get(orderId))?.trace);
      await this.#apply(orderId, { kind: 'deadline', deadlineAtMs }, nowMs, nowMs, headers);
    }
  }
}

/** One processor per task, as the Processor API wants. */
export function orderSagaProcessor(settings: OrderSagaSettings): ProcessorSupplier<string, OrderInput, string, OrderEvent> {
  return () => new OrderSagaProcessor(settings);
}

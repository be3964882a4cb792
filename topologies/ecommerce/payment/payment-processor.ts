/**
 * The payment service's stateful processor, keyed by customerId: it applies the customer
 * service's events to the balances (`customers`), charges orders when they are reserved
 * and refunds them when they fail or are cancelled afterwards.
 *
 * The amount charged is the order's reserved total: the sum of the catalog prices inventory
 * reserved its items at (never a price the customer sent). A charge is refused, in this
 * order, for: an order whose items are not all priced or whose total is not their sum
 * (`order not priced by the catalog`), too many orders of the customer within the velocity
 * window (`fraud: velocity`), a fraud score at the threshold (`fraud: score`), an unknown
 * customer, or an insufficient balance. Each order has one payment record whose
 * status only moves forward (CAPTURED → REFUNDED, or DECLINED / CLOSED), and customer
 * events carry a per-customer sequence, so replays and duplicates change nothing.
 *
 * @example
 * ```ts
 * merged.process(paymentProcessor({ velocityWindowMs: 60_000, velocityMaxOrders: 5 }), Named.as('payment'), ...PAYMENT_STORES);
 * ```
 */

import { pricedTotal } from '../contracts/commands.ts';
import type { ProcessorContext, ProcessorSupplier } from '../../../processors/api/processor.ts';
import { streamRecord, type StreamRecord } from '../../../processors/api/record.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import type { CustomerEvent, OrderEvent, PaymentEvent, PaymentEventType } from '../contracts/events.ts';
import { Stores } from '../contracts/stores.ts';
import type { CustomerView } from '../contracts/views.ts';
import { FRAUD_THRESHOLD } from './fraud-score.ts';

export const PAYMENT_STORE = 'payments';
export const VELOCITY_STORE = 'payment-velocity';
export const LEDGER_STORE = 'customer-ledgers';
export const PAYMENT_STORES = [Stores.customers, PAYMENT_STORE, VELOCITY_STORE, LEDGER_STORE] as const;

export type PaymentInput =
  | { readonly kind: 'order'; readonly event: OrderEvent; readonly fraudScore?: number }
  | { readonly kind: 'customer'; readonly event: CustomerEvent };

interface Payment {
  readonly status: 'CAPTURED' | 'REFUNDED' | 'DECLINED' | 'CLOSED';
  readonly amountCents: number;
}

export interface PaymentSettings {
  /** The sliding window of the velocity rule. */
  readonly velocityWindowMs: number;
  /** Orders a customer may place within the window; the next one is refused. */
  readonly velocityMaxOrders: number;
}

/** The input record an output answers: its timestamp and headers (the trace context) go on. */
type Origin = StreamRecord<string, unknown>;

class PaymentProcessor {
  readonly #settings: PaymentSettings;
  #context!: ProcessorContext<string, PaymentEvent>;
  #customers!: KeyValueStore<string, CustomerView>;
  #payments!: KeyValueStore<string, Payment>;
  #velocity!: KeyValueStore<string, number[]>;
  #ledgers!: KeyValueStore<string, number>;

  constructor(settings: PaymentSettings) {
    this.#settings = settings;
  }

  init(context: ProcessorContext<string, PaymentEvent>): void {
    this.#context = context;
    this.#customers = context.getStateStore(Stores.customers);
    this.#payments = context.getStateStore(PAYMENT_STORE);
    this.#velocity = context.getStateStore(VELOCITY_STORE);
    this.#ledgers = context.getStateStore(LEDGER_STORE);
  }

  async process(record: StreamRecord<string, PaymentInput>): Promise<void> {
    const input = record.value;
    if (input.kind === 'customer') return this.#applyCustomer(input.event);
    if (input.event.type === 'OrderReserved') return this.#charge(input.event, input.fraudScore ?? 0, record);
    return this.#refund(input.event, record);
  }

  async #applyCustomer(event: CustomerEvent): Promise<void> {
    const last = (await this.#ledgers.get(event.customerId)) ?? 0;
    if (event.sequence <= last) return;
    this.#ledgers.put(event.customerId, event.sequence);
    const current = await this.#customers.get(event.customerId);
    if (event.type === 'CustomerCreated' && current === undefined) {
      this.#customers.put(event.customerId, {
        customerId: event.customerId, name: event.name ?? '', email: event.email ?? '', balanceCents: 0, depositedCents: 0, updatedAtMs: event.atMs,
      });
    } else if (event.type === 'Deposited' && current !== undefined) {
      const amount = event.amountCents ?? 0;
      this.#customers.put(event.customerId, { ...current, balanceCents: current.balanceCents + amount, depositedCents: current.depositedCents + amount, updatedAtMs: event.atMs });
    }
  }

  async #charge(order: OrderEvent, fraudScore: number, origin: Origin): Promise<void> {
    if ((await this.#payments.get(order.orderId)) !== undefined) return;
    const customer = await this.#customers.get(order.customerId);
    const recent = ((await this.#velocity.get(order.customerId)) ?? []).filter((atMs) => atMs > order.atMs - this.#settings.velocityWindowMs);
    this.#velocity.put(order.customerId, [...recent, order.atMs]);
    const reason = pricedTotal(order.items) !== order.totalCents || order.items.length === 0 ? 'order not priced by the catalog'
      : recent.length >= this.#settings.velocityMaxOrders ? `fraud: velocity, more than ${this.#settings.velocityMaxOrders} orders in ${this.#settings.velocityWindowMs} ms`
      : fraudScore >= FRAUD_THRESHOLD ? `fraud: score ${fraudScore}`
      : customer === undefined ? 'unknown customer'
      : customer.balanceCents < order.totalCents ? 'insufficient balance'
      : undefined;
    if (reason !== undefined || customer === undefined) {
      this.#payments.put(order.orderId, { status: 'DECLINED', amountCents: order.totalCents });
      return this.#emit('PaymentDeclined', order, origin, reason, fraudScore);
    }
    this.#payments.put(order.orderId, { status: 'CAPTURED', amountCents: order.totalCents });
    this.#customers.put(customer.customerId, { ...customer, balanceCents: customer.balanceCents - order.totalCents, updatedAtMs: order.atMs });
    return this.#emit('PaymentCaptured', order, origin, undefined, fraudScore);
  }

  async #refund(order: OrderEvent, origin: Origin): Promise<void> {
    const payment = await this.#payments.get(order.orderId);
    if (payment === undefined) {
      // The order failed before it was charged: a charge request still on its way must find it closed.
      this.#payments.put(order.orderId, { status: 'CLOSED', amountCents: 0 });
      return;
    }
    if (payment.status !== 'CAPTURED') return;
    const customer = await this.#customers.get(order.customerId);
    if (customer === undefined) return;
    this.#payments.put(order.orderId, { status: 'REFUNDED', amountCents: payment.amountCents });
    this.#customers.put(customer.customerId, { ...customer, balanceCents: customer.balanceCents + payment.amountCents, updatedAtMs: order.atMs });
    return this.#emit('PaymentRefunded', { ...order, totalCents: payment.amountCents }, origin, order.reason);
  }

  #emit(type: PaymentEventType, order: OrderEvent, origin: Origin, reason?: string, fraudScore?: number): Promise<void> | void {
    const suffix = type === 'PaymentCaptured' ? 'captured' : type === 'PaymentDeclined' ? 'declined' : 'refunded';
    const event: PaymentEvent = {
      type, eventId: `${order.orderId}:${suffix}`, orderId: order.orderId, customerId: order.customerId, amountCents: order.totalCents, atMs: order.atMs,
      ...(reason === undefined ? {} : { reason }),
      ...(fraudScore === undefined ? {} : { fraudScore }),
    };
    return this.#context.forward(streamRecord(order.orderId, event, origin.timestamp, origin.headers));
  }
}

export function paymentProcessor(settings: PaymentSettings): ProcessorSupplier<string, PaymentInput, string, PaymentEvent> {
  return () => new PaymentProcessor(settings);
}

/**
 * The payment service. Order events that concern payments (reserved: charge; cancelled or
 * expired: refund) are scored for fraud first — in batches, on the injected scorer (a
 * piscina pool in production), results forwarded in input order — then re-keyed by
 * customer (a repartition topic) to meet `customers.events` in the payment processor,
 * which owns the balances. Payment events go to `payments.events`, keyed by orderId.
 *
 * The scorer sits before the repartition on purpose: its sub-topology holds no other
 * store, so what its commit-time drain forwards lands in the repartition topic within the
 * same transaction (see `ordered-batch-processor.ts`).
 *
 * Stores: `customers` (customerId → CustomerView), internal `payments`,
 * `payment-velocity`, `customer-ledgers`.
 *
 * @example
 * ```ts
 * const topology = buildPaymentTopology({ topics: prefixedTopics(''), serdes, scorer: inlineFraudScorer({ iterations: 100, maxAmountCents: 1_000_000 }) });
 * ```
 */

import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Consumed, Named, Produced, Repartitioned, StreamsBuilder, type KStream, type Topology } from '../../../processors/dsl/index.ts';
import type { OrderEvent } from '../contracts/events.ts';
import { Stores } from '../contracts/stores.ts';
import type { CustomerView } from '../contracts/views.ts';
import { batchFlushStore, orderedBatchProcessor } from '../shared/ordered-batch-processor.ts';
import { jsonStore, type ServiceOptions } from '../shared/service-options.ts';
import type { FraudScorer } from './fraud-scorer.ts';
import { LEDGER_STORE, PAYMENT_STORE, PAYMENT_STORES, VELOCITY_STORE, paymentProcessor, type PaymentInput } from './payment-processor.ts';

export const FRAUD_BATCH_STORE = 'fraud-batch';

export interface PaymentTopologyOptions extends ServiceOptions {
  readonly scorer: FraudScorer;
  /** Orders scored together at most; 64 by default. */
  readonly fraudBatchSize?: number;
  /** 60 s by default. */
  readonly velocityWindowMs?: number;
  /** 5 by default. */
  readonly velocityMaxOrders?: number;
}

const PAYMENT_ORDER_EVENTS = new Set(['OrderReserved', 'OrderCancelled', 'OrderExpired']);

export function buildPaymentTopology(options: PaymentTopologyOptions): Topology {
  const { topics, serdes, scorer } = options;
  const kind = options.storeKind ?? 'persistent';
  const key = serdes.key;
  const builder = new StreamsBuilder();
  builder.addStateStore(batchFlushStore(FRAUD_BATCH_STORE));
  builder.addStateStore(jsonStore<CustomerView>(Stores.customers, kind));
  builder.addStateStore(jsonStore<unknown>(PAYMENT_STORE, kind));
  builder.addStateStore(jsonStore<number[]>(VELOCITY_STORE, kind));
  builder.addStateStore(jsonStore<number>(LEDGER_STORE, kind));

  const orders: KStream<string, PaymentInput> = builder
    .stream(topics.orderEvents, Consumed.with(key, serdes.orderEvent))
    .filter((_orderId, event) => PAYMENT_ORDER_EVENTS.has(event.type), Named.as('payment-order-events'))
    .process(
      orderedBatchProcessor<string, OrderEvent, number, PaymentInput>({
        storeName: FRAUD_BATCH_STORE,
        maxBatch: options.fraudBatchSize ?? 64,
        select: (event) => event.type === 'OrderReserved',
        compute: (events) => scorer.score(events.map((event) => ({ orderId: event.orderId, customerId: event.customerId, amountCents: event.totalCents }))),
        combine: (event, score) => (score === undefined ? { kind: 'order', event } : { kind: 'order', event, fraudScore: score }),
      }),
      Named.as('fraud-score'),
      FRAUD_BATCH_STORE,
    )
    .selectKey((_orderId, input) => (input.kind === 'order' ? input.event.customerId : input.event.customerId), Named.as('payment-by-customer'))
    .repartition(Repartitioned.with(Serdes.String(), Serdes.JSON<PaymentInput>()).withName('payment-orders'));
  const customers: KStream<string, PaymentInput> = builder
    .stream(topics.customerEvents, Consumed.with(key, serdes.customerEvent))
    .mapValues((event): PaymentInput => ({ kind: 'customer', event }), Named.as('payment-customers-in'));

  customers
    .merge(orders, Named.as('payment-merge'))
    .process(
      paymentProcessor({ velocityWindowMs: options.velocityWindowMs ?? 60_000, velocityMaxOrders: options.velocityMaxOrders ?? 5 }),
      Named.as('payment'),
      ...PAYMENT_STORES,
    )
    .to(topics.paymentEvents, Produced.with(key, serdes.paymentEvent));
  return builder.build();
}

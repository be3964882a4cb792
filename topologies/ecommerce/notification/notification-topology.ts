/**
 * The notification service: every order transition on `orders.events` becomes one
 * notification for the order's customer. Events are re-keyed by customerId (a repartition
 * topic) so that `customer-notifications` is partitioned — and so queryable — by customer.
 * A notification's id is `<orderId>:<status>`, and an order enters each status at most
 * once, so a replayed or duplicated event finds its notification kept and sends nothing.
 *
 * Stores: `customer-notifications` (customerId → Notification[], the latest
 * `NOTIFICATIONS_KEPT`, oldest first).
 *
 * @example
 * ```ts
 * const topology = buildNotificationTopology({ topics: prefixedTopics(''), serdes });
 * ```
 */

import type { ProcessorContext, ProcessorSupplier } from '../../../processors/api/processor.ts';
import { withValue, type StreamRecord } from '../../../processors/api/record.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import { Consumed, Named, Produced, Repartitioned, StreamsBuilder, type Topology } from '../../../processors/dsl/index.ts';
import { isOrderTransition, type OrderEvent } from '../contracts/events.ts';
import { Stores } from '../contracts/stores.ts';
import type { Notification, OrderStatus } from '../contracts/views.ts';
import { jsonStore, type ServiceOptions } from '../shared/service-options.ts';

/** Notifications kept per customer; older ones stay only on the topic. */
export const NOTIFICATIONS_KEPT = 500;

const MESSAGES: Record<OrderStatus, string> = {
  PENDING: 'We received your order.',
  RESERVED: 'Your items are reserved.',
  PAID: 'Your payment went through.',
  SHIPPED: 'Your order is on its way.',
  COMPLETED: 'Your order was delivered.',
  REJECTED: 'We could not accept your order',
  PAYMENT_FAILED: 'Your payment failed',
  CANCELLED: 'Your order was cancelled',
  EXPIRED: 'Your order expired',
};

export function notificationOf(event: OrderEvent): Notification {
  const base = MESSAGES[event.status];
  return {
    notificationId: `${event.orderId}:${event.status}`,
    customerId: event.customerId,
    orderId: event.orderId,
    status: event.status,
    message: event.reason === undefined ? base : `${base.replace(/\.$/, '')}: ${event.reason}.`,
    atMs: event.atMs,
  };
}

function notifier(): ProcessorSupplier<string, OrderEvent, string, Notification> {
  return () => {
    let context: ProcessorContext<string, Notification>;
    let kept: KeyValueStore<string, Notification[]>;
    return {
      init(ctx) {
        context = ctx;
        kept = ctx.getStateStore(Stores.notifications);
      },
      async process(record: StreamRecord<string, OrderEvent>) {
        const notification = notificationOf(record.value);
        const list = (await kept.get(record.key)) ?? [];
        if (list.some((n) => n.notificationId === notification.notificationId)) return;
        const next = [...list, notification];
        kept.put(record.key, next.length > NOTIFICATIONS_KEPT ? next.slice(next.length - NOTIFICATIONS_KEPT) : next);
        await context.forward(withValue(record, notification));
      },
    };
  };
}

export function buildNotificationTopology(options: ServiceOptions): Topology {
  const { topics, serdes } = options;
  const builder = new StreamsBuilder();
  builder.addStateStore(jsonStore<Notification[]>(Stores.notifications, options.storeKind ?? 'persistent'));
  builder
    .stream(topics.orderEvents, Consumed.with(serdes.key, serdes.orderEvent))
    .filter((_orderId, event) => isOrderTransition(event), Named.as('notification-transitions'))
    .selectKey((_orderId, event) => event.customerId, Named.as('notification-by-customer'))
    .repartition(Repartitioned.with(Serdes.String(), serdes.orderEvent).withName('notification-orders'))
    .process(notifier(), Named.as('notifier'), Stores.notifications)
    .to(topics.notifications, Produced.with(serdes.key, serdes.notification));
  return builder.build();
}

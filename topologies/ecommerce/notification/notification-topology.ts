/**
 * The notification service: every order transition on `orders.events` becomes one
 * notification for the order's customer. Events are re-keyed by customerId (a repartition
 * topic) so that `customer-notifications` is partitioned — and so queryable — by customer.
 * A notification's id is `<orderId>:<status>`, and an order enters each status at most
 * once, so a replayed or duplicated event finds its notification kept and sends nothing.
 *
 * Texts come from the templates of `notifications.templates` (a GlobalKTable fed from the
 * PostgreSQL table `notification_templates` by the Connect source connector, see
 * templates.ts), looked up by status; without one, the built-in text.
 *
 * Stores: `customer-notifications` (customerId → Notification[], the latest
 * `NOTIFICATIONS_KEPT`, oldest first); `notification-templates` (global: status → template).
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
import { Consumed, Materialized, Named, Produced, Repartitioned, StreamsBuilder, type Topology } from '../../../processors/dsl/index.ts';
import { isOrderTransition, type OrderEvent } from '../contracts/events.ts';
import { Stores } from '../contracts/stores.ts';
import type { Notification } from '../contracts/views.ts';
import { jsonStore, type ServiceOptions } from '../shared/service-options.ts';
import { renderMessage, TEMPLATES_STORE, type NotificationTemplate } from './templates.ts';

/** Notifications kept per customer; older ones stay only on the topic. */
export const NOTIFICATIONS_KEPT = 500;

/** An order transition and the template of its status, if one is set. */
interface Templated {
  readonly event: OrderEvent;
  readonly template: NotificationTemplate | null;
}

export function notificationOf(event: OrderEvent, template: NotificationTemplate | null = null): Notification {
  return {
    notificationId: `${event.orderId}:${event.status}`,
    customerId: event.customerId,
    orderId: event.orderId,
    status: event.status,
    message: renderMessage(event, template),
    atMs: event.atMs,
  };
}

function notifier(): ProcessorSupplier<string, Templated, string, Notification> {
  return () => {
    let context: ProcessorContext<string, Notification>;
    let kept: KeyValueStore<string, Notification[]>;
    return {
      init(ctx) {
        context = ctx;
        kept = ctx.getStateStore(Stores.notifications);
      },
      async process(record: StreamRecord<string, Templated>) {
        const notification = notificationOf(record.value.event, record.value.template);
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
  const templates = builder.globalTable(topics.notificationTemplates, Consumed.with(Serdes.String(), Serdes.JSON<NotificationTemplate>()), Materialized.as(TEMPLATES_STORE));
  builder
    .stream(topics.orderEvents, Consumed.with(serdes.key, serdes.orderEvent))
    .filter((_orderId, event) => isOrderTransition(event), Named.as('notification-transitions'))
    .selectKey((_orderId, event) => event.customerId, Named.as('notification-by-customer'))
    .repartition(Repartitioned.with(Serdes.String(), serdes.orderEvent).withName('notification-orders'))
    .leftJoin(templates, (_customerId, event) => event.status, (event, template): Templated => ({ event, template }), Named.as('notification-templated'))
    .process(notifier(), Named.as('notifier'), Stores.notifications)
    .to(topics.notifications, Produced.with(serdes.key, serdes.notification));
  return builder.build();
}

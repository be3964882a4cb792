/**
 * Notification texts from templates: rows of the platform's PostgreSQL table
 * `notification_templates` (one per order status), which the Connect PostgreSQL source
 * copies to `notifications.templates` keyed by status, and the notification service
 * reads as a GlobalKTable. A template names its parts in braces: `{orderId}`,
 * `{customerId}`, `{status}`, `{reason}` (empty when the event gives none); an unknown
 * name stays as written. No row, or a blank template, gives the built-in text.
 *
 * @example
 * ```ts
 * renderMessage(event, { status: 'PAID', template: 'Order {orderId}: paid, thank you!' }); // 'Order o-1: paid, thank you!'
 * renderMessage(event, null); // 'Your payment went through.'
 * ```
 */

import type { OrderEvent } from '../contracts/events.ts';
import type { OrderStatus } from '../contracts/views.ts';

/** A row of `notification_templates` as the source connector writes it (JSON, schemaless). */
export interface NotificationTemplate {
  readonly status: string;
  readonly template: string;
  readonly id?: number;
  /** ms since the epoch. */
  readonly updated_at?: number;
}

/** The global store of the templates, by status. */
export const TEMPLATES_STORE = 'notification-templates';

/** The built-in texts, used when no template is set for a status. */
export const BUILT_IN_MESSAGES: Readonly<Record<OrderStatus, string>> = {
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

function builtIn(event: OrderEvent): string {
  const base = BUILT_IN_MESSAGES[event.status];
  return event.reason === undefined ? base : `${base.replace(/\.$/, '')}: ${event.reason}.`;
}

export function renderMessage(event: OrderEvent, template: NotificationTemplate | null): string {
  const text = typeof template?.template === 'string' ? template.template : '';
  if (text.trim() === '') return builtIn(event);
  const parts: Readonly<Record<string, string>> = { orderId: event.orderId, customerId: event.customerId, status: event.status, reason: event.reason ?? '' };
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => parts[name] ?? whole);
}

/**
 * The platform's topics, named `<domain>.<kind>` and keyed by the entity id
 * (see docs/ARCHITECTURE.md). Commands come from the gateway (or any producer); events are written
 * by the services only.
 */

export const Topics = {
  /** `OrderCommand`, keyed by orderId. */
  orderCommands: 'orders.commands',
  /** `OrderEvent`, keyed by orderId: one per order transition, plus `OrderCommandRejected`. */
  orderEvents: 'orders.events',
  /** `InventoryCommand`, keyed by productId. */
  inventoryCommands: 'inventory.commands',
  /**
   * `InventoryEvent`. Item events (the saga's answers) are keyed by orderId, so the order
   * service reads them co-partitioned with its orders; product events by productId.
   */
  inventoryEvents: 'inventory.events',
  /** `PaymentEvent`, keyed by orderId. */
  paymentEvents: 'payments.events',
  /** `ShipmentEvent`, keyed by orderId. */
  shipmentEvents: 'shipments.events',
  /** `CustomerCommand`, keyed by customerId. */
  customerCommands: 'customers.commands',
  /** `CustomerEvent`, keyed by customerId. */
  customerEvents: 'customers.events',
  /** `Notification`, one per order transition, keyed by customerId. */
  notifications: 'notifications',
  /**
   * `NotificationTemplate` (JSON), keyed by order status: the rows of the PostgreSQL table
   * `notification_templates`, copied by the Connect PostgreSQL source (compacted).
   */
  notificationTemplates: 'notifications.templates',
  /**
   * `SalesResult` (JSON), keyed by the result's id: one final result per sales window and
   * product or category, written by the analytics service, indexed by `sales-opensearch`.
   */
  analyticsSales: 'analytics.sales',
  /** `CartCommand`, keyed by cartId. */
  cartCommands: 'carts.commands',
  /**
   * `CatalogEntry` (JSON), keyed by productId: the cart service's copy of each product's
   * name and price, taken from `ProductUpdated` on `inventory.events` (compacted); its
   * GlobalKTable prices cart items.
   */
  cartCatalog: 'carts.catalog',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** The platform's topic names, possibly prefixed (tests give every run its own topics). */
export type TopicNames = { readonly [K in keyof typeof Topics]: string };

/**
 * The topic names with `prefix` in front of each, or the plain names for an empty prefix.
 *
 * @example
 * ```ts
 * prefixedTopics('run1-').orderCommands; // 'run1-orders.commands'
 * ```
 */
export function prefixedTopics(prefix: string): TopicNames {
  const names: Record<string, string> = {};
  for (const [key, topic] of Object.entries(Topics)) names[key] = `${prefix}${topic}`;
  return Object.freeze(names) as TopicNames;
}

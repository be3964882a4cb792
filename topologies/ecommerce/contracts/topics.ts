/**
 * The platform's topics, named `<domain>.<kind>` and keyed by the entity id (see
 * ARCHITECTURE.md). Commands come from the gateway (or any producer); events are written
 * by the services only.
 */

export const Topics = {
  /** `OrderCommand`, keyed by orderId. */
  orderCommands: 'orders.commands',
  orderEvents: 'orders.events',
  /** `InventoryCommand`, keyed by productId. */
  inventoryCommands: 'inventory.commands',
  inventoryEvents: 'inventory.events',
  paymentEvents: 'payments.events',
  shipmentEvents: 'shipments.events',
  /** `CustomerCommand`, keyed by customerId. */
  customerCommands: 'customers.commands',
  customerEvents: 'customers.events',
  /** One per order transition, keyed by customerId. */
  notifications: 'notifications',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

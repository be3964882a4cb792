/**
 * The queryable stores of each service, with their keys and values. The gRPC query
 * services find them by these names; each service's application id tells which group's
 * instances host them.
 */

export const ApplicationIds = {
  order: 'ecommerce-order',
  inventory: 'ecommerce-inventory',
  payment: 'ecommerce-payment',
  shipping: 'ecommerce-shipping',
  notification: 'ecommerce-notification',
  customer: 'ecommerce-customer',
} as const;

export type ServiceName = keyof typeof ApplicationIds;

export const Stores = {
  /** orderId → OrderView, in the order service. */
  orders: 'orders',
  /** customerId → orderIds (string[]), in the order service. */
  customerOrders: 'customer-orders',
  /** productId → ProductView, in the inventory service. */
  products: 'products',
  /** customerId → CustomerView, in the customer service. */
  customers: 'customers',
  /** customerId → Notification[], in the notification service. */
  notifications: 'customer-notifications',
} as const;

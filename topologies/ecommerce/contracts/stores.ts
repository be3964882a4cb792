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
  analytics: 'ecommerce-analytics',
  cart: 'ecommerce-cart',
} as const;

export type ServiceName = keyof typeof ApplicationIds;

/**
 * The services the order saga runs through: the tests of the saga (and of what watches it)
 * start these, not every service, so that services outside the saga add no load to them.
 */
export const SagaServices: readonly ServiceName[] = ['order', 'inventory', 'payment', 'shipping', 'notification', 'customer'];

export const Stores = {
  /** orderId → OrderView, in the order service. */
  orders: 'orders',
  /** customerId → orderIds (string[]), in the order service. */
  customerOrders: 'customer-orders',
  /** productId → ProductView, in the inventory service. */
  products: 'products',
  /**
   * customerId → CustomerView, in the payment service: it owns the balances, because an
   * authorisation must read and debit the balance in the same task (the customer service
   * validates commands and writes `customers.events`, which the payment service applies).
   */
  customers: 'customers',
  /** customerId → Notification[], in the notification service. */
  notifications: 'customer-notifications',
  /** productId → units and revenue per window (a window store), in the analytics service. */
  salesByProduct: 'sales-by-product',
  /** category → units and revenue per window (a window store), in the analytics service. */
  salesByCategory: 'sales-by-category',
  /** cartId → CartView, in the cart service. */
  carts: 'carts',
} as const;

/** Which service (and so which application id's instances) hosts each queryable store. */
export const StoreHosts: { readonly [K in keyof typeof Stores]: ServiceName } = {
  orders: 'order',
  customerOrders: 'order',
  products: 'inventory',
  customers: 'payment',
  notifications: 'notification',
  salesByProduct: 'analytics',
  salesByCategory: 'analytics',
  carts: 'cart',
};

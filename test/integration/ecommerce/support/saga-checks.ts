/**
 * What the end-to-end run must end with, as lists of problems (empty when all is well),
 * so the test can wait until the eventually consistent parts settle and then report
 * every difference at once:
 *
 * - each order's final status (and reason) is the planned one (`unplanned` otherwise),
 *   reached along a path the saga allows, each transition written once (`integrity`);
 * - stock: each product's figures are exactly what the planned outcomes imply, so
 *   available + reserved + sold = initial + restocks, and no figure was ever negative;
 * - money: each balance is the deposits minus the completed orders, and
 *   balance + captured − refunded = deposits;
 * - one notification per transition, no more, no less.
 */

import { isOrderTransition, type OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import type { OrderStatus } from '../../../../topologies/ecommerce/contracts/views.ts';
import type { FinalState } from './final-state.ts';
import type { PlannedOrder, Workload } from './workload.ts';

/** The transitions each final status may be reached by. */
const PATHS: Record<string, readonly string[]> = {
  COMPLETED: ['PENDING,RESERVED,PAID,SHIPPED,COMPLETED'],
  REJECTED: ['PENDING,REJECTED'],
  PAYMENT_FAILED: ['PENDING,RESERVED,PAYMENT_FAILED'],
  CANCELLED: ['PENDING,CANCELLED', 'PENDING,RESERVED,CANCELLED', 'PENDING,RESERVED,PAID,CANCELLED'],
  EXPIRED: ['PENDING,EXPIRED', 'PENDING,RESERVED,EXPIRED'],
};

/** The cancel of these scenarios must land in exactly this state (the others: see `cancelStages`). */
const CANCEL_PATH: Partial<Record<PlannedOrder['scenario'], string>> = {
  cancelPending: 'PENDING,CANCELLED',
  cancelPaid: 'PENDING,RESERVED,PAID,CANCELLED',
};

export function transitionsByOrder(events: readonly OrderEvent[]): Map<string, OrderEvent[]> {
  const byOrder = new Map<string, OrderEvent[]>();
  for (const event of events) {
    if (!isOrderTransition(event)) continue;
    byOrder.set(event.orderId, [...(byOrder.get(event.orderId) ?? []), event]);
  }
  return byOrder;
}

/** The final status each order must have; velocity orders get theirs from the per-customer count. */
function expectedStatus(order: PlannedOrder, velocityRefused: ReadonlySet<string>): OrderStatus {
  if (order.scenario !== 'velocity') return order.expected;
  return velocityRefused.has(order.orderId) ? 'PAYMENT_FAILED' : 'COMPLETED';
}

/** Of each velocity customer's orders, the ones refused: whichever went past the limit, so `perCustomer - allowed` of them. */
function velocityOutcome(workload: Workload, byOrder: ReadonlyMap<string, OrderEvent[]>, integrity: string[], unplanned: Map<string, string>): Set<string> {
  const refused = new Set<string>();
  for (const customerId of workload.velocity.customers) {
    const orders = workload.orders.filter((o) => o.customerId === customerId);
    const failed = orders.filter((o) => byOrder.get(o.orderId)?.at(-1)?.status === 'PAYMENT_FAILED');
    for (const o of failed) {
      refused.add(o.orderId);
      const reason = byOrder.get(o.orderId)?.at(-1)?.reason ?? '';
      if (!reason.startsWith('fraud: velocity')) unplanned.set(o.orderId, `${o.orderId} (velocity of ${customerId}): refused for "${reason}", not velocity`);
    }
    const want = workload.velocity.perCustomer - workload.velocity.allowed;
    // More refusals than the limit allows is a rule broken; fewer, orders that ended otherwise (expired, say).
    if (failed.length > want) integrity.push(`velocity customer ${customerId}: ${failed.length} orders refused, expected ${want}`);
    else if (failed.length < want) {
      for (const o of orders) if (!unplanned.has(o.orderId)) unplanned.set(o.orderId, `${o.orderId} (velocity of ${customerId}): ${failed.length} of the customer's orders refused, expected ${want}`);
    }
  }
  return refused;
}

export interface OrderVerdicts {
  /** What exactly-once and the saga's rules forbid whatever the timing: events written twice, transitions missing, repeated or out of order. */
  readonly integrity: readonly string[];
  /** Orders that did not end as planned (orderId → why): a final status, cancel stage or reason other than the plan's. */
  readonly unplanned: ReadonlyMap<string, string>;
}

export function judgeOrders(workload: Workload, events: readonly OrderEvent[]): OrderVerdicts {
  const integrity: string[] = [];
  const unplanned = new Map<string, string>();
  const byOrder = transitionsByOrder(events);
  const ids = new Map<string, number>();
  for (const event of events) ids.set(event.eventId, (ids.get(event.eventId) ?? 0) + 1);
  for (const [eventId, count] of ids) if (count > 1) integrity.push(`order event ${eventId} written ${count} times`);
  const refused = velocityOutcome(workload, byOrder, integrity, unplanned);
  for (const order of workload.orders) {
    const path = (byOrder.get(order.orderId) ?? []).map((e) => e.status);
    const last = byOrder.get(order.orderId)?.at(-1);
    if (last !== undefined && !(PATHS[last.status] ?? []).includes(path.join(','))) {
      integrity.push(`${order.orderId} (${order.scenario}): path ${path.join(',')} is not one the saga allows for ${last.status}`);
    }
    const want = expectedStatus(order, refused);
    if (last?.status !== want) {
      unplanned.set(order.orderId, `${order.orderId} (${order.scenario}): ${last?.status ?? 'no event'} [${path.join(',')}]${last?.reason === undefined ? '' : ` "${last.reason}"`}, expected ${want}`);
      continue;
    }
    const exact = CANCEL_PATH[order.scenario];
    if (exact !== undefined && path.join(',') !== exact) unplanned.set(order.orderId, `${order.orderId} (${order.scenario}): cancelled along ${path.join(',')}, expected ${exact}`);
    else if (order.reason !== undefined && !order.reason.test(last.reason ?? '')) unplanned.set(order.orderId, `${order.orderId} (${order.scenario}): reason "${last.reason ?? ''}" does not match ${String(order.reason)}`);
    else if (order.scenario === 'cancelShipped') {
      const refusal = events.find((e) => e.type === 'OrderCommandRejected' && e.orderId === order.orderId && e.commandId === `cancel-${order.orderId}`);
      if (refusal === undefined || !/shipped|COMPLETED/.test(refusal.reason ?? '')) unplanned.set(order.orderId, `${order.orderId}: the cancel after shipping was not refused (${refusal?.reason ?? 'no OrderCommandRejected'})`);
    }
  }
  return { integrity, unplanned };
}

/** Everything that is not as planned: the integrity problems and every order that ended otherwise. */
export function orderProblems(workload: Workload, events: readonly OrderEvent[]): string[] {
  const { integrity, unplanned } = judgeOrders(workload, events);
  return [...integrity, ...unplanned.values()];
}

/** How many cancels landed in each state, per scenario (for the report). */
export function cancelStages(workload: Workload, events: readonly OrderEvent[]): Record<string, Record<string, number>> {
  const stages: Record<string, Record<string, number>> = {};
  for (const event of events) {
    if (event.type !== 'OrderCancelled') continue;
    const scenario = workload.orders.find((o) => o.orderId === event.orderId)?.scenario ?? 'unknown';
    const byStage = (stages[scenario] ??= {});
    byStage[event.fromStatus ?? '?'] = (byStage[event.fromStatus ?? '?'] ?? 0) + 1;
  }
  return stages;
}

export function conservationProblems(workload: Workload, state: FinalState): string[] {
  const problems: string[] = [];
  const byOrder = transitionsByOrder(state.orderEvents);
  const completed = workload.orders.filter((o) => byOrder.get(o.orderId)?.at(-1)?.status === 'COMPLETED');
  for (const event of state.negative) problems.push(`${event.productId} went negative: ${JSON.stringify({ available: event.available, reserved: event.reserved, sold: event.sold })}`);
  for (const product of workload.products) {
    const restocked = workload.restocks.filter((r) => r.productId === product.productId).reduce((sum, r) => sum + r.quantity, 0);
    const sold = completed.flatMap((o) => o.items).filter((i) => i.productId === product.productId).reduce((sum, i) => sum + i.quantity, 0);
    const want = { available: product.initialStock + restocked - sold, reserved: 0, sold };
    const got = state.products.get(product.productId);
    if (got === undefined) problems.push(`${product.productId}: no ProductUpdated event`);
    else if (got.available !== want.available || got.reserved !== want.reserved || got.sold !== want.sold) problems.push(`${product.productId}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)} (initial ${product.initialStock} + restocks ${restocked})`);
    else if (got.available + got.reserved + got.sold !== product.initialStock + restocked) problems.push(`${product.productId}: stock not conserved`);
  }
  const paymentIds = new Map<string, number>();
  for (const p of state.payments) paymentIds.set(p.eventId, (paymentIds.get(p.eventId) ?? 0) + 1);
  for (const [eventId, count] of paymentIds) if (count > 1) problems.push(`payment event ${eventId} written ${count} times`);
  for (const customer of workload.customers) {
    const id = customer.customerId;
    const spent = completed.filter((o) => o.customerId === id).reduce((sum, o) => sum + o.totalCents, 0);
    const balance = state.balances.get(id);
    const deposited = state.deposits.get(id) ?? 0;
    const captured = state.payments.filter((p) => p.customerId === id && p.type === 'PaymentCaptured').reduce((sum, p) => sum + p.amountCents, 0);
    const refunded = state.payments.filter((p) => p.customerId === id && p.type === 'PaymentRefunded').reduce((sum, p) => sum + p.amountCents, 0);
    if (deposited !== customer.depositCents) problems.push(`${id}: deposits ${deposited}, expected ${customer.depositCents}`);
    if (balance !== customer.depositCents - spent) problems.push(`${id}: balance ${String(balance)}, expected ${customer.depositCents - spent}`);
    if ((balance ?? 0) + captured - refunded !== deposited) problems.push(`${id}: balance ${String(balance)} + captured ${captured} − refunded ${refunded} ≠ deposits ${deposited}`);
  }
  const wanted = new Set<string>();
  for (const [orderId, transitions] of byOrder) for (const t of transitions) wanted.add(`${orderId}:${t.status}`);
  const sent = new Map<string, number>();
  for (const n of state.notifications) sent.set(n.notificationId, (sent.get(n.notificationId) ?? 0) + 1);
  for (const id of wanted) if (sent.get(id) !== 1) problems.push(`notification ${id} sent ${sent.get(id) ?? 0} times`);
  for (const id of sent.keys()) if (!wanted.has(id)) problems.push(`notification ${id} for no transition`);
  return problems;
}

/**
 * The order state machine as pure functions: given the order as stored and one input (a
 * command, an answer of inventory, payment or shipping, or a passed deadline), what the
 * order becomes and which events say so. Kept apart from the processor so the rules read
 * (and are tested) without stores.
 *
 * Idempotency is by state: an answer is applied only in the status that waits for it, a
 * command only once per commandId, so a replay or a duplicate finds nothing to do.
 *
 * Prices are the catalog's: each `ItemReserved` says the unit price inventory reserved the
 * product at, the order's items take it, and the total (what payment charges) is their sum.
 * A unit price in the `CreateOrder` is only what the customer saw: when it differs from the
 * catalog's, the order is REJECTED with `PRICE_CHANGED` (and inventory releases what it
 * reserved), so a customer never pays a price it did not see, nor less than the catalog's.
 *
 * @example
 * ```ts
 * const decision = decide(undefined, undefined, { kind: 'command', command: createOrder }, { nowMs: 0, defaultDeadlineMs: 30_000 });
 * decision.view?.status; // 'PENDING'; decision.events[0].type === 'OrderCreated'
 * ```
 */

import { pricedTotal, type CancelOrder, type CreateOrder, type OrderCommand, type OrderItem } from '../contracts/commands.ts';
import { OrderEventTypeOf, type InventoryEvent, type OrderEvent, type PaymentEvent, type ShipmentEvent } from '../contracts/events.ts';
import { FinalOrderStatuses, type OrderStatus, type OrderView } from '../contracts/views.ts';
import { keepLast } from '../shared/service-options.ts';
import { validateCreateOrder } from './order-validation.ts';

export type OrderInput =
  | { readonly kind: 'command'; readonly command: OrderCommand }
  | { readonly kind: 'inventory'; readonly event: InventoryEvent }
  | { readonly kind: 'payment'; readonly event: PaymentEvent }
  | { readonly kind: 'shipment'; readonly event: ShipmentEvent }
  | { readonly kind: 'deadline'; readonly deadlineAtMs: number };

/** What the saga keeps beside the view: what it waits for and what it has seen. */
export interface SagaState {
  /** Commands already applied, so a retried command does nothing. */
  readonly commandIds: readonly string[];
  /** The distinct products inventory must answer for. */
  readonly products: readonly string[];
  readonly reserved: readonly string[];
  /** The catalog unit price inventory reserved each product at. */
  readonly prices?: Readonly<Record<string, number>>;
  /** The distinct unit prices the customer quoted per product; a product without a quote is absent. */
  readonly quotes?: Readonly<Record<string, readonly number[]>>;
  /** How long each step may take. */
  readonly stepMs: number;
  /** When the current step fails; absent when no step is awaited. */
  readonly deadlineAtMs?: number;
  /** The trace context of the command that created the order: a deadline's events continue its trace. */
  readonly trace?: Readonly<Record<string, string>>;
  /** A paid order's cancel, waiting for shipping to stop the parcel (or to say it has left). */
  readonly cancelRequest?: { readonly commandId: string; readonly reason: string };
}

export interface Decision {
  readonly view: OrderView | undefined;
  readonly saga: SagaState | undefined;
  readonly events: readonly OrderEvent[];
}

export interface RuleSettings {
  readonly nowMs: number;
  readonly defaultDeadlineMs: number;
}

/** Statuses that wait for an answer within a deadline: inventory, then payment. */
const AWAITING: ReadonlySet<OrderStatus> = new Set(['PENDING', 'RESERVED']);
/** Command ids an order remembers (refused ones too, so a caller repeating refused commands cannot grow its state without bound). */
const REMEMBERED_COMMANDS = 200;

/** Reason prefixes of an order refused over its price (the rest names the product). */
export const PRICE_CHANGED = 'PRICE_CHANGED';
export const PRICE_UNKNOWN = 'PRICE_UNKNOWN';

export function distinctProducts(items: readonly OrderItem[]): string[] {
  return [...new Set(items.map((item) => item.productId))];
}

/** The items with the reserved prices; an item inventory has not priced yet has none (a customer's quote is never shown as a price). */
export function pricedItems(items: readonly OrderItem[], prices: Readonly<Record<string, number>>): OrderItem[] {
  return items.map(({ unitPriceCents: _quoted, ...item }) => {
    const price = prices[item.productId];
    return price === undefined ? item : { ...item, unitPriceCents: price };
  });
}

function quotesOf(items: readonly OrderItem[]): Record<string, number[]> {
  const quotes: Record<string, number[]> = {};
  for (const item of items) {
    if (item.unitPriceCents === undefined) continue;
    const known = quotes[item.productId] ?? [];
    if (!known.includes(item.unitPriceCents)) quotes[item.productId] = [...known, item.unitPriceCents];
  }
  return quotes;
}

function eventOf(view: OrderView, fromStatus: OrderStatus | undefined, commandId?: string): OrderEvent {
  return {
    type: OrderEventTypeOf[view.status],
    eventId: `${view.orderId}:${view.status}`,
    orderId: view.orderId,
    customerId: view.customerId,
    status: view.status,
    ...(fromStatus === undefined ? {} : { fromStatus }),
    items: view.items,
    totalCents: view.totalCents,
    atMs: view.updatedAtMs,
    ...(view.reason === undefined ? {} : { reason: view.reason }),
    ...(commandId === undefined ? {} : { commandId }),
  };
}

function moveTo(view: OrderView, saga: SagaState, status: OrderStatus, settings: RuleSettings, reason?: string, commandId?: string): Decision {
  const next: OrderView = {
    ...view,
    status,
    updatedAtMs: settings.nowMs,
    ...(reason === undefined ? {} : { reason }),
    history: [...view.history, { status, atMs: settings.nowMs, ...(reason === undefined ? {} : { reason }) }],
  };
  const { deadlineAtMs: _dropped, ...rest } = saga;
  const nextSaga: SagaState = AWAITING.has(status) ? { ...rest, deadlineAtMs: settings.nowMs + saga.stepMs } : rest;
  return { view: next, saga: nextSaga, events: [eventOf(next, view.status, commandId)] };
}

function commandRejected(view: OrderView | undefined, command: OrderCommand, reason: string, settings: RuleSettings): OrderEvent {
  return {
    type: 'OrderCommandRejected',
    eventId: `${command.orderId}:rejected:${command.commandId}`,
    orderId: command.orderId,
    customerId: view?.customerId ?? command.customerId,
    status: view?.status ?? 'REJECTED',
    items: view?.items ?? [],
    totalCents: view?.totalCents ?? 0,
    atMs: settings.nowMs,
    reason,
    commandId: command.commandId,
  };
}

function create(command: CreateOrder, settings: RuleSettings): Decision {
  const problem = validateCreateOrder(command);
  const items = Array.isArray(command.items) ? command.items : [];
  const base: OrderView = {
    orderId: command.orderId,
    customerId: command.customerId,
    status: problem === undefined ? 'PENDING' : 'REJECTED',
    items: pricedItems(items, {}),
    totalCents: 0,
    createdAtMs: settings.nowMs,
    updatedAtMs: settings.nowMs,
    ...(problem === undefined ? {} : { reason: problem }),
    history: [{ status: problem === undefined ? 'PENDING' : 'REJECTED', atMs: settings.nowMs, ...(problem === undefined ? {} : { reason: problem }) }],
  };
  const stepMs = command.deadlineMs ?? settings.defaultDeadlineMs;
  const saga: SagaState = {
    commandIds: [command.commandId],
    products: problem === undefined ? distinctProducts(items) : [],
    reserved: [],
    prices: {},
    quotes: problem === undefined ? quotesOf(items) : {},
    stepMs,
    ...(problem === undefined ? { deadlineAtMs: settings.nowMs + stepMs } : {}),
  };
  return { view: base, saga, events: [eventOf(base, undefined, command.commandId)] };
}

function cancelRequested(view: OrderView, commandId: string, reason: string, settings: RuleSettings): OrderEvent {
  return {
    type: 'OrderCancelRequested',
    eventId: `${view.orderId}:cancel-requested:${commandId}`,
    orderId: view.orderId,
    customerId: view.customerId,
    status: view.status,
    items: view.items,
    totalCents: view.totalCents,
    atMs: settings.nowMs,
    reason,
    commandId,
  };
}

/**
 * Before payment the order is cancelled at once. A paid order's parcel may already be
 * leaving, so shipping decides: the order asks (`OrderCancelRequested`) and stays PAID
 * until shipping answers (see `onShipment`). Cancelling at once would refund and release
 * stock for a parcel the courier had just taken.
 */
function cancel(view: OrderView, saga: SagaState, command: CancelOrder, settings: RuleSettings): Decision {
  // A refused command is remembered too: the same command again (a client's retry) gets no second answer.
  const withCommand: SagaState = { ...saga, commandIds: keepLast(saga.commandIds, command.commandId, REMEMBERED_COMMANDS) };
  const unchanged = (reason: string): Decision => ({ view, saga: withCommand, events: [commandRejected(view, command, reason, settings)] });
  if (command.customerId !== view.customerId) return unchanged('the order belongs to another customer');
  if (view.status === 'SHIPPED') return unchanged('the order has been shipped');
  if (FinalOrderStatuses.has(view.status)) return unchanged(`the order is ${view.status}`);
  if (saga.cancelRequest !== undefined) return unchanged('a cancellation is already waiting for shipping');
  const reason = command.reason ?? 'cancelled by the customer';
  if (view.status === 'PAID') {
    return { view, saga: { ...withCommand, cancelRequest: { commandId: command.commandId, reason } }, events: [cancelRequested(view, command.commandId, reason, settings)] };
  }
  return moveTo(view, withCommand, 'CANCELLED', settings, reason, command.commandId);
}

function onCommand(view: OrderView | undefined, saga: SagaState | undefined, command: OrderCommand, settings: RuleSettings): Decision {
  if (view !== undefined && saga?.commandIds.includes(command.commandId) === true) return { view, saga, events: [] };
  if (command.type === 'CreateOrder') {
    if (view === undefined) return create(command, settings);
    return { view, saga, events: [commandRejected(view, command, 'an order with this id exists', settings)] };
  }
  if (view === undefined || saga === undefined) return { view, saga, events: [commandRejected(undefined, command, 'unknown order', settings)] };
  return cancel(view, saga, command, settings);
}

function onInventory(view: OrderView, saga: SagaState, event: InventoryEvent, settings: RuleSettings): Decision {
  const unchanged: Decision = { view, saga, events: [] };
  if (view.status !== 'PENDING' || !saga.products.includes(event.productId)) return unchanged;
  if (event.type === 'ItemRejected') return moveTo(view, saga, 'REJECTED', settings, `${event.reason ?? 'not available'}: ${event.productId}`);
  if (event.type !== 'ItemReserved' || saga.reserved.includes(event.productId)) return unchanged;
  const productId = event.productId;
  const price = event.unitPriceCents;
  // An answer from an inventory that does not say prices: charging anything would be a guess.
  if (price === undefined) return moveTo(view, saga, 'REJECTED', settings, `${PRICE_UNKNOWN}: inventory reserved ${productId} without a price`);
  const prices = { ...saga.prices, [productId]: price };
  const next: SagaState = { ...saga, reserved: [...saga.reserved, productId], prices };
  const priced: OrderView = { ...view, items: pricedItems(view.items, prices) };
  const quoted = (saga.quotes?.[productId] ?? []).find((quote) => quote !== price);
  if (quoted !== undefined) return moveTo(priced, next, 'REJECTED', settings, `${PRICE_CHANGED}: ${productId} costs ${price} cents, the order said ${quoted}`);
  if (next.reserved.length < next.products.length) return { view: priced, saga: next, events: [] };
  // Reserved products that saga state kept no price for (reserved before prices were answered).
  const unpriced = next.products.find((product) => prices[product] === undefined);
  if (unpriced !== undefined) return moveTo(priced, next, 'REJECTED', settings, `${PRICE_UNKNOWN}: no reserved price for ${unpriced}`);
  const totalCents = pricedTotal(priced.items);
  if (totalCents === undefined) return moveTo(priced, next, 'REJECTED', settings, 'the order total is too large');
  return moveTo({ ...priced, totalCents }, next, 'RESERVED', settings);
}

function onPayment(view: OrderView, saga: SagaState, event: PaymentEvent, settings: RuleSettings): Decision {
  // A late answer (after a cancellation or expiry) is ignored: payment refunds on its own when it sees the order fail.
  if (view.status !== 'RESERVED') return { view, saga, events: [] };
  if (event.type === 'PaymentCaptured') return moveTo(view, saga, 'PAID', settings);
  if (event.type === 'PaymentDeclined') return moveTo(view, saga, 'PAYMENT_FAILED', settings, event.reason ?? 'payment declined');
  return { view, saga, events: [] };
}

/** Shipping's answers; to a pending cancel, `ShipmentCancelled` (cancel) or `ShipmentDispatched` (too late, refused). */
function onShipment(view: OrderView, saga: SagaState, event: ShipmentEvent, settings: RuleSettings): Decision {
  const { cancelRequest: request, ...settled } = saga;
  if (event.type === 'ShipmentCancelled' && view.status === 'PAID' && request !== undefined) {
    return moveTo(view, settled, 'CANCELLED', settings, request.reason, request.commandId);
  }
  if (event.type === 'ShipmentDispatched' && view.status === 'PAID') {
    const shipped = moveTo(view, settled, 'SHIPPED', settings);
    if (request === undefined) return shipped;
    const command: CancelOrder = { type: 'CancelOrder', commandId: request.commandId, orderId: view.orderId, customerId: view.customerId, issuedAtMs: settings.nowMs };
    return { ...shipped, events: [...shipped.events, commandRejected(shipped.view, command, 'the order has been shipped', settings)] };
  }
  if (event.type === 'ShipmentDelivered' && view.status === 'SHIPPED') return moveTo(view, saga, 'COMPLETED', settings);
  return { view, saga, events: [] };
}

function onDeadline(view: OrderView, saga: SagaState, deadlineAtMs: number, settings: RuleSettings): Decision {
  if (!AWAITING.has(view.status) || saga.deadlineAtMs !== deadlineAtMs) return { view, saga, events: [] };
  const step = view.status === 'PENDING' ? 'inventory' : 'payment';
  return moveTo(view, saga, 'EXPIRED', settings, `${step} did not answer within ${saga.stepMs} ms`);
}

/** Applies one input to the order; `events` is empty when the input changes nothing. */
export function decide(view: OrderView | undefined, saga: SagaState | undefined, input: OrderInput, settings: RuleSettings): Decision {
  if (input.kind === 'command') return onCommand(view, saga, input.command, settings);
  if (view === undefined || saga === undefined) return { view, saga, events: [] };
  // An answer that comes after its step's deadline is too late, whether or not the deadline
  // punctuator (which runs every `checkIntervalMs`) has seen the deadline pass yet.
  const deadlineAtMs = saga.deadlineAtMs;
  if ((input.kind === 'inventory' || input.kind === 'payment') && deadlineAtMs !== undefined && settings.nowMs > deadlineAtMs) return onDeadline(view, saga, deadlineAtMs, settings);
  switch (input.kind) {
    case 'inventory': return onInventory(view, saga, input.event, settings);
    case 'payment': return onPayment(view, saga, input.event, settings);
    case 'shipment': return onShipment(view, saga, input.event, settings);
    case 'deadline': return onDeadline(view, saga, input.deadlineAtMs, settings);
  }
}

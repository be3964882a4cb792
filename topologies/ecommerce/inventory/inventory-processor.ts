/**
 * The inventory's one stateful processor, keyed by productId: it restocks and creates
 * products (`UpsertProduct`), and reserves, commits and releases stock for orders. Each
 * (order, product) has one reservation in `reservations` whose status moves only
 * forward (RESERVED → COMMITTED → RELEASED, or REJECTED / RELEASED at once), so a replayed
 * or duplicated request finds it done and changes nothing. Stock never goes negative:
 * a reservation takes only what is available.
 *
 * Item answers are keyed by orderId (the order saga reads them); product changes by
 * productId (the products read model). `ItemReserved` carries the product's catalog price
 * at that moment: the order charges it (the catalog owns prices, never the customer).
 *
 * @example
 * ```ts
 * merged.process(inventoryProcessor(), Named.as('inventory'), ...INVENTORY_STORES);
 * ```
 */

import type { ProcessorContext, ProcessorSupplier } from '../../../processors/api/processor.ts';
import { streamRecord, type StreamRecord } from '../../../processors/api/record.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import type { UpsertProduct } from '../contracts/commands.ts';
import type { InventoryEvent, InventoryEventType } from '../contracts/events.ts';
import { Stores } from '../contracts/stores.ts';
import { CATEGORY_MAX_LENGTH, CATEGORY_PATTERN, DESCRIPTION_MAX_LENGTH } from '../contracts/product-search-index.ts';
import type { ProductView } from '../contracts/views.ts';
import { keepLast } from '../shared/service-options.ts';

export const RESERVATION_STORE = 'reservations';
export const PRODUCT_COMMAND_STORE = 'product-commands';
export const INVENTORY_STORES = [Stores.products, RESERVATION_STORE, PRODUCT_COMMAND_STORE] as const;

/** What an order event asks of one product, after the request is re-keyed by productId. */
export interface ItemRequest {
  readonly action: 'reserve' | 'commit' | 'release';
  readonly orderId: string;
  readonly productId: string;
  readonly quantity: number;
}

export type InventoryInput =
  | { readonly kind: 'command'; readonly command: UpsertProduct }
  | { readonly kind: 'item'; readonly request: ItemRequest };

interface Reservation {
  readonly status: 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'REJECTED';
  readonly quantity: number;
  /** The catalog unit price at reservation (absent on reservations kept before prices were). */
  readonly unitPriceCents?: number;
}

/** Command ids remembered per product to drop a retried restock. */
const REMEMBERED_COMMANDS = 200;

/** The input record an output answers: its timestamp and headers (the trace context) go on. */
type Origin = StreamRecord<string, unknown>;

class InventoryProcessor {
  #context!: ProcessorContext<string, InventoryEvent>;
  #products!: KeyValueStore<string, ProductView>;
  #reservations!: KeyValueStore<string, Reservation>;
  #commands!: KeyValueStore<string, string[]>;

  init(context: ProcessorContext<string, InventoryEvent>): void {
    this.#context = context;
    this.#products = context.getStateStore(Stores.products);
    this.#reservations = context.getStateStore(RESERVATION_STORE);
    this.#commands = context.getStateStore(PRODUCT_COMMAND_STORE);
  }

  async process(record: StreamRecord<string, InventoryInput>): Promise<void> {
    const input = record.value;
    const nowMs = this.#context.currentSystemTimeMs();
    if (input.kind === 'command') await this.#upsert(input.command, nowMs, record);
    else await this.#item(input.request, nowMs, record);
  }

  async #upsert(command: UpsertProduct, nowMs: number, origin: Origin): Promise<void> {
    const productId = command.productId;
    const seen = (await this.#commands.get(productId)) ?? [];
    if (seen.includes(command.commandId)) return;
    this.#commands.put(productId, keepLast(seen, command.commandId, REMEMBERED_COMMANDS));
    const current = await this.#products.get(productId);
    const problem = upsertProblem(command, current);
    if (problem !== undefined) {
      const rejected: InventoryEvent = { type: 'ProductRejected', eventId: `${productId}:rejected:${command.commandId}`, productId, quantity: 0, atMs: nowMs, reason: problem, commandId: command.commandId };
      await this.#context.forward(streamRecord(productId, rejected, origin.timestamp, origin.headers));
      return;
    }
    const description = command.description ?? current?.description;
    const category = command.category ?? current?.category;
    const next: ProductView = {
      productId,
      name: command.name ?? current?.name ?? productId,
      priceCents: command.priceCents ?? current?.priceCents ?? 0,
      available: (current?.available ?? 0) + command.restockQuantity,
      reserved: current?.reserved ?? 0,
      sold: current?.sold ?? 0,
      updatedAtMs: nowMs,
      ...(description === undefined ? {} : { description }),
      ...(category === undefined ? {} : { category }),
    };
    await this.#saveProduct(next, `upsert:${command.commandId}`, origin, command.commandId);
  }

  async #item(request: ItemRequest, nowMs: number, origin: Origin): Promise<void> {
    const key = `${request.productId}|${request.orderId}`;
    const reservation = await this.#reservations.get(key);
    const product = await this.#products.get(request.productId);
    const answer = (type: InventoryEventType, quantity: number, reason?: string, unitPriceCents?: number): Promise<void> | void => {
      const event: InventoryEvent = {
        type, eventId: `${request.orderId}:${request.productId}:${type}`, productId: request.productId, orderId: request.orderId, quantity, atMs: nowMs,
        ...(reason === undefined ? {} : { reason }),
        ...(unitPriceCents === undefined ? {} : { unitPriceCents }),
      };
      return this.#context.forward(streamRecord(request.orderId, event, origin.timestamp, origin.headers));
    };
    if (request.action === 'reserve') {
      if (reservation !== undefined) return;
      if (product === undefined || product.available < request.quantity) {
        this.#reservations.put(key, { status: 'REJECTED', quantity: request.quantity });
        await answer('ItemRejected', request.quantity, product === undefined ? 'unknown product' : 'out of stock');
        return;
      }
      this.#reservations.put(key, { status: 'RESERVED', quantity: request.quantity, unitPriceCents: product.priceCents });
      await this.#saveProduct({ ...product, available: product.available - request.quantity, reserved: product.reserved + request.quantity, updatedAtMs: nowMs }, `reserve:${request.orderId}`, origin);
      // The catalog owns the price: the order charges what the stock was reserved at, whatever the customer sent.
      await answer('ItemReserved', request.quantity, undefined, product.priceCents);
      return;
    }
    if (request.action === 'commit') {
      if (reservation?.status !== 'RESERVED' || product === undefined) return;
      this.#reservations.put(key, { ...reservation, status: 'COMMITTED' });
      await this.#saveProduct({ ...product, reserved: product.reserved - reservation.quantity, sold: product.sold + reservation.quantity, updatedAtMs: nowMs }, `commit:${request.orderId}`, origin);
      await answer('ItemCommitted', reservation.quantity);
      return;
    }
    // release: what was held goes back; what was sold (a cancellation after payment) is returned.
    if (reservation === undefined) {
      // Nothing was reserved (the request never came, or will not): remember, so a late reserve is refused.
      this.#reservations.put(key, { status: 'RELEASED', quantity: 0 });
      return;
    }
    if ((reservation.status !== 'RESERVED' && reservation.status !== 'COMMITTED') || product === undefined) return;
    this.#reservations.put(key, { ...reservation, status: 'RELEASED' });
    const fromReserved = reservation.status === 'RESERVED' ? reservation.quantity : 0;
    const fromSold = reservation.status === 'COMMITTED' ? reservation.quantity : 0;
    await this.#saveProduct({
      ...product,
      available: product.available + reservation.quantity,
      reserved: product.reserved - fromReserved,
      sold: product.sold - fromSold,
      updatedAtMs: nowMs,
    }, `release:${request.orderId}`, origin);
    await answer('ItemReleased', reservation.quantity);
  }

  async #saveProduct(product: ProductView, cause: string, origin: Origin, commandId?: string): Promise<void> {
    this.#products.put(product.productId, product);
    const event: InventoryEvent = {
      type: 'ProductUpdated', eventId: `${product.productId}:${cause}`, productId: product.productId, quantity: 0, atMs: product.updatedAtMs,
      name: product.name, priceCents: product.priceCents, available: product.available, reserved: product.reserved, sold: product.sold,
      ...(product.description === undefined ? {} : { description: product.description }),
      ...(product.category === undefined ? {} : { category: product.category }),
      ...(commandId === undefined ? {} : { commandId }),
    };
    await this.#context.forward(streamRecord(product.productId, event, origin.timestamp, origin.headers));
  }
}

const CATEGORY_RE = new RegExp(CATEGORY_PATTERN);

function upsertProblem(command: UpsertProduct, current: ProductView | undefined): string | undefined {
  if (typeof command.productId !== 'string' || command.productId.trim() === '') return 'productId is empty';
  if (!Number.isSafeInteger(command.restockQuantity) || command.restockQuantity < 0) return 'restockQuantity must be a whole number, 0 or more';
  if (command.priceCents !== undefined && (!Number.isSafeInteger(command.priceCents) || command.priceCents < 0)) return 'priceCents must be a whole number, 0 or more';
  if (current === undefined && (command.name === undefined || command.name.trim() === '')) return 'a new product needs a name';
  if (current === undefined && command.priceCents === undefined) return 'a new product needs a price';
  if (command.description !== undefined && (command.description.length === 0 || command.description.length > DESCRIPTION_MAX_LENGTH)) return `description must be 1 to ${DESCRIPTION_MAX_LENGTH} characters`;
  if (command.category !== undefined && (command.category.length > CATEGORY_MAX_LENGTH || !CATEGORY_RE.test(command.category))) return `category must be lower-case words joined by hyphens, at most ${CATEGORY_MAX_LENGTH} characters`;
  return undefined;
}

export function inventoryProcessor(): ProcessorSupplier<string, InventoryInput, string, InventoryEvent> {
  return () => new InventoryProcessor();
}

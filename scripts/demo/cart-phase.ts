/**
 * The demo's cart phase, as a shopper would do it: the admin puts three products of its
 * own in the catalog and funds a customer of its own; the customer fills a cart
 * (`POST /carts/:id/items`, naming products and quantities only: the cart service prices
 * them from the catalog), removes one (`DELETE /carts/:id/items/:productId`), reads the
 * cart (`GET /carts/:id`), checks out (`POST /carts/:id/checkout`, 202 with the orderId)
 * and follows the order to its final status. Every step is printed; `ok` is false when a
 * step did not go as it should (the order not COMPLETED, or charged another total than the
 * cart showed).
 *
 * The cart service learns products from the inventory's events: an add that comes before
 * a new product reached it is refused as unknown (the cart's `lastRejection`), and is
 * sent again until the product is there or `settleTimeoutMs` passed.
 *
 * @example
 * ```ts
 * const result = await runCart(client, { runId, print: console.log, settleTimeoutMs: 60_000, pollIntervalMs: 250 });
 * ```
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN, customer, type Answer, type DemoGatewayClient } from './gateway-client.ts';

export interface CartPhaseOptions {
  readonly runId: string;
  readonly print: (line: string) => void;
  /** How long each wait (a product visible, a cart updated, the order final) may take. */
  readonly settleTimeoutMs: number;
  readonly pollIntervalMs: number;
}

export interface CartPhaseResult {
  readonly ok: boolean;
  readonly cartId: string;
  readonly orderId?: string;
}

interface CartLine {
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

const FINAL = new Set(['COMPLETED', 'REJECTED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED']);
const euros = (cents: number): string => `${(cents / 100).toFixed(2)}`;

export async function runCart(client: DemoGatewayClient, options: CartPhaseOptions): Promise<CartPhaseResult> {
  const { runId, print } = options;
  const shopper = customer(`${runId}-shopper`);
  const cartId = `${runId}-cart`;
  const cartPath = `/carts/${encodeURIComponent(cartId)}`;
  const products = [
    { productId: `${runId}-tea`, name: 'Green tea', priceCents: 450 },
    { productId: `${runId}-mug`, name: 'Mug', priceCents: 1_299 },
    { productId: `${runId}-pot`, name: 'Teapot', priceCents: 3_450 },
  ] as const;
  const fail = (line: string, orderId?: string): CartPhaseResult => {
    print(`cart: ${line}`);
    return { ok: false, cartId, ...(orderId === undefined ? {} : { orderId }) };
  };
  /** Polls `read` until `done`; the last answer, or undefined after settleTimeoutMs. */
  const waitFor = async (read: () => Promise<Answer>, done: (answer: Answer) => boolean): Promise<Answer | undefined> => {
    const deadline = Date.now() + options.settleTimeoutMs;
    while (Date.now() < deadline) {
      const answer = await read();
      if (done(answer)) return answer;
      await sleep(options.pollIntervalMs);
    }
    return undefined;
  };
  const readCart = () => client.send('GET', cartPath, { as: shopper, accept: [200, 404, 503], retryUnavailable: false });
  const lines = (answer: Answer): CartLine[] => (answer.body['items'] as CartLine[] | undefined) ?? [];

  for (const product of products) {
    await client.send('PUT', `/products/${encodeURIComponent(product.productId)}`, { as: ADMIN, body: { name: product.name, priceCents: product.priceCents, restockQuantity: 50 }, idempotencyKey: `${runId}-cart-${product.productId}`, accept: [202] });
  }
  await client.send('POST', '/customers', { as: ADMIN, body: { customerId: shopper.subject, name: 'Cart Shopper', email: `${shopper.subject}@example.com` }, idempotencyKey: `${runId}-cart-customer`, accept: [202] });
  const created = await waitFor(() => client.send('GET', `/customers/${encodeURIComponent(shopper.subject)}`, { as: ADMIN, accept: [200, 404, 503], retryUnavailable: false }), (a) => a.status === 200);
  if (created === undefined) return fail(`customer ${shopper.subject} did not appear within ${options.settleTimeoutMs} ms`);
  await client.send('POST', `/customers/${encodeURIComponent(shopper.subject)}/deposits`, { as: ADMIN, body: { amountCents: 100_000 }, idempotencyKey: `${runId}-cart-deposit`, accept: [202] });
  print(`cart: the admin put ${products.map((p) => `${p.productId} (${euros(p.priceCents)})`).join(', ')} in the catalog and funded ${shopper.subject} with 1000.00`);

  // Adds the units, sent again while the product has not reached the cart service's catalog copy.
  const add = async (productId: string, quantity: number): Promise<string | undefined> => {
    const deadline = Date.now() + options.settleTimeoutMs;
    for (let attempt = 1; Date.now() < deadline; attempt++) {
      const accepted = await client.send('POST', `${cartPath}/items`, { as: shopper, body: { productId, quantity }, accept: [202] });
      const commandId = String(accepted.body['commandId']);
      const answer = await waitFor(readCart, (a) => a.status === 200 && (lines(a).some((line) => line.productId === productId) || (a.body['lastRejection'] as { commandId?: string } | undefined)?.commandId === commandId));
      if (answer === undefined) return `the cart did not show ${productId} within ${options.settleTimeoutMs} ms`;
      const rejection = answer.body['lastRejection'] as { commandId: string; reason: string } | undefined;
      if (rejection?.commandId !== commandId) {
        const line = lines(answer).find((l) => l.productId === productId) as CartLine;
        print(`cart: POST ${cartPath}/items ${productId} × ${quantity} → 202; the cart priced it from the catalog at ${euros(line.unitPriceCents)} (${line.name})${attempt > 1 ? ` (after ${attempt - 1} refusal(s) while the product reached the cart service)` : ''}`);
        return undefined;
      }
      if (!rejection.reason.startsWith('unknown product')) return `adding ${productId} was refused: ${rejection.reason}`;
      await sleep(options.pollIntervalMs);
    }
    return `${productId} did not reach the cart service's catalog within ${options.settleTimeoutMs} ms`;
  };
  for (const [product, quantity] of [[products[0], 2], [products[1], 1], [products[2], 1]] as const) {
    const problem = await add(product.productId, quantity);
    if (problem !== undefined) return fail(problem);
  }

  const removed = products[2].productId;
  await client.send('DELETE', `${cartPath}/items/${encodeURIComponent(removed)}`, { as: shopper, accept: [202] });
  const afterRemove = await waitFor(readCart, (a) => a.status === 200 && !lines(a).some((line) => line.productId === removed));
  if (afterRemove === undefined) return fail(`the cart still had ${removed} ${options.settleTimeoutMs} ms after DELETE`);
  const cartTotal = Number(afterRemove.body['totalCents']);
  print(`cart: DELETE ${cartPath}/items/${removed} → 202; GET ${cartPath}: ${lines(afterRemove).map((l) => `${l.quantity} × ${l.productId} at ${euros(l.unitPriceCents)}`).join(', ')}; total ${euros(cartTotal)}`);

  const checkout = await client.send('POST', `${cartPath}/checkout`, { as: shopper, idempotencyKey: `${runId}-cart-checkout`, accept: [202] });
  const orderId = String(checkout.body['orderId']);
  print(`cart: POST ${cartPath}/checkout → 202, order ${orderId}`);
  const final = await waitFor(() => client.send('GET', `/orders/${encodeURIComponent(orderId)}`, { as: shopper, accept: [200, 404, 503], retryUnavailable: false }), (a) => a.status === 200 && FINAL.has(String(a.body['status'])));
  if (final === undefined) return fail(`order ${orderId} did not reach a final status within ${options.settleTimeoutMs} ms`, orderId);
  const status = String(final.body['status']);
  const orderTotal = Number(final.body['totalCents']);
  print(`cart: order ${orderId} is ${status}, total ${euros(orderTotal)} (the cart said ${euros(cartTotal)})${final.body['reason'] === undefined ? '' : `: ${String(final.body['reason'])}`}`);
  const after = await readCart();
  print(`cart: GET ${cartPath} → ${String(after.body['status'])}${after.body['orderId'] === orderId ? ', pointing at the order' : ''}`);
  if (status !== 'COMPLETED') return fail(`the order ended ${status}, not COMPLETED`, orderId);
  if (orderTotal !== cartTotal) return fail(`the order charged ${euros(orderTotal)}, the cart showed ${euros(cartTotal)}`, orderId);
  return { ok: true, cartId, orderId };
}

/**
 * The demo's first phase, through the gateway only: every customer creates itself (with
 * its own token, as a shop's sign-up would), the admin credits its deposit (deposits are
 * admin-only: a customer cannot credit its own balance) and creates and restocks every
 * product, then the demo waits until the services show all of it (GET /customers/:id
 * and GET /products/:id), so the first order does not race its customer's deposit.
 *
 * @example
 * ```ts
 * await runSetup(client, workload, progress, { concurrency: 16, timeoutMs: 120_000 });
 * ```
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { isKstError } from '../../common/errors.ts';
import { ADMIN, customer, type DemoGatewayClient } from './gateway-client.ts';
import type { ProgressReporter } from './progress.ts';
import type { Workload } from './workload.ts';

/** Runs `work` on every item with at most `limit` at once. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface SetupOptions {
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface SetupResult {
  /** Customers and products the services did not show within the timeout. */
  readonly notVisible: readonly string[];
}

export async function runSetup(client: DemoGatewayClient, workload: Workload, progress: ProgressReporter, options: SetupOptions): Promise<SetupResult> {
  const { runId } = workload;
  const writes = workload.customers.length * 2 + workload.products.length;
  let written = 0;
  const step = (): void => {
    written += 1;
    progress.update({ phase: 'setting up', done: written, total: writes, detail: 'customers, deposits, restocks' });
  };
  await forEachLimited(workload.customers, options.concurrency, async (planned) => {
    const as = customer(planned.customerId);
    await client.send('POST', '/customers', { as, body: { name: planned.name, email: planned.email }, idempotencyKey: `${runId}-create-${planned.customerId}`, accept: [202] });
    step();
    await client.send('POST', `/customers/${encodeURIComponent(planned.customerId)}/deposits`, { as: ADMIN, body: { amountCents: planned.depositCents }, idempotencyKey: `${runId}-deposit-${planned.customerId}`, accept: [202] });
    step();
  });
  await forEachLimited(workload.products, options.concurrency, async (planned) => {
    await client.send('PUT', `/products/${encodeURIComponent(planned.productId)}`, {
      as: ADMIN,
      body: { name: planned.name, priceCents: planned.priceCents, restockQuantity: planned.stock, description: planned.description, category: planned.category },
      idempotencyKey: `${runId}-restock-${planned.productId}`,
      accept: [202],
    });
    step();
  });
  progress.finish({ phase: 'setting up', done: written, total: writes, detail: 'customers, deposits, restocks' });

  // Wait until the services show what was written: the queries read their stores.
  const pending = new Map<string, () => Promise<boolean>>();
  for (const planned of workload.customers) {
    pending.set(planned.customerId, async () => {
      const answer = await client.send('GET', `/customers/${encodeURIComponent(planned.customerId)}`, { as: customer(planned.customerId), accept: [200, 404, 503], retryUnavailable: false });
      return answer.status === 200 && Number(answer.body['depositedCents']) >= planned.depositCents;
    });
  }
  for (const planned of workload.products) {
    pending.set(planned.productId, async () => {
      const answer = await client.send('GET', `/products/${encodeURIComponent(planned.productId)}`, { as: ADMIN, accept: [200, 404, 503], retryUnavailable: false });
      return answer.status === 200 && Number(answer.body['available']) + Number(answer.body['reserved']) + Number(answer.body['sold']) >= planned.stock;
    });
  }
  const total = pending.size;
  const deadline = Date.now() + options.timeoutMs;
  const unchecked: string[] = [];
  while (pending.size > 0 && Date.now() < deadline && options.signal?.aborted !== true) {
    await forEachLimited([...pending], options.concurrency, async ([id, visible]) => {
      try {
        if (await visible()) pending.delete(id);
      } catch (error) {
        // A read the gateway cannot answer (a query server not configured) must not stop the demo: its orders still run.
        if (!isKstError(error, 'KST_DEMO_REQUEST_FAILED')) throw error;
        if (unchecked.length === 0) progress.log(`warning: cannot check that the setup is visible (${error.message}); going on without`);
        unchecked.push(id);
        pending.delete(id);
      }
    });
    progress.update({ phase: 'waiting for setup', done: total - pending.size, total, detail: 'visible through GET' });
    if (pending.size > 0) await sleep(500);
  }
  progress.finish({ phase: 'waiting for setup', done: total - pending.size, total, detail: 'visible through GET' });
  return { notVisible: [...pending.keys()] };
}

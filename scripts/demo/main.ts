/**
 * The demo: drives a realistic load against a running platform through its HTTP gateway
 * only, and prints how the orders ended.
 *
 *   npm run demo                              # 300 orders at 10/s against http://127.0.0.1:8080
 *   npm run demo -- --orders=1000 --rate=25   # flags are the keys of demo-config.ts
 *   DEMO_GATEWAY_URL=http://host:8080 DEMO_JWT_SECRET=… npm run demo
 *
 * Phases: customers sign up and deposit (some too little), the admin creates and restocks
 * products (a few stay sold out; each with a description and a category), the catalog
 * search finds them (`search-phase.ts`: by a word of a description, by category, with
 * facets), one customer registers an account, signs in, orders with
 * its access token and signs out (the token then refused; `sign-in-phase.ts`), then orders of five kinds are placed at the configured
 * rate (in stock, out of stock, partly in stock, too expensive, cancelled) and followed
 * until each reaches a final status; then a shopper fills a cart, removes an item, checks
 * out and follows the order (`cart-phase.ts`), and the sales analytics of the hour are
 * printed (`sales-phase.ts`). Ctrl-C stops placing and prints what is known.
 * Exit code 0 when every order was placed and settled and the cart phase went as it should,
 * 1 otherwise, 2 on a setup error.
 */

import { isKstError } from '../../common/errors.ts';
import { runCart } from './cart-phase.ts';
import { parseDemoConfig, resolveRunId, type DemoConfig } from './demo-config.ts';
import { customer, DemoGatewayClient } from './gateway-client.ts';
import { runOrders } from './order-phase.ts';
import { formatOutcome, summariseOutcome } from './outcome.ts';
import { ProgressReporter } from './progress.ts';
import { printSales } from './sales-phase.ts';
import { runSearch } from './search-phase.ts';
import { runSetup } from './setup-phase.ts';
import { runSignIn } from './sign-in-phase.ts';
import { countByKind, planWorkload } from './workload.ts';

async function run(config: DemoConfig, signal: AbortSignal): Promise<number> {
  const runId = resolveRunId(config);
  const workload = planWorkload({
    runId,
    orders: config.orders,
    customers: config.customers,
    products: config.products,
    rate: config.rate,
    seed: config.seed,
    shares: { outOfStock: config['share.out.of.stock'], tooExpensive: config['share.too.expensive'], cancelled: config['share.cancelled'], poorCustomers: config['share.poor.customers'] },
  });
  const mode = config.progress === 'auto' ? (process.stdout.isTTY ? 'bar' : 'lines') : config.progress;
  const progress = new ProgressReporter({ mode, out: process.stdout });
  const client = new DemoGatewayClient({ baseUrl: config['gateway.url'], secret: config['jwt.secret'], connections: config.connections, requestTimeoutMs: config['request.timeout.ms'] });
  try {
    await client.checkReachable();
    const kinds = Object.entries(countByKind(workload.orders)).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`).join(', ');
    console.log(`demo ${runId} against ${client.baseUrl}: ${workload.customers.length} customers (${workload.customers.filter((c) => c.poor).length} too poor), ${workload.products.length} products (${workload.products.filter((p) => p.stock === 0).length} sold out), ${workload.orders.length} orders at ${config.rate}/s (${kinds})`);

    const setup = await runSetup(client, workload, progress, { concurrency: config.connections, timeoutMs: config['setup.timeout.ms'], signal });
    if (setup.notVisible.length > 0) {
      progress.log(`warning: ${setup.notVisible.length} customers/products were not visible through GET within ${config['setup.timeout.ms']} ms (e.g. ${setup.notVisible.slice(0, 3).join(', ')}); are the query servers up? Placing the orders anyway.`);
    }
    if (signal.aborted) return 1;

    const searched = await runSearch(client, { runId, products: workload.products, caller: customer(workload.customers.at(-1)?.customerId ?? 'demo-searcher'), print: (line) => progress.log(line), timeoutMs: config['setup.timeout.ms'], signal });
    if (signal.aborted) return 1;

    const product = workload.products.find((p) => p.stock > 0);
    const signIn = product === undefined ? { ok: true } : await runSignIn(client, { runId, product, print: (line) => progress.log(line), settleTimeoutMs: config['settle.timeout.ms'] });
    if (signal.aborted) return 1;

    const results = await runOrders(client, workload.orders, progress, {
      concurrency: config.connections,
      pollIntervalMs: config['poll.interval.ms'],
      settleTimeoutMs: config['settle.timeout.ms'],
      signal,
      warn: (line) => progress.log(line),
    });
    console.log('');
    for (const line of formatOutcome(summariseOutcome(results))) console.log(line);
    const unsettled = results.filter((r) => r.status === 'UNSETTLED' || r.status === 'NOT_PLACED').length;
    if (unsettled > 0) console.log(`${unsettled} orders did not reach a final status${signal.aborted ? ' (interrupted)' : ` within ${config['settle.timeout.ms']} ms after the last was placed`}.`);
    if (!signIn.ok) console.log('the sign-in phase did not go as it should (see its lines above).');
    if (!searched.ok) console.log('the search phase did not go as it should (see its lines above).');
    if (signal.aborted) return 1;

    console.log('');
    const cart = await runCart(client, { runId, print: (line) => console.log(line), settleTimeoutMs: config['settle.timeout.ms'], pollIntervalMs: config['poll.interval.ms'] });
    if (!cart.ok) console.log('the cart phase did not go as it should (see its lines above).');
    console.log('');
    await printSales(client, { nowMs: Date.now(), print: (line) => console.log(line) });
    return unsettled === 0 && signIn.ok && searched.ok && cart.ok ? 0 : 1;
  } finally {
    await client.close();
  }
}

const controller = new AbortController();
process.once('SIGINT', () => {
  process.stdout.write('\ninterrupted: no more orders are placed; summarising what is known (Ctrl-C again to quit now)\n');
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});

try {
  const config = parseDemoConfig(process.argv.slice(2), process.env);
  process.exitCode = await run(config, controller.signal);
} catch (error) {
  process.stderr.write(`\n${isKstError(error) ? error.message : String((error as Error).stack ?? error)}\n`);
  process.exitCode = 2;
}

/**
 * The demo's sign-in phase against a real gateway with sign-in (real Kafka for commands,
 * accounts and revocations; the order reads answered by a stand-in that says COMPLETED for
 * the orders this customer placed): it registers, signs in, orders with its token, signs
 * out, sees the token refused, and prints each step.
 */
import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KstError } from '../../../common/errors.ts';
import { generateSigningKeyFile } from '../../../gateway/auth/signing-key.ts';
import { gatewayConfig } from '../../../gateway/config.ts';
import { startGateway } from '../../../gateway/gateway.ts';
import type { QueryReader } from '../../../gateway/http/context.ts';
import { DEV_JWT_SECRET } from '../../../scripts/demo/demo-config.ts';
import { DemoGatewayClient } from '../../../scripts/demo/gateway-client.ts';
import { runSignIn } from '../../../scripts/demo/sign-in-phase.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import type { OrderView } from '../../../topologies/ecommerce/contracts/views.ts';
import { bootstrap, createTopics, uniqueName } from '../../processors/client/helpers.ts';

test('the demo registers, signs in, orders with the access token, signs out and is refused after', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-demo-signin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'key.pem');
  generateSigningKeyFile(keyFile);
  const prefix = `${uniqueName('kst-it-demo-signin')}.`;
  await createTopics(['orders.commands', 'inventory.commands', 'customers.commands'].map((name) => ({ name: `${prefix}${name}`, partitions: 1 })));
  const placed = new Map<string, string>();
  const unused = async (): Promise<never> => { throw new Error('not used'); };
  const queries: QueryReader = {
    getOrder: async (orderId) => {
      const customerId = placed.get(orderId);
      if (customerId === undefined) throw new KstError('KST_QUERY_NOT_FOUND', `no order ${orderId}`, {});
      return { orderId, customerId, status: 'COMPLETED', items: [], totalCents: 0, createdAtMs: 1, updatedAtMs: 1, history: [{ status: 'COMPLETED', atMs: 1 }] } as OrderView;
    },
    listCustomerOrders: unused, getProduct: unused, getCustomer: unused, getCart: unused, watchOrder: unused,
  };
  const commands = { async publish(kind: string, key: string, command: { type: string; customerId?: string }) {
    if (command.type === 'CreateOrder') placed.set(key, command.customerId as string);
  }, close: async () => undefined };
  const gateway = await startGateway(gatewayConfig.parse({
    'http.port': 0,
    'jwt.secret': DEV_JWT_SECRET,
    'topic.prefix': prefix,
    'kafka.bootstrap.servers': bootstrap(),
    'registry.url': endpoints(loadStackConfig()).registryUrl,
    'auth.private.key.file': keyFile,
    'auth.scrypt.cost': 1_024,
  }), { logger: false, queries, commands: commands as never });
  t.after(() => gateway.close());
  const client = new DemoGatewayClient({ baseUrl: gateway.url, secret: DEV_JWT_SECRET, connections: 2, requestTimeoutMs: 10_000 });
  t.after(() => client.close());

  const lines: string[] = [];
  const result = await runSignIn(client, { runId: uniqueName('run'), product: { productId: 'p-1', name: 'Tea', priceCents: 450, stock: 5, description: 'Green tea', category: 'drinks' }, print: (line) => lines.push(line), settleTimeoutMs: 10_000 });
  assert.equal(result.ok, true, lines.join('\n'));
  assert.equal(placed.get(result.orderId as string), result.customerId, 'the order is the signed-in customer\'s');
  const text = lines.join('\n');
  assert.match(text, /registered demo-.*@example\.com → customer c-/);
  assert.match(text, /signed in; access token EdDSA .* verified with \/\.well-known\/jwks\.json/);
  assert.match(text, /is COMPLETED/);
  assert.match(text, /signed out \(204\); the same token now gets 401 \(invalid bearer token: revoked/);
  assert.match(text, /audit log is not available/, 'this gateway has no audit log; the demo says so');
});

/**
 * The sign-in state on the real broker: two instances of the gateway's sign-in streams
 * application (one group, as two gateways). A registration on one is seen by the other;
 * a second registration of the same email (on the other instance) loses to the first;
 * a revocation written through one is refused by both.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AuthState, type AccountRecord } from '../../../gateway/auth/auth-state.ts';
import { uniqueName } from '../../support/names.ts';

const BOOTSTRAP = [process.env['KST_IT_BOOTSTRAP'] ?? '127.0.0.1:9092'];

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const account = (email: string, name: string): AccountRecord => ({ registrationId: randomUUID(), email, customerId: `c-${randomUUID()}`, name, passwordHash: 'scrypt$2$1$1$c2FsdA$x', registeredAtMs: Date.now() });

test('two instances: registrations are first-wins and seen by both; a revocation is refused by both', { timeout: 120_000 }, async (t) => {
  const options = { bootstrapServers: BOOTSTRAP, topicPrefix: `${uniqueName('kst-it-auth')}.`, applicationId: uniqueName('kst-it-gateway-auth'), revocationRetentionMs: 86_400_000, partitions: 2 };
  const a = await AuthState.start(options);
  t.after(() => a.close());
  const b = await AuthState.start(options);
  t.after(() => b.close());

  const ann = account('ann@example.com', 'Ann');
  const first = await a.register(ann);
  assert.equal(first.created, true);
  assert.equal(first.account.customerId, ann.customerId);
  const seen = await eventually('b to see ann', () => b.account('ann@example.com'));
  assert.equal(seen.registrationId, ann.registrationId);

  const thief = account('ann@example.com', 'Not Ann');
  const second = await b.register(thief);
  assert.equal(second.created, false, 'a second registration of the same email must not win');
  assert.equal(second.account.customerId, ann.customerId);

  // Two registrations of a new email, one per instance, at once: exactly one wins, and both instances agree on it.
  const [x, y] = [account('bob@example.com', 'Bob A'), account('bob@example.com', 'Bob B')];
  const [rx, ry] = await Promise.all([a.register(x), b.register(y)]);
  assert.equal(Number(rx.created) + Number(ry.created), 1, `exactly one of two racing registrations wins (got ${rx.created}, ${ry.created})`);
  assert.equal(rx.account.registrationId, ry.account.registrationId);

  assert.equal(await b.isRevoked(['sid:s-1']), false);
  await a.revoke('sid:s-1', { revokedAtMs: Date.now(), expiresAtMs: Date.now() + 60_000 });
  assert.equal(await a.isRevoked(['sid:s-1']), true, 'the revoking instance refuses at once');
  await eventually('b to see the revocation', async () => ((await b.isRevoked(['jti:other', 'sid:s-1'])) ? true : undefined));
});

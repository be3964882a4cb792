/**
 * The demo's sign-in phase, as a customer of the platform would do it: register an account
 * (`POST /auth/register`), sign in (`POST /auth/token`), check the access token against the
 * keys the gateway publishes (`/.well-known/jwks.json`), get money deposited (by the admin),
 * place and follow an order with the access token, sign out (`POST /auth/logout`) and see
 * the same token refused. The admin then reads the order's audit log. Every step is
 * printed; `ok` is false when a step did not go as it should.
 *
 * @example
 * ```ts
 * const result = await runSignIn(client, { runId, product, print: console.log, settleTimeoutMs: 60_000 });
 * ```
 */

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { ADMIN, type DemoGatewayClient } from './gateway-client.ts';
import type { PlannedProduct } from './workload.ts';

export interface SignInOptions {
  readonly runId: string;
  /** An in-stock product to order. */
  readonly product: PlannedProduct;
  readonly print: (line: string) => void;
  readonly settleTimeoutMs: number;
}

export interface SignInResult {
  readonly ok: boolean;
  readonly customerId?: string;
  readonly orderId?: string;
}

const FINAL = new Set(['COMPLETED', 'REJECTED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED']);

async function call(baseUrl: string, method: string, path: string, options: { token?: string; body?: object } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export async function runSignIn(client: DemoGatewayClient, options: SignInOptions): Promise<SignInResult> {
  const { print } = options;
  const base = client.baseUrl;
  const email = `demo-${options.runId}@example.com`;
  const password = randomBytes(18).toString('base64url');
  const fail = (line: string, partial: Omit<SignInResult, 'ok'> = {}): SignInResult => {
    print(`sign-in: ${line}`);
    return { ok: false, ...partial };
  };

  const registered = await call(base, 'POST', '/auth/register', { body: { email, password, name: `Demo ${options.runId}` } });
  if (registered.status === 404) {
    print('sign-in: the gateway serves no sign-in (GATEWAY_AUTH_PRIVATE_KEY_FILE is not set); skipped');
    return { ok: true };
  }
  if (registered.status !== 201) return fail(`POST /auth/register answered ${registered.status}: ${String(registered.body['message'])}`);
  const customerId = String(registered.body['customerId']);
  print(`sign-in: registered ${email} → customer ${customerId} (201; the gateway chose the id)`);

  const signedIn = await call(base, 'POST', '/auth/token', { body: { email, password } });
  if (signedIn.status !== 200) return fail(`POST /auth/token answered ${signedIn.status}: ${String(signedIn.body['message'])}`, { customerId });
  const token = String(signedIn.body['access_token']);
  const jwks = (await call(base, 'GET', '/.well-known/jwks.json')).body as unknown as JSONWebKeySet;
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks));
  print(`sign-in: signed in; access token ${protectedHeader.alg} (kid ${String(protectedHeader.kid).slice(0, 12)}…), sub ${String(payload.sub)}, role ${String(payload['role'])}, expires in ${String(signedIn.body['expires_in'])} s; verified with /.well-known/jwks.json; refresh token issued`);

  await client.send('POST', `/customers/${encodeURIComponent(customerId)}/deposits`, { as: ADMIN, body: { amountCents: options.product.priceCents * 10 }, idempotencyKey: `${options.runId}-signin-deposit`, accept: [202] });
  const placed = await call(base, 'POST', '/orders', { token, body: { items: [{ productId: options.product.productId, quantity: 1 }] } });
  if (placed.status !== 202) return fail(`POST /orders with the access token answered ${placed.status}: ${String(placed.body['message'])}`, { customerId });
  const orderId = String(placed.body['orderId']);
  print(`sign-in: placed order ${orderId} (1 × ${options.product.productId}) with the access token, as ${String(placed.body['customerId'])}`);

  const deadline = Date.now() + options.settleTimeoutMs;
  let status = 'unknown';
  while (Date.now() < deadline) {
    const view = await call(base, 'GET', `/orders/${encodeURIComponent(orderId)}`, { token });
    if (view.status === 200) status = String(view.body['status']);
    if (FINAL.has(status)) break;
    await sleep(250);
  }
  print(`sign-in: order ${orderId} is ${status}${FINAL.has(status) ? '' : ` after ${options.settleTimeoutMs} ms (not final)`}`);

  const loggedOut = await call(base, 'POST', '/auth/logout', { token });
  if (loggedOut.status !== 204) return fail(`POST /auth/logout answered ${loggedOut.status}: ${String(loggedOut.body['message'])}`, { customerId, orderId });
  const refused = await call(base, 'GET', `/orders/${encodeURIComponent(orderId)}`, { token });
  print(`sign-in: signed out (204); the same token now gets ${refused.status}${typeof refused.body['message'] === 'string' ? ` (${refused.body['message']})` : ''}`);
  if (refused.status !== 401) return fail('the token still worked after sign-out', { customerId, orderId });

  const audit = await client.send('GET', `/orders/${encodeURIComponent(orderId)}/audit`, { as: ADMIN, accept: [200, 503], retryUnavailable: false });
  if (audit.status === 200) {
    const entries = audit.body['entries'] as Array<{ topic: string; record: { type?: unknown } }>;
    print(`sign-in: the audit log has ${entries.length} records of the order so far: ${entries.map((entry) => String(entry.record.type)).join(' → ') || '(the sink has not written them yet)'}`);
  } else {
    print(`sign-in: the audit log is not available (${String(audit.body['message'])})`);
  }
  return { ok: FINAL.has(status), customerId, orderId };
}

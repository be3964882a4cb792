/**
 * Sign-in: `POST /auth/register`, `POST /auth/token`, `POST /auth/refresh`,
 * `POST /auth/logout` and `GET /.well-known/jwks.json` (served only when the gateway has a
 * signing key, `GATEWAY_AUTH_PRIVATE_KEY_FILE`).
 *
 * - register: an email (kept lower-case) and a password of 12 to 128 characters, hashed
 *   with scrypt; the server chooses the customer id (`c-<uuid>`), which becomes the `sub`
 *   of the account's tokens and the id of the customer a CreateCustomer command makes.
 *   201, or 409 when the email has an account.
 * - token: the email and password → `access_token` (short-lived, role `customer`),
 *   `refresh_token`, `token_type`, `expires_in`. A wrong email and a wrong password
 *   answer the same 401 in about the same time.
 * - refresh: a refresh token → a new access token of the same session.
 * - logout (bearer access token): revokes the token's session, on every gateway
 *   instance (the revocation GlobalKTable); 204.
 *
 * Attempts are limited per account and per client address (429 with Retry-After): failed
 * sign-ins count for both, failed refreshes and every registration for the address.
 * These paths need no bearer token (but logout) and are outside the per-caller rate limit.
 *
 * @example
 * ```ts
 * registerAuthRoutes(app, context, signIn);
 * // POST /auth/token {"email":"ann@example.com","password":"…"} → 200 {"access_token":"…","token_type":"Bearer","expires_in":300,"refresh_token":"…","customer_id":"c-…"}
 * ```
 */

import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KstError } from '../../../common/errors.ts';
import type { CreateCustomer } from '../../../topologies/ecommerce/contracts/commands.ts';
import { hashPassword, verifyPassword } from '../../auth/password-hash.ts';
import type { SignIn } from '../../auth/sign-in.ts';
import { revocationKeys } from '../../auth/token-issuer.ts';
import { principalOf } from '../access.ts';
import type { GatewayContext } from '../context.ts';
import { AUTHENTICATED_ERRORS, errorResponses } from '../response-schemas.ts';

/** Paths answered without a bearer token (logout needs one). */
export const AUTH_PUBLIC_PATHS: ReadonlySet<string> = new Set(['/auth/register', '/auth/token', '/auth/refresh', '/.well-known/jwks.json']);

const email = { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$', description: 'The account\'s email; compared without regard to case.' } as const;
const password = { type: 'string', minLength: 12, maxLength: 128, description: '12 to 128 characters.' } as const;

const registerBody = {
  type: 'object', additionalProperties: false, required: ['email', 'password'],
  properties: { email, password, name: { type: 'string', minLength: 1, maxLength: 200, description: 'The customer\'s name; the email\'s local part when left out.' } },
} as const;
const tokenBody = { type: 'object', additionalProperties: false, required: ['email', 'password'], properties: { email, password: { type: 'string', minLength: 1, maxLength: 128 } } } as const;
const refreshBody = { type: 'object', additionalProperties: false, required: ['refresh_token'], properties: { refresh_token: { type: 'string', minLength: 1, maxLength: 4096 } } } as const;

const tokenResponse = {
  type: 'object', additionalProperties: false, required: ['access_token', 'token_type', 'expires_in', 'refresh_token', 'customer_id'],
  description: 'Tokens of a sign-in session (RFC 6749 §5.1 names).',
  properties: {
    access_token: { type: 'string', description: 'A JWT (EdDSA or RS256, keys at /.well-known/jwks.json) with sub = customer_id and role customer.' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer', description: 'Seconds the access token lives.' },
    refresh_token: { type: 'string', description: 'Trade it at POST /auth/refresh for a new access token of the same session.' },
    customer_id: { type: 'string' },
  },
} as const;
const registered = {
  type: 'object', additionalProperties: false, required: ['customerId', 'email'], description: 'The account is created; sign in with POST /auth/token.',
  headers: { location: { type: 'string', description: 'The customer the account acts as.' } },
  properties: { customerId: { type: 'string' }, email: { type: 'string' } },
} as const;
const jwks = { type: 'object', description: 'The public keys of the tokens the gateway issues (RFC 7517).', additionalProperties: true, required: ['keys'], properties: { keys: { type: 'array', items: { type: 'object', additionalProperties: true } } } } as const;
const PUBLIC_ERRORS = [400, 401, 415, 429, 500, 503] as const;

interface Credentials {
  email: string;
  password: string;
  name?: string;
}

const addressKey = (request: FastifyRequest): string => `address:${request.ip}`;

/** 429 when any of the limits of `keys` is reached. */
function checkLimits(signIn: SignIn, account: string | undefined, request: FastifyRequest): void {
  const waits = [signIn.perAddress.check(addressKey(request)), account === undefined ? 0 : signIn.perAccount.check(account)];
  const waitMs = Math.max(...waits);
  if (waitMs > 0) {
    throw new KstError('KST_GATEWAY_SIGN_IN_LIMITED', `too many failed attempts ${waits[0] as number > 0 ? 'from this address' : 'for this account'}; retry in ${Math.ceil(waitMs / 1000)} s`, { retryAfterMs: waitMs });
  }
}

const noStore = (reply: FastifyReply): FastifyReply => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

export function registerAuthRoutes(app: FastifyInstance, context: GatewayContext, signIn: SignIn): void {
  app.post<{ Body: Credentials }>('/auth/register', {
    schema: { tags: ['auth'], operationId: 'register', summary: 'Create an account (a customer) with an email and a password', body: registerBody, response: { 201: registered, ...errorResponses(...PUBLIC_ERRORS, 409) } },
  }, async (request, reply) => {
    checkLimits(signIn, undefined, request);
    // Every registration counts against the address: accounts are not free to mint.
    signIn.perAddress.fail(addressKey(request));
    const address = request.body.email.trim().toLowerCase();
    const customerId = `c-${randomUUID()}`;
    const name = request.body.name ?? address.split('@')[0] as string;
    const exists = (): never => {
      throw new KstError('KST_GATEWAY_ACCOUNT_EXISTS', 'an account with this email exists; sign in with POST /auth/token', {});
    };
    if (await signIn.state.account(address) !== undefined) exists();
    const passwordHash = await hashPassword(request.body.password, signIn.scryptCost);
    // The customer first: an account that exists always has its customer, even when this
    // request times out after the registration was written. A registration that loses a race
    // leaves a customer no account signs in as.
    const command: CreateCustomer = { type: 'CreateCustomer', commandId: randomUUID(), issuedAtMs: context.now(), customerId, name, email: address };
    await context.commands.publish('customer', customerId, command);
    context.metrics.commands.inc({ type: command.type });
    const outcome = await signIn.state.register({ registrationId: randomUUID(), email: address, customerId, name, passwordHash, registeredAtMs: context.now() });
    if (!outcome.created) exists();
    return reply.code(201).header('location', `/customers/${customerId}`).send({ customerId, email: address });
  });

  app.post<{ Body: Credentials }>('/auth/token', {
    schema: { tags: ['auth'], operationId: 'signIn', summary: 'Sign in: an email and password for an access and a refresh token', body: tokenBody, response: { 200: tokenResponse, ...errorResponses(...PUBLIC_ERRORS) } },
  }, async (request, reply) => {
    const address = request.body.email.trim().toLowerCase();
    checkLimits(signIn, address, request);
    const account = await signIn.state.account(address);
    const matches = await verifyPassword(request.body.password, account?.passwordHash ?? signIn.decoyHash);
    if (account === undefined || !matches) {
      signIn.perAccount.fail(address);
      signIn.perAddress.fail(addressKey(request));
      throw new KstError('KST_GATEWAY_AUTH_FAILED', 'wrong email or password', {});
    }
    signIn.perAccount.succeed(address);
    const tokens = await signIn.issuer.issue(account.customerId);
    return noStore(reply).send({ access_token: tokens.accessToken, token_type: 'Bearer', expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, customer_id: account.customerId });
  });

  app.post<{ Body: { refresh_token: string } }>('/auth/refresh', {
    schema: { tags: ['auth'], operationId: 'refreshToken', summary: 'A new access token for a refresh token (same session)', body: refreshBody, response: { 200: tokenResponse, ...errorResponses(...PUBLIC_ERRORS) } },
  }, async (request, reply) => {
    checkLimits(signIn, undefined, request);
    let grant;
    try {
      grant = await signIn.issuer.verifyRefresh(request.body.refresh_token);
    } catch (error) {
      signIn.perAddress.fail(addressKey(request));
      throw error;
    }
    const accessToken = await signIn.issuer.accessToken(grant.subject, grant.sessionId);
    return noStore(reply).send({ access_token: accessToken, token_type: 'Bearer', expires_in: signIn.issuer.accessLifetimeS, refresh_token: request.body.refresh_token, customer_id: grant.subject });
  });

  app.post('/auth/logout', {
    schema: { tags: ['auth'], operationId: 'signOut', summary: 'Sign out: revoke the session of the bearer token (every gateway instance refuses its tokens)', response: { 204: { type: 'null', description: 'The session is revoked.' }, ...errorResponses(...AUTHENTICATED_ERRORS, 400) } },
  }, async (request, reply) => {
    const principal = principalOf(request);
    if (principal.sessionId === undefined) throw new KstError('KST_GATEWAY_REQUEST_INVALID', 'only a session the gateway issued (POST /auth/token) can be signed out; this token is not one', {});
    const expiresAtMs = context.now() + signIn.issuer.refreshLifetimeS * 1000;
    await signIn.state.revoke(revocationKeys(principal.sessionId)[0] as string, { revokedAtMs: context.now(), expiresAtMs });
    return reply.code(204).send();
  });

  app.get('/.well-known/jwks.json', {
    schema: { tags: ['auth'], operationId: 'jwks', summary: 'The public keys of the tokens the gateway issues', response: { 200: jwks } },
  }, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(signIn.key.jwks));
}

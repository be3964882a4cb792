/**
 * The HTTP API: a fastify instance with the access hook (401/429 before the body is read),
 * strict schema validation (no type coercion, no unknown fields: 400 naming the field), one
 * error handler (JSON `{ statusCode, error, code, message }`), request metrics, the
 * routes of `routes/` and their OpenAPI document at `/openapi.json` (`openapi.ts`). Built
 * from a context, so tests can give it fake commands or queries.
 *
 * @example
 * ```ts
 * const app = buildHttpApi(context, { verify: createTokenVerifier({ secret, maxLifetimeS: 3600 }), limiter, bodyLimit: 65_536 });
 * await app.listen({ host: '127.0.0.1', port: 8080 });
 * ```
 */

import Fastify, { type FastifyInstance } from 'fastify';
import type { Principal } from '../auth/jwt.ts';
import type { SignIn } from '../auth/sign-in.ts';
import type { AuditReader } from '../audit/audit-log.ts';
import { accessHook } from './access.ts';
import type { GatewayContext } from './context.ts';
import { errorHandler, sendError } from './http-errors.ts';
import { registerOpenApi } from './openapi.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { SHARED_RESPONSE_SCHEMAS } from './response-schemas.ts';
import { StreamSlots } from '../limits/stream-slots.ts';
import { DEFAULT_MAX_DEPOSIT_CENTS, registerCustomerRoutes } from './routes/customers.ts';
import { registerOrderEventRoutes } from './routes/order-events.ts';
import { registerOrderRoutes } from './routes/orders.ts';
import { PUBLIC_PATHS, registerOpsRoutes } from './routes/ops.ts';
import { registerOpsPageRoutes } from './routes/ops-page.ts';
import { registerProductRoutes } from './routes/products.ts';
import { registerProductSearchRoutes } from './routes/product-search.ts';
import type { ProductSearcher } from '../search/product-search.ts';
import { AUTH_PUBLIC_PATHS, registerAuthRoutes } from './routes/auth.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerAnalyticsRoutes, type SalesReader } from './routes/analytics.ts';
import { registerCartRoutes } from './routes/carts.ts';
import { registerTracing } from './tracing.ts';

/** The pino options the gateway passes to fastify's logger. */
export interface GatewayLoggerOptions {
  readonly level: string;
  /** Fields on every line (service, instance). */
  readonly base?: Readonly<Record<string, unknown>>;
  /** Write levels as names (`"level":"info"`), as the other processes do. */
  readonly formatters?: { level(label: string, number: number): Record<string, unknown> };
  /** pino's time field (`,"time":…`); ISO time as the other processes write it. */
  readonly timestamp?: () => string;
}

export interface HttpApiOptions {
  readonly verify: (token: string) => Principal | Promise<Principal>;
  readonly limiter: RateLimiter;
  readonly bodyLimit: number;
  /** Largest amount one deposit may credit. Default {@link DEFAULT_MAX_DEPOSIT_CENTS}. */
  readonly maxDepositCents?: number;
  /** Caps on open event streams. Default 10 per caller, 1 000 in total. */
  readonly streamSlots?: StreamSlots;
  /** fastify's logger (pino options or false). Default: warnings and errors. */
  readonly logger?: boolean | GatewayLoggerOptions;
  /** Sign-in (`/auth/*`, `/.well-known/jwks.json`); not served without it. */
  readonly signIn?: SignIn;
  /** The audit log behind `GET /orders/:id/audit`; without it the route answers 503. */
  readonly audit?: AuditReader;
  /** The analytics service's sales windows behind `GET /analytics/sales`; without it the route answers 503. */
  readonly sales?: SalesReader;
  /** The products search read model behind `GET /products`; without it the route answers 503. */
  readonly search?: ProductSearcher;
}

export function buildHttpApi(context: GatewayContext, options: HttpApiOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? { level: 'warn' },
    bodyLimit: options.bodyLimit,
    // Strict: "2" is not a quantity, and unknown fields are errors rather than dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // An id is up to 128 characters (schemas.ts), three times that percent-encoded; fastify's
    // default of 100 answered 414 to ids the API itself accepts in bodies.
    routerOptions: { maxParamLength: 3 * 128 },
    // URLs the router refuses (bad escapes, over-long ids) answer in the API's error shape.
    frameworkErrors: (error, _request, reply) => sendError(reply, error.statusCode ?? 400, 'KST_GATEWAY_REQUEST_INVALID', error.message),
  });
  const metrics = context.metrics;
  app.setErrorHandler(errorHandler);
  // First, so that the span covers the access checks and wraps every route's handler.
  registerTracing(app, PUBLIC_PATHS);
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'KST_GATEWAY_REQUEST_INVALID', `no route ${request.method} ${request.url.split('?')[0]}`));
  app.addHook('onRequest', accessHook({ verify: options.verify, limiter: options.limiter, publicPaths: options.signIn === undefined ? PUBLIC_PATHS : new Set([...PUBLIC_PATHS, ...AUTH_PUBLIC_PATHS]), onRejected: (reason) => metrics.rejected.inc({ reason }) }));
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode === 400) metrics.rejected.inc({ reason: 'invalid' });
    if (reply.statusCode === 403) metrics.rejected.inc({ reason: 'forbidden' });
  });
  for (const schema of SHARED_RESPONSE_SCHEMAS) app.addSchema(schema);
  registerOpenApi(app);
  // In a plugin, so the routes are declared after the OpenAPI generator is loaded and it sees them.
  app.register(async (api) => {
    registerOpsRoutes(api, context);
    registerOpsPageRoutes(api, context);
    registerOrderRoutes(api, context);
    registerOrderEventRoutes(api, context, options.streamSlots ?? new StreamSlots({ perCaller: 10, total: 1_000 }));
    registerCustomerRoutes(api, context, { maxDepositCents: options.maxDepositCents ?? DEFAULT_MAX_DEPOSIT_CENTS });
    registerProductRoutes(api, context);
    registerCartRoutes(api, context);
    if (options.signIn !== undefined) registerAuthRoutes(api, context, options.signIn);
    registerAuditRoutes(api, options.audit);
    registerAnalyticsRoutes(api, context, options.sales);
    registerProductSearchRoutes(api, options.search);
  });
  return app;
}

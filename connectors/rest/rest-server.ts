/**
 * The Connect REST server (fastify): Connect's paths, status codes and JSON bodies, and
 * Connect's error body `{"error_code", "message"}` for every failure, including unknown
 * paths and malformed JSON, so curl scripts, kcctl and UIs written for Kafka Connect work.
 */

import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Herder } from '../herder.ts';
import { basicAuthHook, type BasicAuth } from './basic-auth.ts';
import type { LoggerRegistry } from '../logging/loggers.ts';
import { ConnectRestError } from './rest-error.ts';
import { isKstError } from '../../common/errors.ts';
import { connectorRoutes } from './routes/connector-routes.ts';
import { lifecycleRoutes } from './routes/lifecycle-routes.ts';
import { loggerRoutes } from './routes/logger-routes.ts';
import { metricsRoutes } from './routes/metrics-routes.ts';
import { offsetRoutes } from './routes/offset-routes.ts';
import { pluginRoutes } from './routes/plugin-routes.ts';
import { rootRoutes, type WorkerInfo } from './routes/root-routes.ts';

export interface RestContext {
  readonly herder: Herder;
  readonly loggers: LoggerRegistry;
  readonly info: WorkerInfo;
  /** When set, every route but `GET /` needs basic auth. */
  readonly auth?: BasicAuth;
  /** Served at `GET /metrics` (Prometheus text format) when set. */
  readonly metrics?: { readonly contentType: string; metrics(): Promise<string> };
}

/**
 * Builds the server; `listen` is the caller's.
 *
 * @example
 * ```ts
 * const app = buildRestServer({ herder, loggers, info });
 * await app.listen({ host: '127.0.0.1', port: 8083 });
 * ```
 */
export function buildRestServer(context: RestContext): FastifyInstance {
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    // Jersey answers `/connectors/` as `/connectors`.
    routerOptions: { ignoreTrailingSlash: true },
    // Errors the router raises before any route runs (a malformed percent-encoding, a bad
    // content type header) get Connect's error body too.
    frameworkErrors: (error, _request, reply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      void (reply as unknown as FastifyReply).code(status).send({ error_code: status, message: error.message });
    },
  });
  if (context.auth !== undefined) app.addHook('onRequest', basicAuthHook(context.auth));
  app.setErrorHandler((error: FastifyError | ConnectRestError, _request, reply) => {
    if (error instanceof ConnectRestError) return reply.code(error.status).send({ error_code: error.status, message: error.restMessage });
    // A passing condition of the servers behind the worker (Kafka unreachable, a request timing out): 503, retry later.
    if (isKstError(error) && error.canRetry) return reply.code(503).send({ error_code: 503, message: error.message });
    const code = (error as FastifyError).statusCode;
    if (code === 415) return reply.code(415).send({ error_code: 415, message: 'HTTP 415 Unsupported Media Type' });
    const status = typeof code === 'number' && code >= 400 && code < 500 ? code : 500;
    if (status === 500) context.loggers.get('io.kstreams.connect.runtime.rest.RestServer').error(`request failed: ${error.stack ?? error.message}`);
    return reply.code(status).send({ error_code: status, message: error.message });
  });
  // A known path with another method is Jersey's 405, not a 404.
  const routes: Array<{ readonly method: string; readonly path: RegExp }> = [];
  app.addHook('onRoute', (route) => {
    const path = new RegExp(`^${route.url.replace(/\/$/, '').split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`);
    for (const method of [route.method].flat()) routes.push({ method, path });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (routes.some((r) => r.method !== request.method && r.path.test(path))) return reply.code(405).send({ error_code: 405, message: 'HTTP 405 Method Not Allowed' });
    return reply.code(404).send({ error_code: 404, message: 'HTTP 404 Not Found' });
  });
  // Connect's resources consume JSON only: a text/plain body is Jersey's 415.
  app.removeContentTypeParser('text/plain');
  // Connect accepts an empty body on PUT/POST endpoints that take none (pause, restart).
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new ConnectRestError(400, `Unrecognized token in request body: ${(error as Error).message}`), undefined);
    }
  });
  app.register(rootRoutes(context));
  app.register(connectorRoutes(context));
  app.register(lifecycleRoutes(context));
  app.register(offsetRoutes(context));
  app.register(pluginRoutes(context));
  app.register(loggerRoutes(context));
  app.register(metricsRoutes(context));
  return app;
}

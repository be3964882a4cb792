/**
 * The ops page: `GET /ops` serves a static page (`gateway/ops/page/`: HTML, a script and a
 * style sheet, no data in them, so they are served without a token) that asks for an admin
 * token, keeps it in the browser's localStorage and reads with it:
 *
 * - `GET /ops/snapshot` (admins only: a customer token gets 403): every service's topology
 *   from its `describe()`, each instance's state, threads, active and standby tasks and store
 *   lags, and the committed lag of each input partition and its owner (`ops/ops-collector.ts`);
 * - `GET /orders/:id/events` for an order's saga timeline, as it happens.
 *
 * @example
 * ```ts
 * registerOpsPageRoutes(app, context);
 * // open http://127.0.0.1:8080/ops, paste an admin token
 * // curl -H 'authorization: Bearer <admin token>' http://127.0.0.1:8080/ops/snapshot
 * ```
 */

import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { KstError } from '../../../common/errors.ts';
import { principalOf, requireAdmin } from '../access.ts';
import type { GatewayContext } from '../context.ts';
import { AUTHENTICATED_ERRORS, errorResponses, textResponse } from '../response-schemas.ts';

const asset = (name: string): string => readFileSync(new URL(`../../ops/page/${name}`, import.meta.url), 'utf8');

/** The page's files: path → [media type, content], read once. */
const ASSETS: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['/ops', ['text/html; charset=utf-8', asset('index.html')]],
  ['/ops/ops.js', ['text/javascript; charset=utf-8', asset('ops.js')]],
  ['/ops/ops.css', ['text/css; charset=utf-8', asset('ops.css')]],
]);

/** The page's own files, answered without a token (they hold no data). */
export const OPS_PAGE_PATHS: ReadonlySet<string> = new Set(ASSETS.keys());

const snapshot = { type: 'object', description: 'Every service of the platform: its topology, its instances with their tasks and lags, its input partitions\' lag.', additionalProperties: true } as const;

const SUMMARIES: Readonly<Record<string, readonly [string, string]>> = {
  '/ops': ['getOpsPage', 'The ops page (HTML; it asks for an admin token and reads /ops/snapshot with it)'],
  '/ops/ops.js': ['getOpsPageScript', 'The ops page\'s script'],
  '/ops/ops.css': ['getOpsPageStyle', 'The ops page\'s style sheet'],
};

export function registerOpsPageRoutes(app: FastifyInstance, context: GatewayContext): void {
  for (const [path, [type, content]] of ASSETS) {
    const [operationId, summary] = SUMMARIES[path] as readonly [string, string];
    app.get(path, {
      schema: { tags: ['ops'], operationId, summary, response: { 200: textResponse(type.split(';')[0] as string, summary), ...errorResponses(500) } },
    }, async (_request, reply) => reply.type(type).header('cache-control', 'no-cache').send(content));
  }
  app.get('/ops/snapshot', {
    schema: { tags: ['ops'], operationId: 'getOpsSnapshot', summary: 'Every service\'s topology, instances, tasks and lags (admins only)', response: { 200: snapshot, ...errorResponses(...AUTHENTICATED_ERRORS) } },
  }, async (request) => {
    requireAdmin(principalOf(request), 'read the ops snapshot');
    if (context.ops === undefined) throw new KstError('KST_QUERY_UNAVAILABLE', 'the gateway has no query servers to ask for the ops snapshot', {});
    return context.ops.collect();
  });
}

/**
 * `GET /orders/:id/events`: the order's transitions as server-sent events while it
 * changes, each once, ending after the transition into a final status. Each event is
 * `event: transition`, `id: <index in the order's history>` and the JSON
 * `{ index, status, atMs, reason?, final, order }`; a browser that reconnects sends
 * `Last-Event-ID` and resumes after it. A comment line every `sseHeartbeatMs` keeps
 * proxies from closing an idle stream. If the stream cannot go on (the order service is
 * unavailable past the retries) an `event: error` carries the code and message.
 *
 * The order is read once before the stream opens, waiting up to `sseAwaitCreationMs` for
 * an order just submitted, so a missing order is a plain 404 and another customer's a 403.
 * Streams are capped per caller and in total (`StreamSlots`): over a cap, 429.
 * A HEAD gets the same checks and the stream's headers, and watches nothing (nor takes a slot).
 *
 * @example
 * ```ts
 * registerOrderEventRoutes(app, context, new StreamSlots({ perCaller: 10, total: 1_000 }));
 * // curl -N -H 'authorization: Bearer …' http://127.0.0.1:8080/orders/o-1/events
 * ```
 */

import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { isKstError } from '../../../common/errors.ts';
import type { OrderView } from '../../../topologies/ecommerce/contracts/views.ts';
import type { OrderEvent } from '../../queries/query-client.ts';
import type { StreamSlots } from '../../limits/stream-slots.ts';
import { callerKey, principalOf, requireCustomerAccess } from '../access.ts';
import type { GatewayContext } from '../context.ts';
import { AUTHENTICATED_ERRORS, errorResponses, READ_ERRORS, textResponse } from '../response-schemas.ts';
import { idParams } from '../schemas.ts';

const eventStream = textResponse('text/event-stream', 'Server-sent events: `event: transition`, `id: <index>`, `data: { index, status, atMs, reason?, final, order }` per transition, ending after a final status; `event: error` with `{ code, message }` if the stream cannot go on.');
const lastEventId = { type: 'object', properties: { 'last-event-id': { type: 'string', description: 'The id of the last event seen; the stream resumes after it.' } } } as const;

type IdParams = { id: string };

const STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' } as const;

/** The order, waiting for it to appear for up to `waitMs` (it may have just been submitted). */
async function awaitOrder(context: GatewayContext, orderId: string, waitMs: number): Promise<OrderView> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await context.queries.getOrder(orderId);
    } catch (error) {
      if (!isKstError(error, 'KST_QUERY_NOT_FOUND') || Date.now() >= deadline) throw error;
      await sleep(200);
    }
  }
}

function frame(event: OrderEvent): string {
  const { index, transition, order, final } = event;
  return `event: transition\nid: ${index}\ndata: ${JSON.stringify({ index, ...transition, final, order })}\n\n`;
}

export function registerOrderEventRoutes(app: FastifyInstance, context: GatewayContext, slots: StreamSlots): void {
  app.get<{ Params: IdParams }>('/orders/:id/events', {
    schema: { tags: ['orders'], operationId: 'watchOrderEvents', summary: 'Follow an order\'s transitions (server-sent events)', params: idParams('id'), headers: lastEventId, response: { 200: eventStream, ...errorResponses(...AUTHENTICATED_ERRORS, ...READ_ERRORS) } },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const orderId = request.params.id;
    const order = await awaitOrder(context, orderId, context.sseAwaitCreationMs);
    requireCustomerAccess(principal, order.customerId);
    // HEAD (fastify serves it for every GET) gets the headers only: node sends a HEAD's
    // headers at the end of the response, so a watch would hold it unanswered until the
    // order is final.
    if (request.method === 'HEAD') return reply.code(200).headers(STREAM_HEADERS).send();
    const release = slots.acquire(callerKey(principal));
    const lastEventId = Number(request.headers['last-event-id']);
    const fromIndex = Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? lastEventId + 1 : 0;

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, STREAM_HEADERS);
    raw.write(': watching\n\n');
    const abort = new AbortController();
    request.raw.on('close', () => abort.abort());
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), context.sseHeartbeatMs);
    try {
      await context.queries.watchOrder(orderId, { fromIndex, awaitCreationMs: context.sseAwaitCreationMs, signal: abort.signal, onEvent: (event) => raw.write(frame(event)) });
    } catch (error) {
      const data = isKstError(error) ? { code: error.code, message: error.message } : { code: 'KST_GATEWAY_INTERNAL', message: 'the event stream failed' };
      if (!isKstError(error)) request.log.error({ err: error }, 'order event stream failed');
      if (!abort.signal.aborted) raw.write(`event: error\ndata: ${JSON.stringify(data)}\n\n`);
    } finally {
      clearInterval(heartbeat);
      release();
      raw.end();
    }
  });
}

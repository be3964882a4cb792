/**
 * `GET /orders/:id/audit` (admins only; 403 for a customer, even for its own order): every
 * command and event that names the order, as the audit log keeps them (PostgreSQL table
 * `audit_log`, appended by the `audit-postgres` sink connector) in the order they happened,
 * each with its topic, partition, offset and timestamp. An order nothing names yet answers an empty
 * list; without an audit log configured (`GATEWAY_AUDIT_POSTGRES_URL`), 503.
 *
 * @example
 * ```ts
 * registerAuditRoutes(app, new AuditLog({ url, table: 'audit_log' }));
 * // GET /orders/o-1/audit (admin) → 200 {"orderId":"o-1","entries":[{"topic":"orders.commands","partition":0,"offset":12,"timestampMs":…,"record":{"type":"CreateOrder",…}},…]}
 * ```
 */

import type { FastifyInstance } from 'fastify';
import { KstError } from '../../../common/errors.ts';
import type { AuditReader } from '../../audit/audit-log.ts';
import { principalOf, requireAdmin } from '../access.ts';
import { AUTHENTICATED_ERRORS, errorResponses } from '../response-schemas.ts';
import { idParams } from '../schemas.ts';

const auditEntries = {
  type: 'object', additionalProperties: false, required: ['orderId', 'entries'],
  description: 'The commands and events naming the order, in the order they happened (their atMs or issuedAtMs).',
  properties: {
    orderId: { type: 'string' },
    entries: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['topic', 'partition', 'offset', 'timestampMs', 'record'],
        properties: {
          topic: { type: 'string' },
          partition: { type: 'integer' },
          offset: { type: 'integer' },
          timestampMs: { type: ['integer', 'null'] },
          record: { type: 'object', additionalProperties: true, description: 'The command or event.' },
        },
      },
    },
  },
} as const;

export function registerAuditRoutes(app: FastifyInstance, audit: AuditReader | undefined): void {
  app.get<{ Params: { id: string } }>('/orders/:id/audit', {
    schema: { tags: ['orders'], operationId: 'getOrderAudit', summary: 'Every command and event of an order, from the audit log (admins only)', params: idParams('id'), response: { 200: auditEntries, ...errorResponses(...AUTHENTICATED_ERRORS, 400) } },
  }, async (request) => {
    requireAdmin(principalOf(request), 'read the audit log');
    if (audit === undefined) throw new KstError('KST_GATEWAY_AUDIT_UNAVAILABLE', 'the gateway has no audit log configured (GATEWAY_AUDIT_POSTGRES_URL)', { retryAfterMs: 60_000 });
    return { orderId: request.params.id, entries: await audit.byOrder(request.params.id) };
  });
}

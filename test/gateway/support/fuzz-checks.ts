/**
 * What must hold for every answer of the gateway to a fuzzed request, whatever the auth,
 * pricing or validation rules of the day say is accepted:
 *
 * - no 5xx other than 503 (which carries Retry-After);
 * - every 4xx is JSON with a message (and a 401 says `WWW-Authenticate: Bearer`);
 * - an id the API accepts (ID_PATTERN) is never refused in a path;
 * - a refused token never gets a 2xx, except on the public paths;
 * - a request that is not accepted (anything but 202) produces nothing; an accepted one
 *   produces exactly one command to its route's stream (none when it is a replay);
 * - a produced command is well-formed (it fits its Avro schema, ids match the id pattern,
 *   amounts and quantities are positive) and a customer's command concerns only itself.
 *
 * `fuzzParameters` gives every fuzz test a fixed seed (printed by fast-check on failure,
 * with the path of the failing case) so a failure replays: `FUZZ_SEED=<seed>` and
 * `FUZZ_PATH=<path>` rerun it (with `--test-name-pattern` naming its test: a path belongs
 * to one property), `FUZZ_RUNS=<n>` changes the number of runs.
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(requests, async (r) => checkAnswer(r, await send(r), produced())), fuzzParameters(400));
 * ```
 */

import assert from 'node:assert/strict';
import avro from 'avsc';
import type fc from 'fast-check';
import type { CommandKind } from '../../../gateway/commands/command-publisher.ts';
import { ID_PATTERN } from '../../../gateway/http/schemas.ts';
import { ecommerceSchema, type EcommerceSchemaName } from '../../../schemas/ecommerce/index.ts';
import { toAvroRecord } from '../../../topologies/ecommerce/contracts/avro-records.ts';
import { CALLERS, type FuzzRequest } from './fuzz-requests.ts';

/** The seed the fuzz tests run with unless FUZZ_SEED says otherwise. */
export const DEFAULT_FUZZ_SEED = 20_261_207;

export function fuzzParameters<T>(numRuns: number): fc.Parameters<T> {
  const env = process.env;
  return {
    seed: Number(env['FUZZ_SEED'] ?? DEFAULT_FUZZ_SEED),
    numRuns: Number(env['FUZZ_RUNS'] ?? numRuns),
    ...(env['FUZZ_PATH'] === undefined ? {} : { path: env['FUZZ_PATH'] }),
  };
}

/** A response as the checks need it; header names lower case. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** A command seen produced; `command` when the observer can see it (not from offsets). */
export interface Produced {
  readonly kind: CommandKind;
  readonly command?: Readonly<Record<string, unknown>>;
}

const SCHEMAS: Readonly<Record<CommandKind, EcommerceSchemaName>> = { order: 'order-command', inventory: 'inventory-command', customer: 'customer-command', cart: 'cart-command' };
const avroTypes = new Map<CommandKind, { type: avro.Type; nullable: string[] }>();

function avroType(kind: CommandKind): { type: avro.Type; nullable: string[] } {
  let entry = avroTypes.get(kind);
  if (entry === undefined) {
    const schema = ecommerceSchema(SCHEMAS[kind]) as { fields: Array<{ name: string; type: unknown }> };
    const nullable = schema.fields.filter((f) => Array.isArray(f.type) && f.type.includes('null')).map((f) => f.name);
    entry = { type: avro.Type.forSchema(schema as avro.Schema), nullable };
    avroTypes.set(kind, entry);
  }
  return entry;
}

const ID = new RegExp(ID_PATTERN);
const POSITIVE = ['quantity', 'unitPriceCents', 'amountCents', 'priceCents', 'deadlineMs'];

/** The command fits its schema, names entities by valid ids, counts and amounts are positive. */
export function checkCommand(produced: Produced, context: string): void {
  const command = produced.command;
  if (command === undefined) return;
  const { type, nullable } = avroType(produced.kind);
  const errors: string[] = [];
  type.isValid(toAvroRecord(command, nullable), { errorHook: (path) => errors.push(path.join('.')) });
  assert.deepEqual(errors, [], `${context}: the command does not fit its Avro schema: ${JSON.stringify(command)}`);
  const items = Array.isArray(command['items']) ? (command['items'] as Array<Record<string, unknown>>) : [];
  for (const [field, value] of [...Object.entries(command), ...items.flatMap((item) => Object.entries(item))]) {
    if ((field === 'customerId' || field === 'productId') && typeof value === 'string') assert.match(value, ID, `${context}: ${field} of a produced command`);
    if (POSITIVE.includes(field) && value !== undefined && value !== null) assert.ok(Number.isSafeInteger(value) && (value as number) >= 1, `${context}: ${field} ${String(value)} of a produced command`);
  }
  if (command['restockQuantity'] !== undefined) assert.ok(Number.isSafeInteger(command['restockQuantity']) && (command['restockQuantity'] as number) >= 0, `${context}: restockQuantity`);
}

function json(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Throws (an AssertionError naming the rule) when an answer breaks one of the rules above. */
export function checkAnswer(request: FuzzRequest, answer: Answer, produced: readonly Produced[]): void {
  const { status } = answer;
  const context = `${request.method} ${request.url.slice(0, 200)} → ${status} ${answer.body.slice(0, 300)}`;
  assert.ok(status < 500 || status === 503, `${context}: a 5xx other than 503`);
  if (status === 503) assert.ok(answer.headers['retry-after'] !== undefined, `${context}: a 503 without Retry-After`);
  if (status >= 400 && status < 500 && request.method !== 'HEAD') {
    assert.match(answer.headers['content-type'] ?? '', /^application\/json/, `${context}: a 4xx that is not JSON`);
    const message = json(answer.body)?.['message'];
    assert.ok(typeof message === 'string' && message.length > 0, `${context}: a 4xx without a message`);
  }
  if (request.pathId !== undefined && ID.test(request.pathId)) {
    const refusedPath = status === 414 || (status === 400 && /params|url/i.test(String(json(answer.body)?.['message'])));
    assert.ok(!refusedPath, `${context}: an id the API accepts was refused in the path`);
  }
  if (status === 401) assert.equal(answer.headers['www-authenticate'], 'Bearer', `${context}: WWW-Authenticate`);
  if (request.caller === undefined && request.route.public !== true) assert.ok(status < 200 || status >= 300, `${context}: a refused token got a 2xx`);

  if (status !== 202) {
    assert.deepEqual(produced.map((p) => p.kind), [], `${context}: a request that was not accepted produced`);
    return;
  }
  const replayed = answer.headers['idempotent-replayed'] === 'true';
  assert.ok(request.route.produces !== undefined && request.method === request.route.method, `${context}: a 202 from a route that does not write`);
  assert.deepEqual(produced.map((p) => p.kind), replayed ? [] : [request.route.produces], `${context}: an accepted request produces one command to its stream (none on a replay)`);
  const caller = request.caller === undefined ? undefined : CALLERS[request.caller];
  assert.ok(caller !== undefined, `${context}: accepted without a valid token`);
  for (const p of produced) {
    checkCommand(p, context);
    if (p.command === undefined || caller.role === 'admin') continue;
    assert.notEqual(p.command['type'], 'UpsertProduct', `${context}: a customer changed a product`);
    assert.equal(p.command['customerId'], caller.subject, `${context}: a customer's command concerns another customer`);
  }
}

/**
 * Hostile JSON for the gateway's fuzz tests: odd values (numbers past every bound, numbers
 * JSON can write but JavaScript cannot hold, long and unicode strings, prototype keys),
 * mutations of a plausible body (a field dropped, replaced, added, at any depth) and the
 * serialiser that writes them, raw number literals included.
 *
 * @example
 * ```ts
 * const bodies = mutated(fc.record({ amountCents: fc.integer({ min: 1, max: 100 }) }));
 * const text = toJsonText(fc.sample(bodies, 1)[0]);
 * ```
 */

import fc from 'fast-check';

const RAW = Symbol('raw JSON');

/** A number literal written as is: `1e400`, 30 digits, `-0`. */
interface RawJson {
  readonly [RAW]: string;
}

const raw = (text: string): RawJson => ({ [RAW]: text });
const isRaw = (value: unknown): value is RawJson => typeof value === 'object' && value !== null && RAW in value;

/** JSON text of a value that may hold raw literals and own `__proto__` keys. */
export function toJsonText(value: unknown): string {
  if (isRaw(value)) return value[RAW];
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.keys(value).map((k) => `${JSON.stringify(k)}:${toJsonText((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** Sets an own property, even `__proto__`, without touching the prototype. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const oddNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(0, -0, -1, -1_000_000, 0.5, 1.5, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 1e12, 1e12 + 1, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e21, 1e308, -1e308, Number.MIN_VALUE),
  fc.constantFrom<unknown>(raw('1e400'), raw('-1e400'), raw('123456789012345678901234567890'), raw('-0'), raw('1.0'), raw('1E3'), raw('9007199254740993')),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const oddString: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('', ' ', '2', 'true', 'null', '\u0000', '\ud800', '\u202e', '🛒'.repeat(3), 'é'.normalize('NFD'), '../../etc/passwd', '<script>', "'; DROP TABLE x; --", '${7*7}'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  // Around the schemas' limits (ids 128, names 200, emails 320, reasons 500) and past them.
  fc.constantFrom(127, 128, 129, 199, 200, 201, 320, 321, 500, 501, 5_000).chain((n) => fc.constantFrom('a'.repeat(n), `${'a'.repeat(Math.max(0, n - 6))}@x.org`, '€'.repeat(n))),
);

/** Any value a careless or hostile client might put in a field. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: oddNumber },
  { weight: 3, arbitrary: oddString },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [1], { a: 1 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Keys worth adding: the server's own fields, prototype keys and random ones. */
export const oddKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'admin', 'customerId', 'orderId', 'commandId', 'priceCents', 'unitPriceCents', 'balanceCents', 'items', 'status'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** Just past the schemas' bounds, or not integers: what a number next to a valid one becomes. */
const boundaryNumber: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(0, -1, 1.5, 2 ** 53, raw('1e400'), '1') },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(-0, 0.5, 2 ** 31, 1e12 + 1, 86_400_001, 1_000_001, 1_000_000_001, 1e21) },
);

interface Mutation {
  readonly kind: 'delete' | 'replace' | 'add' | 'number';
  readonly at: number;
  readonly which: number;
  readonly key: string;
  readonly value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('delete', 'replace', 'add'), at: fc.nat(), which: fc.nat(), key: oddKey, value: oddValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('number' as const), at: fc.nat(), which: fc.nat(), key: fc.constant(''), value: boundaryNumber }) },
);

/** Every place a number sits: its container and key. */
function numbers(value: unknown): Array<[Record<string, unknown> | unknown[], string | number]> {
  return containers(value).flatMap((c) => Object.entries(c).filter(([, v]) => typeof v === 'number').map(([k]): [Record<string, unknown> | unknown[], string | number] => [c, Array.isArray(c) ? Number(k) : k]));
}

/** Every object and array in a value, the value itself first. */
function containers(value: unknown, into: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
  if (value === null || typeof value !== 'object' || isRaw(value)) return into;
  into.push(value as Record<string, unknown>);
  for (const child of Object.values(value)) containers(child, into);
  return into;
}

/** A deep copy that keeps raw literals (structuredClone drops their symbol key). */
function clone(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || isRaw(value)) return value;
  if (Array.isArray(value)) return value.map(clone);
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) put(copy, key, clone(child));
  return copy;
}

function apply(body: unknown, mutations: readonly Mutation[]): unknown {
  const copy = clone(body);
  for (const { value, ...m } of mutations) {
    // Generated constants are shared between runs: insert copies, never the instance.
    const inserted = clone(value);
    if (m.kind === 'number') {
      const spots = numbers(copy);
      const spot = spots[m.at % Math.max(1, spots.length)];
      if (spot !== undefined) (spot[0] as Record<string | number, unknown>)[spot[1]] = inserted;
      continue;
    }
    const all = containers(copy);
    const target = all[m.at % Math.max(1, all.length)];
    if (target === undefined) return inserted;
    if (Array.isArray(target)) {
      if (m.kind === 'add') target.push(inserted);
      else if (target.length > 0 && m.kind === 'delete') target.splice(m.which % target.length, 1);
      else if (target.length > 0) target[m.which % target.length] = inserted;
      continue;
    }
    const keys = Object.keys(target);
    const existing = keys[m.which % Math.max(1, keys.length)];
    if (m.kind === 'add' || existing === undefined) put(target, m.key, inserted);
    else if (m.kind === 'delete') delete target[existing];
    else put(target, existing, inserted);
  }
  return copy;
}

/** A plausible body with one mutation: wrong in one place only, so it reaches deep checks. */
export function nearlyValid(plausible: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const numeric = fc.record({ kind: fc.constant('number' as const), at: fc.nat(), which: fc.nat(), key: fc.constant(''), value: boundaryNumber });
  return fc.tuple(plausible, fc.oneof({ weight: 1, arbitrary: mutation }, { weight: 1, arbitrary: numeric })).map(([body, m]) => apply(body, [m]));
}

/** A plausible body as is (often), with one to three mutations, or replaced by an odd value. */
export function mutated(plausible: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: plausible },
    { weight: 5, arbitrary: fc.tuple(plausible, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([body, ms]) => apply(body, ms)) },
    { weight: 1, arbitrary: oddValue.map(clone) },
  );
}

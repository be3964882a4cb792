/**
 * Responses of writes kept by (caller, Idempotency-Key), so a retried request gets the
 * first answer again and produces no second command. Bounded two ways: at most
 * `maxEntries` (the oldest go first) and each for `ttlMs`.
 *
 * A request that arrives while the first one with its key is still running waits for that
 * one's outcome instead of racing it. A failed first attempt is forgotten, so the retry
 * runs again; it derives the same ids from the key (see `request-ids.ts`), so even a
 * command that did reach Kafka before the failure is repeated with the same commandId,
 * which the services deduplicate.
 *
 * The fingerprint (route and body) guards against a key reused for a different request.
 *
 * @example
 * ```ts
 * const cache = new IdempotencyCache<Reply>({ maxEntries: 10_000, ttlMs: 86_400_000 });
 * const outcome = await cache.run('customer:c-1', key, fingerprint, () => produceAndAnswer());
 * if (outcome.replayed) reply.header('idempotent-replayed', 'true');
 * ```
 */

import { KstError } from '../../common/errors.ts';

export interface IdempotencyCacheOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly now?: () => number;
}

interface Entry<T> {
  readonly fingerprint: string;
  readonly expiresAtMs: number;
  /** Settled once the first request finished. */
  readonly result: Promise<T>;
}

export interface Outcome<T> {
  readonly value: T;
  /** True when the value is the answer of an earlier request with the same key. */
  readonly replayed: boolean;
}

export class IdempotencyCache<T> {
  readonly #options: IdempotencyCacheOptions;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry<T>>();

  constructor(options: IdempotencyCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Runs `work` once per (caller, key) within the bounds; later calls get its result.
   * Throws `KST_GATEWAY_IDEMPOTENCY_CONFLICT` when the key was used for another request.
   */
  async run(caller: string, key: string, fingerprint: string, work: () => Promise<T>): Promise<Outcome<T>> {
    const id = `${caller}\u0000${key}`;
    const now = this.#now();
    const existing = this.#entries.get(id);
    if (existing !== undefined && existing.expiresAtMs > now) {
      if (existing.fingerprint !== fingerprint) {
        throw new KstError('KST_GATEWAY_IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was used for a different request; use a new key for a new request', { key });
      }
      return { value: await existing.result, replayed: true };
    }
    if (existing !== undefined) this.#entries.delete(id);
    const result = work();
    this.#entries.set(id, { fingerprint, expiresAtMs: now + this.#options.ttlMs, result });
    this.#evict();
    try {
      return { value: await result, replayed: false };
    } catch (error) {
      if (this.#entries.get(id)?.result === result) this.#entries.delete(id);
      throw error;
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  #evict(): void {
    const now = this.#now();
    // Entries are in insertion order, which is expiry order (one ttl for all).
    for (const [id, entry] of this.#entries) {
      if (this.#entries.size <= this.#options.maxEntries && entry.expiresAtMs > now) break;
      this.#entries.delete(id);
    }
  }
}

/**
 * Per-caller token buckets: each caller (a token's subject, or the client address before
 * authentication) may burst `burst` requests and then `perSecond` a second. Buckets refill
 * lazily from the time of the last take, so an idle caller costs nothing but its entry;
 * beyond `maxCallers` the least recently seen caller is forgotten (it comes back with a
 * full bucket, which errs on the caller's side).
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ burst: 10, perSecond: 5 });
 * const verdict = limiter.take('customer:c-1');
 * if (!verdict.allowed) reply.header('retry-after', Math.ceil(verdict.retryAfterMs / 1000)).code(429);
 * ```
 */

export interface RateLimiterOptions {
  readonly burst: number;
  readonly perSecond: number;
  /** Buckets kept at most. Default 100 000. */
  readonly maxCallers?: number;
  /** The clock, ms (tests). */
  readonly now?: () => number;
}

export type RateVerdict = { readonly allowed: true; readonly remaining: number } | { readonly allowed: false; readonly retryAfterMs: number };

interface Bucket {
  tokens: number;
  atMs: number;
}

export class RateLimiter {
  readonly #burst: number;
  readonly #perMs: number;
  readonly #maxCallers: number;
  readonly #now: () => number;
  /** Insertion order is recency order: a take moves the caller to the end. */
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    if (!(options.burst >= 1) || !(options.perSecond > 0)) throw new RangeError('a rate limiter needs burst >= 1 and perSecond > 0');
    this.#burst = options.burst;
    this.#perMs = options.perSecond / 1000;
    this.#maxCallers = options.maxCallers ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Takes one token of `caller`'s bucket, or says how long until one is back. */
  take(caller: string): RateVerdict {
    const now = this.#now();
    let bucket = this.#buckets.get(caller);
    if (bucket === undefined) {
      bucket = { tokens: this.#burst, atMs: now };
    } else {
      this.#buckets.delete(caller);
      bucket.tokens = Math.min(this.#burst, bucket.tokens + Math.max(0, now - bucket.atMs) * this.#perMs);
      bucket.atMs = now;
    }
    this.#buckets.set(caller, bucket);
    if (this.#buckets.size > this.#maxCallers) this.#buckets.delete(this.#buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / this.#perMs) };
  }

  get size(): number {
    return this.#buckets.size;
  }
}

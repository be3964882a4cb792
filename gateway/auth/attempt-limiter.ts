/**
 * Sign-in attempt limits: at most `maxFailures` failed attempts per key (an account's
 * email, or a client address) within `windowMs`; past that, the key is locked until the
 * oldest failure in the window ages out, and `check` says how long that is (HTTP 429 with
 * Retry-After). A success clears an account's failures. Counts are kept per gateway
 * instance, bounded to `maxKeys` (the least recently failed go first).
 *
 * @example
 * ```ts
 * const perAccount = new AttemptLimiter({ maxFailures: 5, windowMs: 15 * 60_000 });
 * const wait = perAccount.check('ann@example.com'); // 0: go ahead; else ms to wait
 * if (!passwordOk) perAccount.fail('ann@example.com');
 * ```
 */

export interface AttemptLimiterOptions {
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Keys kept at most; default 100 000. */
  readonly maxKeys?: number;
  /** The clock, ms (tests). */
  readonly now?: () => number;
}

export class AttemptLimiter {
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** Failure times per key, oldest first; insertion order of the map is recency of failure. */
  readonly #failures = new Map<string, number[]>();

  constructor(options: AttemptLimiterOptions) {
    if (!(options.maxFailures >= 1) || !(options.windowMs >= 1)) throw new RangeError('an attempt limiter needs maxFailures >= 1 and windowMs >= 1');
    this.#maxFailures = options.maxFailures;
    this.#windowMs = options.windowMs;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  #recent(key: string, now: number): number[] {
    const times = this.#failures.get(key);
    if (times === undefined) return [];
    const kept = times.filter((at) => at > now - this.#windowMs);
    if (kept.length === 0) this.#failures.delete(key);
    else if (kept.length !== times.length) this.#failures.set(key, kept);
    return kept;
  }

  /** 0 when `key` may try; otherwise the ms until it may try again. */
  check(key: string): number {
    const now = this.#now();
    const recent = this.#recent(key, now);
    if (recent.length < this.#maxFailures) return 0;
    // Locked until enough failures leave the window to bring the count below the limit.
    const unlockAt = (recent[recent.length - this.#maxFailures] as number) + this.#windowMs;
    return Math.max(1, unlockAt - now);
  }

  /** Counts a failed attempt of `key`. */
  fail(key: string): void {
    const now = this.#now();
    const recent = this.#recent(key, now);
    this.#failures.delete(key);
    this.#failures.set(key, [...recent, now].slice(-this.#maxFailures));
    if (this.#failures.size > this.#maxKeys) this.#failures.delete(this.#failures.keys().next().value as string);
  }

  /** Forgets `key`'s failures (a successful sign-in). */
  succeed(key: string): void {
    this.#failures.delete(key);
  }

  get size(): number {
    return this.#failures.size;
  }
}

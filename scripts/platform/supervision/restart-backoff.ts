/**
 * When to restart a process that crashed: after `initialMs` the first time, doubling with
 * each crash in a row up to `maxMs`; a process that stayed healthy for `resetAfterMs`
 * before it crashed starts over at `initialMs`. Pure: the caller passes the times.
 *
 * @example
 * ```ts
 * const backoff = new RestartBackoff({ initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 });
 * backoff.next(now);                 // 1000
 * backoff.next(now);                 // 2000 (crashed again before it was healthy)
 * backoff.next(now, now - 61_000);   // 1000 (it had been healthy for a minute)
 * ```
 */

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({ initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 });

export class RestartBackoff {
  readonly #options: BackoffOptions;
  /** Crashes in a row, not counting those after a long enough healthy run. */
  #crashes = 0;

  constructor(options: BackoffOptions = DEFAULT_BACKOFF) {
    this.#options = options;
  }

  /** Crashes counted towards the current delay. */
  get crashes(): number {
    return this.#crashes;
  }

  /**
   * The delay before restarting a process that crashed at `now`; `healthySince` is when
   * its last run became healthy (undefined: it never did).
   */
  next(now: number, healthySince?: number): number {
    if (healthySince !== undefined && now - healthySince >= this.#options.resetAfterMs) this.#crashes = 0;
    const delay = Math.min(this.#options.initialMs * 2 ** this.#crashes, this.#options.maxMs);
    this.#crashes += 1;
    return delay;
  }
}

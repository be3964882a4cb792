/**
 * The platform's own identity at the query servers: a token with role `service`, signed
 * with the configured HS256 secret (the key the query servers verify with too). Tokens
 * are short-lived (the verifiers bound every token's lifetime), so the holder signs a new
 * one when half of the current one's life has passed, instead of being handed one
 * long-lived token at start.
 *
 * @example
 * ```ts
 * const tokens = new ServiceTokens({ secret, subject: 'gateway', lifetimeS: 300 });
 * metadata.set('authorization', `Bearer ${await tokens.current()}`);
 * ```
 */

import { signToken } from './jwt.ts';

export interface ServiceTokensOptions {
  readonly secret: string;
  /** Who the platform caller is (`sub`), for the query servers' logs and caps. */
  readonly subject: string;
  /** Seconds; at most the verifiers' maximum lifetime. */
  readonly lifetimeS: number;
  readonly issuer?: string;
  readonly audience?: string;
  /** The clock, ms (tests). */
  readonly now?: () => number;
}

export class ServiceTokens {
  readonly #options: ServiceTokensOptions;
  readonly #now: () => number;
  #token: Promise<string> | undefined;
  #renewAtMs = 0;

  constructor(options: ServiceTokensOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** A token valid for at least half its lifetime from now. */
  current(): Promise<string> {
    const now = this.#now();
    if (this.#token === undefined || now >= this.#renewAtMs) {
      const issuedAtS = Math.floor(now / 1000);
      this.#renewAtMs = now + (this.#options.lifetimeS * 1000) / 2;
      this.#token = signToken({
        sub: this.#options.subject,
        role: 'service',
        issuedAtS,
        lifetimeS: this.#options.lifetimeS,
        ...(this.#options.issuer === undefined || this.#options.issuer === '' ? {} : { iss: this.#options.issuer }),
        ...(this.#options.audience === undefined || this.#options.audience === '' ? {} : { aud: this.#options.audience }),
      }, this.#options.secret);
    }
    return this.#token;
  }
}

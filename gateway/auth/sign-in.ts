/**
 * Sign-in, assembled from the gateway's config: the signing key (`GATEWAY_AUTH_PRIVATE_KEY_FILE`,
 * checked at start), the sign-in state (`auth-state.ts`: accounts and revocations as
 * GlobalKTables), the token issuer and the attempt limiters. `startSignIn` returns
 * undefined when no key file is set: sign-in is then off and `/auth/*` is not served.
 *
 * @example
 * ```ts
 * const signIn = await startSignIn(config, (key) => gatewayConfig.envName(key, 'GATEWAY'));
 * const verify = signIn === undefined ? configured : withIssuedTokens(signIn.issuer, configured);
 * ```
 */

import { KstError } from '../../common/errors.ts';
import type { GatewayConfig } from '../config.ts';
import { unprefixedSecuritySettings } from '../../processors/kafka/index.ts';
import { AttemptLimiter } from './attempt-limiter.ts';
import { AuthState } from './auth-state.ts';
import { decoyHash, type ScryptCost } from './password-hash.ts';
import { loadSigningKey, type SigningKey } from './signing-key.ts';
import { TokenIssuer } from './token-issuer.ts';

/** What the `/auth` routes use. */
export interface SignIn {
  readonly key: SigningKey;
  readonly issuer: TokenIssuer;
  readonly state: Pick<AuthState, 'account' | 'register' | 'revoke'>;
  readonly perAccount: AttemptLimiter;
  readonly perAddress: AttemptLimiter;
  readonly scryptCost: ScryptCost;
  /** Verified against when an email has no account, so both cost the same time. */
  readonly decoyHash: string;
  close(): Promise<void>;
}

export async function startSignIn(config: GatewayConfig, envName: (key: keyof GatewayConfig & string) => string): Promise<SignIn | undefined> {
  const file = config['auth.private.key.file'];
  if (file === '') return undefined;
  const key = await loadSigningKey(file, envName('auth.private.key.file'));
  const cost = config['auth.scrypt.cost'];
  if ((cost & (cost - 1)) !== 0) throw new KstError('KST_CONFIG_INVALID', `${envName('auth.scrypt.cost')} must be a power of two (got ${cost})`, { key: envName('auth.scrypt.cost') });
  if (config['auth.access.token.lifetime.s'] > config['jwt.max.lifetime.s']) {
    throw new KstError('KST_CONFIG_INVALID', `${envName('auth.access.token.lifetime.s')} (${config['auth.access.token.lifetime.s']}) must be at most ${envName('jwt.max.lifetime.s')} (${config['jwt.max.lifetime.s']})`, { key: envName('auth.access.token.lifetime.s') });
  }
  const refreshLifetimeS = config['auth.refresh.token.lifetime.s'];
  const state = await AuthState.start({
    bootstrapServers: config['kafka.bootstrap.servers'],
    security: unprefixedSecuritySettings(config, 'kafka.'),
    topicPrefix: config['topic.prefix'],
    // Platforms sharing a cluster under different prefixes must not share a group.
    applicationId: `${config['topic.prefix']}${config['auth.application.id']}`,
    // A revocation must outlive every token of its session, skew included.
    revocationRetentionMs: (refreshLifetimeS + 3_600) * 1000,
    ...(config['auth.state.dir'] === '' ? {} : { stateDir: config['auth.state.dir'] }),
  });
  const issuer = new TokenIssuer({
    key,
    issuer: config['auth.issuer'],
    audience: config['jwt.audience'],
    accessLifetimeS: config['auth.access.token.lifetime.s'],
    refreshLifetimeS,
    clockSkewMs: config['jwt.clock.skew.ms'],
    isRevoked: (ids) => state.isRevoked(ids),
  });
  const windowMs = config['auth.failure.window.s'] * 1000;
  const scryptCost: ScryptCost = { N: cost, r: 8, p: 1 };
  return {
    key,
    issuer,
    state,
    perAccount: new AttemptLimiter({ maxFailures: config['auth.max.failures.per.account'], windowMs }),
    perAddress: new AttemptLimiter({ maxFailures: config['auth.max.failures.per.address'], windowMs }),
    scryptCost,
    decoyHash: await decoyHash(scryptCost),
    close: () => state.close(),
  };
}

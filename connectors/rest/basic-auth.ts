/**
 * HTTP basic auth for the Connect REST API, as Connect's
 * `BasicAuthSecurityRestExtension` with its `PropertyFileLoginModule`: the credentials
 * are a properties file of `user=password` lines, read once at worker start. Every
 * request but `GET /` (the version probe health checks use) must carry one of them;
 * otherwise 401 with `WWW-Authenticate: Basic` and Connect's message.
 *
 * Unlike Connect, an empty or unreadable file fails the worker's start (Connect lets
 * every request through on an empty file). Workers of a cluster never call each other
 * (they share work through the config topic), so there is no internal request to exempt.
 *
 * @example
 * ```ts
 * const auth = BasicAuth.fromFile('/etc/kafka/connect-users.properties');
 * app.addHook('onRequest', basicAuthHook(auth));
 * ```
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KstError } from '../../common/errors.ts';
import { parseProperties } from '../config/properties-file.ts';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
const DENIED = 'User cannot access the resource.';

export class BasicAuth {
  readonly #users: ReadonlyMap<string, Buffer>;

  constructor(users: ReadonlyMap<string, string>) {
    this.#users = new Map([...users].map(([user, password]) => [user, digest(password)]));
  }

  /** Reads `user=password` lines; `key` names the setting in errors. */
  static fromFile(path: string, key = 'rest.basic.auth.users.file'): BasicAuth {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new KstError('KST_CONFIG_INVALID', `config "${key}": cannot read the credentials file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { key });
    }
    const users = parseProperties(text);
    if (users.size === 0) throw new KstError('KST_CONFIG_INVALID', `config "${key}": the credentials file ${path} has no user=password line`, { key });
    return new BasicAuth(users);
  }

  /** True when the `Authorization` header carries a known user with its password. */
  accepts(header: string | undefined): boolean {
    if (header === undefined) return false;
    const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (match === null) return false;
    const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return false;
    const expected = this.#users.get(decoded.slice(0, colon));
    // Compared in constant time; an unknown user costs the same comparison.
    const given = digest(decoded.slice(colon + 1));
    return timingSafeEqual(given, expected ?? digest(`${given.toString('hex')}-unknown`)) && expected !== undefined;
  }
}

/** The `onRequest` hook: lets `GET /` and authenticated requests through. */
export function basicAuthHook(auth: BasicAuth) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const path = request.url.split('?', 1)[0];
    if (path === '/' && (request.method === 'GET' || request.method === 'HEAD')) return undefined;
    if (auth.accepts(request.headers.authorization)) return undefined;
    return reply.code(401).header('www-authenticate', 'Basic realm="Kafka Connect", charset="UTF-8"').send({ error_code: 401, message: DENIED });
  };
}

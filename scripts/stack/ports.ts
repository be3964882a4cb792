/**
 * Port checks before a server starts. A server that finds its port taken fails deep in
 * its own log (a Java BindException after seconds of start-up); checking first gives the
 * user the port and the setting to change at once.
 */

import { createServer } from 'node:net';
import { KstError } from '../../common/errors.ts';
import { stackConfigSchema, type StackConfig } from './config.ts';

export type PortKey = {
  [K in keyof StackConfig]: StackConfig[K] extends number ? (K extends `${string}port` ? K : never) : never;
}[keyof StackConfig];

/**
 * Whether `port` can be bound on `host`. Binding (rather than connecting) also catches a
 * server bound to 0.0.0.0 or [::], which a connect to one address might miss.
 */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const PORT_KEYS = (Object.keys(stackConfigSchema.fields) as Array<keyof StackConfig>).filter((key): key is PortKey => key.endsWith('port'));

/**
 * Two servers given the same port would fail late and obscurely (Quarkus even starts with
 * its management and HTTP ports equal, then never answers), so the config is refused first.
 */
export function assertDistinctPorts(config: StackConfig): void {
  const seen = new Map<number, PortKey>();
  for (const key of PORT_KEYS) {
    const other = seen.get(config[key]);
    if (other !== undefined) {
      throw new KstError('KST_CONFIG_INVALID', `config "${key}" uses port ${config[key]} like "${other}"; set ${stackConfigSchema.envName(key, 'STACK')} to another port`, { key, value: config[key] });
    }
    seen.set(config[key], key);
  }
}

/** Throws `KST_STACK_PORT_IN_USE` for the first of `keys` whose port is taken, naming the variable that moves it. */
export async function assertPortsFree(config: StackConfig, service: string, keys: readonly PortKey[]): Promise<void> {
  for (const key of keys) {
    const port = config[key];
    if (!(await isPortFree(config.host, port))) {
      const envName = stackConfigSchema.envName(key, 'STACK');
      throw new KstError(
        'KST_STACK_PORT_IN_USE',
        `${service}: port ${config.host}:${port} (${key}) is taken by a process this stack did not start; stop it or choose another port with ${envName}=<port>`,
        { service, key, port, envName },
      );
    }
  }
}

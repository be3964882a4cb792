/**
 * Rewrites or observes the protocol calls a library client makes. The library looks up
 * every API (JoinGroup, LeaveGroup, InitProducerId, …) through its `kGetApi` hook
 * (exported by the package) and calls `api(connection, ...args, callback)`; replacing a
 * client's hook lets the adapter change arguments the library gives no option for (a
 * transaction timeout of its own, the static member's instance id in LeaveGroup), or
 * skip a request altogether.
 *
 * @example
 * ```ts
 * hookApis(producer, { InitProducerId: (api) => wrapApi(api, (args, invoke, done) => invoke([args[0], 10_000, ...args.slice(2)], done)) });
 * ```
 */

import { kGetApi } from './library.ts';

export type ApiCallback = (error: Error | null, payload?: unknown) => void;
export type ApiFunction = ((connection: unknown, ...args: unknown[]) => void) & { async: unknown; key: number; version: number };

/** `call` gets the request's arguments and may delay, rewrite or observe it through `invoke`, or answer it itself through `done`. */
export type ApiInterceptor = (args: unknown[], invoke: (args: unknown[], callback: ApiCallback) => void, done: ApiCallback) => void;

export function wrapApi(api: ApiFunction, call: ApiInterceptor): ApiFunction {
  const wrapped = ((connection: unknown, ...rest: unknown[]) => {
    const done = rest.pop() as ApiCallback;
    call(rest, (args, callback) => api(connection, ...args, callback), done);
  }) as ApiFunction;
  return Object.assign(wrapped, { async: api.async, key: api.key, version: api.version });
}

/** Installs the hooks (by API name) on one client; the APIs not named pass through. Call once per client. */
export function hookApis(client: object, hooks: Readonly<Record<string, (api: ApiFunction) => ApiFunction>>): void {
  const target = client as Record<symbol, unknown>;
  const original = (target[kGetApi] as (name: string, callback: ApiCallback) => void).bind(client);
  target[kGetApi] = (name: string, callback: ApiCallback): void => {
    const hook = hooks[name];
    if (hook === undefined) {
      original(name, callback);
      return;
    }
    original(name, (error, api) => {
      if (error !== null || api === undefined) callback(error);
      else callback(null, hook(api as ApiFunction));
    });
  };
}

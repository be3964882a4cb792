/**
 * A value that is there now or later. The engine's per-record path returns plain values
 * when it did its work synchronously and promises only when it had to wait, so the common
 * case costs no promise and no microtask.
 */
export type Awaitable<T> = T | Promise<T>;

export function isPromise<T>(value: Awaitable<T>): value is Promise<T> {
  return value instanceof Promise;
}

/** Runs `next` on the value, now if it is there, after it resolves otherwise. */
export function then<T, R>(value: Awaitable<T>, next: (value: T) => Awaitable<R>): Awaitable<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

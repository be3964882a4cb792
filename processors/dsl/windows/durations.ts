/**
 * Durations of window definitions are whole milliseconds, as Kafka Streams' `Duration`
 * arguments are once converted. Invalid ones fail when the window is defined, with a code
 * that names the argument, rather than as odd windows at run time.
 */

import { KstError } from '../../../common/errors.ts';

/**
 * @example
 * ```ts
 * const sizeMs = checkDuration(60_000, 'TimeWindows size', { positive: true });
 * ```
 */
export function checkDuration(ms: number, what: string, options: { readonly positive: boolean }): number {
  const valid = Number.isSafeInteger(ms) && (options.positive ? ms > 0 : ms >= 0);
  if (!valid) {
    const bound = options.positive ? 'a whole number of milliseconds > 0' : 'a whole number of milliseconds >= 0';
    throw new KstError('KST_TOPOLOGY_WINDOW_INVALID', `${what} must be ${bound} (got ${ms})`, { what, value: ms });
  }
  return ms;
}

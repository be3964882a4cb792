/**
 * `Named`: the user's name for the node an operator adds, as Kafka Streams' `Named`.
 * Without one the node gets a generated name (prefix + counter).
 *
 * @example
 * ```ts
 * stream.filter((_k, v) => v.valid, Named.as('valid-orders'));
 * ```
 */

import { KstError } from '../../../common/errors.ts';

export interface Named {
  readonly name: string | undefined;
}

/** Kafka's rule for user-chosen names, which end up in topic names: legal topic characters. */
const LEGAL = /^[a-zA-Z0-9._-]+$/;

export function checkName(name: string, what: string): string {
  if (name.length === 0 || name.length > 249 || !LEGAL.test(name)) {
    throw new KstError('KST_TOPOLOGY_INVALID', `${what} name "${name}" must be 1 to 249 characters of [a-zA-Z0-9._-]`, { name });
  }
  return name;
}

export const Named = Object.freeze({
  as(name: string): Named {
    return Object.freeze({ name: checkName(name, 'Named') });
  },
});

/**
 * Subject naming and compatibility levels, as the Confluent schema registry defines them.
 * Only Kafka's default `TopicNameStrategy` is offered: one subject per topic and side
 * (`<topic>-key`, `<topic>-value`), which is what every Confluent client does by default
 * and what lets the registry police each topic's evolution on its own.
 */

import { KstError } from '../../common/errors.ts';

/**
 * The subject a topic's keys or values are registered under.
 *
 * @example
 * ```ts
 * topicNameStrategy('orders.events');       // 'orders.events-value'
 * topicNameStrategy('orders.events', true); // 'orders.events-key'
 * ```
 */
export function topicNameStrategy(topic: string, isKey = false): string {
  return `${topic}-${isKey ? 'key' : 'value'}`;
}

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

/** A subject's compatibility rule, as the registry's `/config` endpoints spell it. */
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/**
 * Validates a level given in configuration; throws `KST_CONFIG_INVALID` naming the key.
 *
 * @example
 * ```ts
 * compatibilityLevel('backward', 'registry.compatibility'); // 'BACKWARD'
 * ```
 */
export function compatibilityLevel(value: string, key: string): CompatibilityLevel {
  const upper = value.toUpperCase();
  if (!isCompatibilityLevel(upper)) {
    throw new KstError('KST_CONFIG_INVALID', `config "${key}" must be one of ${COMPATIBILITY_LEVELS.join(', ')}, got "${value}"`, { key, value });
  }
  return upper;
}

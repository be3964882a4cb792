/**
 * Kafka Connect's predicates, which gate a transform (`transforms.<alias>.predicate`):
 * `TopicNameMatches` (the whole topic name matches `pattern`), `HasHeaderKey` (a header
 * named `name` is present) and `RecordIsTombstone` (the value is null). Negation is the
 * worker's (`transforms.<alias>.negate`).
 *
 * @example
 * ```ts
 * const orders = new TopicNameMatches();
 * orders.configure({ pattern: 'orders\\..*' });
 * orders.test(record); // true for orders.events
 * ```
 */

import type { SinkRecord } from '../api/connect-record.ts';
import type { Predicate } from '../api/transformation.ts';
import { readConfig, stringKey } from './support/config.ts';
import { predicatePlugin } from './support/key-value.ts';
import { KstError } from '../../common/errors.ts';

export const TOPIC_NAME_MATCHES_CONFIG = [
  stringKey('pattern', { doc: 'A Java regular expression for matching against the name of a record\'s topic.', nonEmpty: true }),
];

export class TopicNameMatches implements Predicate {
  private pattern = /^$/;

  configure(config: Readonly<Record<string, string>>): void {
    const source = readConfig(TOPIC_NAME_MATCHES_CONFIG, config).string('pattern');
    try {
      this.pattern = new RegExp(`^(?:${source})$`);
    } catch (error) {
      throw new KstError('KST_CONFIG_INVALID', `config "pattern" is not a valid regular expression (got ${JSON.stringify(source)})`, { key: 'pattern' }, { cause: error });
    }
  }

  test(record: SinkRecord): boolean {
    return this.pattern.test(record.topic);
  }
}

export const HAS_HEADER_KEY_CONFIG = [
  stringKey('name', { doc: 'The header name.', nonEmpty: true }),
];

export class HasHeaderKey implements Predicate {
  private name = '';

  configure(config: Readonly<Record<string, string>>): void {
    this.name = readConfig(HAS_HEADER_KEY_CONFIG, config).string('name');
  }

  test(record: SinkRecord): boolean {
    return record.headers.some((header) => header.key === this.name);
  }
}

export class RecordIsTombstone implements Predicate {
  configure(_config: Readonly<Record<string, string>>): void {}

  test(record: SinkRecord): boolean {
    return record.value === null || record.value === undefined;
  }
}

export const topicNameMatchesPlugin = predicatePlugin('TopicNameMatches', TOPIC_NAME_MATCHES_CONFIG, () => new TopicNameMatches());
export const hasHeaderKeyPlugin = predicatePlugin('HasHeaderKey', HAS_HEADER_KEY_CONFIG, () => new HasHeaderKey());
export const recordIsTombstonePlugin = predicatePlugin('RecordIsTombstone', [], () => new RecordIsTombstone());

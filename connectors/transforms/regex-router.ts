/**
 * Kafka Connect's `RegexRouter`: renames the topic when the whole name matches `regex`,
 * to `replacement` with `$1`-style group references (Java's and JavaScript's agree).
 * A sink then writes to the table or index named after the new topic.
 *
 * @example
 * ```properties
 * transforms.route.type=org.apache.kafka.connect.transforms.RegexRouter
 * transforms.route.regex=(.*)\.events
 * transforms.route.replacement=$1_read_model
 * ```
 */

import type { SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { readConfig, stringKey } from './support/config.ts';
import { transformPlugin } from './support/key-value.ts';
import { KstError } from '../../common/errors.ts';

export const REGEX_ROUTER_CONFIG = [
  stringKey('regex', { doc: 'Regular expression to use for matching the whole topic name.', importance: 'HIGH', nonEmpty: true }),
  stringKey('replacement', { doc: 'Replacement string, with $1, $2… for the groups.', importance: 'HIGH' }),
];

export class RegexRouter implements Transformation {
  private regex = /^$/;
  private replacement = '';

  configure(config: Readonly<Record<string, string>>): void {
    const values = readConfig(REGEX_ROUTER_CONFIG, config);
    try {
      // Java's Matcher.matches() needs the whole name to match, hence the anchors.
      this.regex = new RegExp(`^(?:${values.string('regex')})$`);
    } catch (error) {
      throw new KstError('KST_CONFIG_INVALID', `config "regex" is not a valid regular expression (got ${JSON.stringify(values.string('regex'))})`, { key: 'regex' }, { cause: error });
    }
    this.replacement = values.string('replacement');
  }

  apply(record: SinkRecord): SinkRecord {
    if (!this.regex.test(record.topic)) return record;
    return { ...record, topic: record.topic.replace(this.regex, this.replacement) };
  }
}

export const regexRouterPlugin = transformPlugin('RegexRouter', REGEX_ROUTER_CONFIG, () => new RegexRouter());

/**
 * Kafka Connect's `TimestampRouter`: renames the topic from `topic.format`, where
 * `${topic}` is the topic and `${timestamp}` the record's time in `timestamp.format`
 * (`SimpleDateFormat` letters, UTC), e.g. a sink writing one table or index per day.
 * A record without a timestamp is refused.
 *
 * @example
 * ```properties
 * transforms.daily.type=org.apache.kafka.connect.transforms.TimestampRouter
 * transforms.daily.topic.format=${topic}-${timestamp}
 * transforms.daily.timestamp.format=yyyyMMdd
 * ```
 */

import type { SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { readConfig, stringKey } from './support/config.ts';
import { compileDateFormat, type DateFormat } from './support/date-format.ts';
import { transformPlugin } from './support/key-value.ts';
import { inputInvalid } from './support/schemas.ts';

export const TIMESTAMP_ROUTER_CONFIG = [
  stringKey('topic.format', { default: '${topic}-${timestamp}', doc: 'Format string which can contain ${topic} and ${timestamp} as placeholders for the topic and timestamp, respectively.', importance: 'HIGH' }),
  stringKey('timestamp.format', { default: 'yyyyMMdd', doc: 'Format string for the timestamp that is compatible with java.text.SimpleDateFormat.', importance: 'HIGH' }),
];

export class TimestampRouter implements Transformation {
  private topicFormat = '';
  private format: DateFormat = compileDateFormat('yyyyMMdd');

  configure(config: Readonly<Record<string, string>>): void {
    const values = readConfig(TIMESTAMP_ROUTER_CONFIG, config);
    this.topicFormat = values.string('topic.format');
    this.format = compileDateFormat(values.string('timestamp.format'));
  }

  apply(record: SinkRecord): SinkRecord {
    if (record.timestamp === undefined) return inputInvalid(`Timestamp missing on record of topic ${record.topic}`, { topic: record.topic });
    const stamp = this.format.format(new Date(record.timestamp));
    return { ...record, topic: this.topicFormat.replaceAll('${topic}', record.topic).replaceAll('${timestamp}', stamp) };
  }
}

export const timestampRouterPlugin = transformPlugin('TimestampRouter', TIMESTAMP_ROUTER_CONFIG, () => new TimestampRouter());

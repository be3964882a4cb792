/**
 * Kafka Connect's `DropHeaders`: removes the headers with the listed names.
 *
 * @example
 * ```properties
 * transforms.drop.type=org.apache.kafka.connect.transforms.DropHeaders
 * transforms.drop.headers=trace-id,debug
 * ```
 */

import type { SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { KstError } from '../../common/errors.ts';
import { listKey, readConfig } from './support/config.ts';
import { transformPlugin } from './support/key-value.ts';

export const DROP_HEADERS_CONFIG = [listKey('headers', { doc: 'The name of the headers to be removed.', importance: 'HIGH' })];

export class DropHeaders implements Transformation {
  private headers = new Set<string>();

  configure(config: Readonly<Record<string, string>>): void {
    const headers = readConfig(DROP_HEADERS_CONFIG, config).list('headers');
    if (headers.length === 0) throw new KstError('KST_CONFIG_INVALID', 'config "headers" must not be empty', { key: 'headers' });
    this.headers = new Set(headers);
  }

  apply(record: SinkRecord): SinkRecord {
    return { ...record, headers: record.headers.filter((h) => !this.headers.has(h.key)) };
  }
}

export const dropHeadersPlugin = transformPlugin('DropHeaders', DROP_HEADERS_CONFIG, () => new DropHeaders());

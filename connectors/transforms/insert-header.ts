/**
 * Kafka Connect's `InsertHeader`: adds a header with a literal value to every record. As
 * Connect's `Values.parseString`, the literal is typed: `true`/`false` a boolean, a whole
 * number the smallest integer type that holds it, a decimal a float64, anything else a string.
 *
 * @example
 * ```properties
 * transforms.origin.type=org.apache.kafka.connect.transforms.InsertHeader
 * transforms.origin.header=origin
 * transforms.origin.value.literal=postgres
 * ```
 */

import type { ConnectSchema, SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import { readConfig, stringKey } from './support/config.ts';
import { transformPlugin } from './support/key-value.ts';
import { parseHeaderString } from '../converters/header-converter.ts';

export const INSERT_HEADER_CONFIG = [
  stringKey('header', { doc: 'The name of the header.', importance: 'HIGH' }),
  stringKey('value.literal', { doc: 'The literal value that is to be set as the header value on all records.', importance: 'HIGH' }),
];

/** A literal typed as Connect's `Values.parseString` types the simple cases. */
export function parseLiteral(text: string): { schema: ConnectSchema; value: unknown } {
  const parsed = parseHeaderString(text);
  return { schema: parsed.schema as ConnectSchema, value: parsed.value };
}

export class InsertHeader implements Transformation {
  private header = '';
  private literal: { schema: ConnectSchema; value: unknown } = parseLiteral('');

  configure(config: Readonly<Record<string, string>>): void {
    const values = readConfig(INSERT_HEADER_CONFIG, config);
    this.header = values.string('header');
    this.literal = parseLiteral(values.string('value.literal'));
  }

  apply(record: SinkRecord): SinkRecord {
    return { ...record, headers: [...record.headers, { key: this.header, value: this.literal.value, schema: this.literal.schema }] };
  }
}

export const insertHeaderPlugin = transformPlugin('InsertHeader', INSERT_HEADER_CONFIG, () => new InsertHeader());

/**
 * `org.apache.kafka.connect.converters.ByteArrayConverter`: the bytes as they are, with
 * Connect's optional bytes schema, for sinks that store payloads opaquely.
 */

import { KstError } from '../../common/errors.ts';
import type { ConnectSchema } from '../api/connect-record.ts';
import type { Converter, SchemaAndValue } from '../api/converter.ts';
import { OPTIONAL_BYTES_SCHEMA } from './connect-schemas.ts';

/**
 * @example
 * ```ts
 * new ByteArrayConverter().toConnectData('t', Buffer.from([1, 2])); // { schema: { type: 'bytes', optional: true }, value: <Buffer 01 02> }
 * ```
 */
export class ByteArrayConverter implements Converter {
  configure(): void {}

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return { schema: OPTIONAL_BYTES_SCHEMA, value: bytes };
  }

  fromConnectData(topic: string, _schema: ConnectSchema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    if (!Buffer.isBuffer(value)) throw new KstError('KST_CONNECT_CONVERSION_FAILED', `ByteArrayConverter is not compatible with objects of type ${typeof value}`, { topic });
    return value;
  }
}

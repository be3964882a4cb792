/**
 * `org.apache.kafka.connect.storage.StringConverter`: bytes as text in
 * `converter.encoding` (UTF-8 by default), with Connect's optional string schema.
 */

import type { ConnectSchema } from '../api/connect-record.ts';
import type { Converter, SchemaAndValue } from '../api/converter.ts';
import { OPTIONAL_STRING_SCHEMA } from './connect-schemas.ts';

const ENCODINGS: Readonly<Record<string, BufferEncoding>> = { 'utf-8': 'utf8', utf8: 'utf8', 'us-ascii': 'ascii', ascii: 'ascii', 'iso-8859-1': 'latin1', latin1: 'latin1', 'utf-16le': 'utf16le' };

/**
 * @example
 * ```ts
 * const converter = new StringConverter();
 * converter.configure({}, true);
 * converter.toConnectData('t', Buffer.from('k1')); // { schema: { type: 'string', optional: true }, value: 'k1' }
 * ```
 */
export class StringConverter implements Converter {
  #encoding: BufferEncoding = 'utf8';

  configure(config: Readonly<Record<string, string>>): void {
    const name = (config['converter.encoding'] ?? 'UTF-8').toLowerCase();
    this.#encoding = ENCODINGS[name] ?? 'utf8';
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return { schema: OPTIONAL_STRING_SCHEMA, value: bytes === null ? null : bytes.toString(this.#encoding) };
  }

  fromConnectData(_topic: string, _schema: ConnectSchema | null, value: unknown): Buffer | null {
    return value === null || value === undefined ? null : Buffer.from(String(value), this.#encoding);
  }
}

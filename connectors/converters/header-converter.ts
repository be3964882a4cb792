/**
 * Header converters, as Connect's `header.converter` (`HeaderConverter`): between a
 * header's bytes and Connect data. `SimpleHeaderConverter`, Connect's default, reads the
 * UTF-8 text and types it as `Values.parseString` does for the simple cases (`true` and
 * `false` booleans, whole numbers the smallest integer type that holds them, decimals
 * float64, anything else a string), and writes values as their text. `StringConverter`,
 * `ByteArrayConverter` and `JsonConverter` also serve as header converters, with their
 * `header.converter.*` settings, as in Connect.
 *
 * @example
 * ```ts
 * const headers = await createHeaderConverter({ 'header.converter': 'org.apache.kafka.connect.storage.SimpleHeaderConverter' });
 * headers.toConnectHeader('orders', 'attempt', Buffer.from('3')); // { schema: { type: 'int8', optional: false }, value: 3 }
 * ```
 */

import { KstError } from '../../common/errors.ts';
import type { ConnectSchema } from '../api/connect-record.ts';
import type { SchemaAndValue } from '../api/converter.ts';
import { createConverter, findConverter } from './converter-registry.ts';
import { primitive } from './connect-schemas.ts';

export interface HeaderConverter {
  toConnectHeader(topic: string, key: string, bytes: Buffer | null): SchemaAndValue;
  fromConnectHeader(topic: string, key: string, schema: ConnectSchema | null, value: unknown): Buffer | null;
}

export const SIMPLE_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

/** Header text typed as Connect's `Values.parseString` types the simple cases. */
export function parseHeaderString(text: string): SchemaAndValue {
  const trimmed = text.trim();
  if (/^(true|false)$/i.test(trimmed)) return { schema: primitive('boolean'), value: trimmed.toLowerCase() === 'true' };
  if (/^[-+]?\d+$/.test(trimmed)) {
    const n = BigInt(trimmed);
    if (n >= -128n && n <= 127n) return { schema: primitive('int8'), value: Number(n) };
    if (n >= -32768n && n <= 32767n) return { schema: primitive('int16'), value: Number(n) };
    if (n >= -(2n ** 31n) && n < 2n ** 31n) return { schema: primitive('int32'), value: Number(n) };
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return { schema: primitive('int64'), value: Number.isSafeInteger(Number(n)) ? Number(n) : n };
  }
  if (/^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return { schema: primitive('float64'), value: Number(trimmed) };
  return { schema: primitive('string'), value: text };
}

/** A value as header text (Connect's `Values.convertToString`, simple cases). */
export function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

const simple: HeaderConverter = {
  toConnectHeader: (_topic, _key, bytes) => (bytes === null ? { schema: null, value: null } : parseHeaderString(bytes.toString('utf8'))),
  fromConnectHeader: (_topic, _key, _schema, value) => (value === null || value === undefined ? null : Buffer.from(headerText(value), 'utf8')),
};

/** The header converter `header.converter` names (default SimpleHeaderConverter). */
export async function createHeaderConverter(config: Readonly<Record<string, string>>): Promise<HeaderConverter> {
  const name = (config['header.converter'] ?? '').trim();
  if (name === '' || name === SIMPLE_HEADER_CONVERTER || name === 'SimpleHeaderConverter') return simple;
  if (findConverter(name) === undefined) throw new KstError('KST_CONNECT_PLUGIN_NOT_FOUND', `Class ${name} could not be found.`, { key: 'header.converter', value: name });
  // Connect's converters are header converters too; their settings come from header.converter.*.
  const settings: Record<string, string> = { 'value.converter': name };
  for (const [key, value] of Object.entries(config)) if (key.startsWith('header.converter.')) settings[`value.converter.${key.slice('header.converter.'.length)}`] = value;
  const converter = await createConverter(settings, 'value.converter', false);
  return {
    toConnectHeader: (topic, _key, bytes) => converter.toConnectData(topic, bytes),
    fromConnectHeader: (topic, key, schema, value) => {
      if (converter.fromConnectData === undefined) throw new KstError('KST_CONNECT_PLUGIN_NOT_FOUND', `The header converter ${name} cannot write Connect data to bytes`, { key: 'header.converter' });
      return converter.fromConnectData(topic, schema, value);
    },
  };
}

/** Whether `header.converter` names a header converter this worker has. */
export function isHeaderConverter(name: string): boolean {
  const wanted = name.trim();
  return wanted === SIMPLE_HEADER_CONVERTER || wanted === 'SimpleHeaderConverter' || findConverter(wanted) !== undefined;
}

/**
 * The converters a worker knows, by Connect class name and short alias, as
 * `key.converter` / `value.converter` name them.
 */

import { KstError } from '../../common/errors.ts';
import type { Converter } from '../api/converter.ts';
import { AvroConverter } from './avro-converter.ts';
import { ByteArrayConverter } from './byte-array-converter.ts';
import { JsonConverter } from './json-converter.ts';
import { StringConverter } from './string-converter.ts';

export interface ConverterPlugin {
  readonly className: string;
  readonly aliases: readonly string[];
  create(): Converter;
}

const CONVERTERS: readonly ConverterPlugin[] = [
  { className: 'org.apache.kafka.connect.json.JsonConverter', aliases: ['JsonConverter', 'Json'], create: () => new JsonConverter() },
  { className: 'org.apache.kafka.connect.storage.StringConverter', aliases: ['StringConverter', 'String'], create: () => new StringConverter() },
  { className: 'org.apache.kafka.connect.converters.ByteArrayConverter', aliases: ['ByteArrayConverter', 'ByteArray'], create: () => new ByteArrayConverter() },
  { className: 'io.confluent.connect.avro.AvroConverter', aliases: ['AvroConverter', 'Avro'], create: () => new AvroConverter() },
];

export function converterPlugins(): readonly ConverterPlugin[] {
  return CONVERTERS;
}

export function findConverter(name: string): ConverterPlugin | undefined {
  const wanted = name.trim();
  return CONVERTERS.find((c) => c.className === wanted || c.aliases.includes(wanted));
}

/**
 * Builds and configures the converter named by `<prefix>` (`key.converter` or
 * `value.converter`) with the `<prefix>.*` settings, as Connect's `Plugins.newConverter`.
 *
 * @example
 * ```ts
 * const value = await createConverter({ 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false' }, 'value.converter', false);
 * ```
 */
export async function createConverter(config: Readonly<Record<string, string>>, prefix: 'key.converter' | 'value.converter', isKey: boolean): Promise<Converter> {
  const name = config[prefix] ?? 'org.apache.kafka.connect.json.JsonConverter';
  const plugin = findConverter(name);
  if (plugin === undefined) throw new KstError('KST_CONNECT_PLUGIN_NOT_FOUND', `Class ${name} could not be found.`, { key: prefix, value: name });
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) if (key.startsWith(`${prefix}.`)) settings[key.slice(prefix.length + 1)] = value;
  const converter = plugin.create();
  await converter.configure(settings, isKey);
  return converter;
}

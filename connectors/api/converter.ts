/**
 * Converters between Kafka bytes and Connect data, as Kafka Connect's `Converter`:
 * `key.converter` / `value.converter` with their `*.converter.*` settings. Conversion may
 * need an async look-up first (the Avro converter fetches schemas by id): `prepare` is
 * awaited once per batch before the synchronous `toConnectData` calls.
 */

import type { ConnectSchema } from './connect-record.ts';

export interface SchemaAndValue {
  readonly schema: ConnectSchema | null;
  readonly value: unknown;
}

export interface Converter {
  configure(config: Readonly<Record<string, string>>, isKey: boolean): Promise<void> | void;
  prepare?(topic: string, batch: ReadonlyArray<Buffer | null>): Promise<void>;
  /** Throws on bytes it cannot read (the worker applies `errors.tolerance`). */
  toConnectData(topic: string, bytes: Buffer | null): SchemaAndValue;
  fromConnectData?(topic: string, schema: ConnectSchema | null, value: unknown): Buffer | null;
}

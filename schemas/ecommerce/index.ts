/**
 * The e-commerce platform's Avro schemas, kept as `.avsc` files beside this module so
 * that tools outside TypeScript (the registry, `kcctl`, Connect's Avro converter) read the
 * same definitions. Loaded once, on first use.
 *
 * @example
 * ```ts
 * const serde = await AvroSerde.create(registry, { topic: 'orders.commands', schema: ecommerceSchema('order-command') });
 * ```
 */

import { readFileSync } from 'node:fs';
import type { AvroSchema } from '../registry/schema-source.ts';

/** Every schema file in this folder, by file name without `.avsc`. */
export type EcommerceSchemaName =
  | 'order-command'
  | 'inventory-command'
  | 'customer-command'
  | 'order-event'
  | 'inventory-event'
  | 'payment-event'
  | 'shipment-event'
  | 'customer-event'
  | 'notification'
  | 'cart-command';

const loaded = new Map<EcommerceSchemaName, AvroSchema>();

export function ecommerceSchema(name: EcommerceSchemaName): AvroSchema {
  let schema = loaded.get(name);
  if (schema === undefined) {
    schema = JSON.parse(readFileSync(new URL(`./${name}.avsc`, import.meta.url), 'utf8')) as AvroSchema;
    loaded.set(name, schema);
  }
  return schema;
}

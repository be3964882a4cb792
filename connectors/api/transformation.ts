/**
 * Single message transforms and predicates, as Kafka Connect's `Transformation` and
 * `Predicate`: configured once per task from `transforms.<alias>.*` / `predicates.<alias>.*`,
 * then applied to each record; returning null drops the record.
 */

import type { ConfigDefinitionKey } from './config-def.ts';
import type { SinkRecord } from './connect-record.ts';

export interface Transformation {
  configure(config: Readonly<Record<string, string>>): void;
  apply(record: SinkRecord): SinkRecord | null;
  close?(): void;
}

export interface Predicate {
  configure(config: Readonly<Record<string, string>>): void;
  test(record: SinkRecord): boolean;
}

export interface PluginDefinition<T> {
  /** Class name as Connect names it, e.g. `org.apache.kafka.connect.transforms.InsertField$Value`. */
  readonly className: string;
  readonly aliases: readonly string[];
  readonly type: 'transformation' | 'predicate';
  readonly configDef: readonly ConfigDefinitionKey[];
  create(): T;
}

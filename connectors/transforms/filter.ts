/**
 * Kafka Connect's `Filter`: drops every record it is applied to. On its own it drops
 * everything; with a predicate (`transforms.<alias>.predicate`, `negate`), which the
 * worker evaluates, it drops the records the predicate selects.
 *
 * @example
 * ```properties
 * transforms=dropTombstones
 * transforms.dropTombstones.type=org.apache.kafka.connect.transforms.Filter
 * transforms.dropTombstones.predicate=isTombstone
 * predicates=isTombstone
 * predicates.isTombstone.type=org.apache.kafka.connect.transforms.predicates.RecordIsTombstone
 * ```
 */

import type { SinkRecord } from '../api/connect-record.ts';
import type { Transformation } from '../api/transformation.ts';
import type { ConfigDefinitionKey } from '../api/config-def.ts';
import { transformPlugin } from './support/key-value.ts';

export const FILTER_CONFIG: readonly ConfigDefinitionKey[] = [];

export class Filter implements Transformation {
  configure(_config: Readonly<Record<string, string>>): void {}

  apply(_record: SinkRecord): null {
    return null;
  }
}

export const filterPlugin = transformPlugin('Filter', FILTER_CONFIG, () => new Filter());

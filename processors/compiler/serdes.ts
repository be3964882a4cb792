/**
 * Serde resolution at build time: the serde an operator was given, else the builder's
 * default, else a coded error naming the node, so a missing serde fails when the topology
 * is built rather than on the first record.
 */

import { KstError } from '../../common/errors.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { GraphDefaults } from '../dsl/graph/nodes.ts';

export function resolveSerde(given: Serde<unknown> | undefined, defaults: GraphDefaults, which: 'key' | 'value', node: string): Serde<unknown> {
  const serde = given ?? (which === 'key' ? defaults.keySerde : defaults.valueSerde);
  if (serde === undefined) {
    throw new KstError(
      'KST_TOPOLOGY_SERDE_MISSING',
      `node "${node}" needs a ${which} serde: pass one (Consumed, Produced, Grouped, Materialized or Repartitioned) or set the builder's default ${which} serde`,
      { node, which },
    );
  }
  return serde;
}

/**
 * The store a windowed operator keeps its state in, given by the compiler; a missing one
 * is a compiler bug, reported when the topology is built rather than on the first record.
 */

import { KstError } from '../../../common/errors.ts';
import type { OperatorEnv } from '../graph/nodes.ts';

export function requireStore(env: OperatorEnv, operator: string): string {
  if (env.storeName === undefined) throw new KstError('KST_TOPOLOGY_INVALID', `${operator} needs a state store and the compiler gave none`, { operator });
  return env.storeName;
}

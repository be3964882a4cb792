/**
 * The splitter of `KStream.split()`, as Kafka Streams' `KStreamBranch`: each record goes
 * to the first branch whose predicate holds, else to the default branch if there is one,
 * else nowhere. The branches are the splitter's children, told by the compiler, because
 * branches are added after the splitter node exists.
 */

import type { ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import type { BranchTarget } from '../graph/nodes.ts';

export function branchOperator<K, V>(branches: readonly BranchTarget[]): ProcessorSupplier<K, V, K, V> {
  const predicated = branches.filter((branch) => branch.predicate !== undefined);
  const fallback = branches.find((branch) => branch.predicate === undefined)?.child;
  return () => {
    let context: ProcessorContext<K, V> | undefined;
    return {
      init(ctx) { context = ctx; },
      process(record) {
        const ctx = context as ProcessorContext<K, V>;
        for (const branch of predicated) {
          if (branch.predicate?.(record.key, record.value) === true) return ctx.forward(record, branch.child);
        }
        return fallback === undefined ? undefined : ctx.forward(record, fallback);
      },
    };
  };
}

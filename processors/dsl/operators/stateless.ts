/**
 * The shape shared by the record-at-a-time KStream operators that need no state
 * (filter, map, mapValues, …): a supplier whose processor keeps its context and applies
 * one function per record. Each operator lives in its own file and is built with this.
 */

import type { Awaitable } from '../../../common/awaitable.ts';
import type { Processor, ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import type { StreamRecord } from '../../api/record.ts';

/** A processor that only needs its context and a per-record function. */
export function stateless<KIn, VIn, KOut, VOut>(
  process: (context: ProcessorContext<KOut, VOut>, record: StreamRecord<KIn, VIn>) => Awaitable<void>,
): ProcessorSupplier<KIn, VIn, KOut, VOut> {
  return () => {
    let context: ProcessorContext<KOut, VOut> | undefined;
    const processor: Processor<KIn, VIn, KOut, VOut> = {
      init(ctx) { context = ctx; },
      process(record) { return process(context as ProcessorContext<KOut, VOut>, record); },
    };
    return processor;
  };
}

/**
 * Forwards several records in order. Records must leave one after another even when a
 * child answers with a promise, so the rest wait for it; when every child answers
 * synchronously no promise is made.
 */

import { isPromise, type Awaitable } from '../../../common/awaitable.ts';
import type { ProcessorContext } from '../../api/processor.ts';
import type { StreamRecord } from '../../api/record.ts';

export function forwardAll<K, V>(context: ProcessorContext<K, V>, records: Iterable<StreamRecord<K, V>>): Awaitable<void> {
  const iterator = records[Symbol.iterator]();
  const next = (): Awaitable<void> => {
    for (let step = iterator.next(); step.done !== true; step = iterator.next()) {
      const result = context.forward(step.value);
      if (isPromise(result)) return result.then(next);
    }
    return undefined;
  };
  return next();
}

/** Runs `steps` in order, awaiting only the ones that return promises. */
export function sequence(steps: readonly (() => Awaitable<void>)[]): Awaitable<void> {
  let index = 0;
  const next = (): Awaitable<void> => {
    while (index < steps.length) {
      const step = steps[index++];
      const result = step === undefined ? undefined : step();
      if (isPromise(result)) return result.then(next);
    }
    return undefined;
  };
  return next();
}

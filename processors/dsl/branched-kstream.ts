/**
 * `BranchedKStream<K, V>`: what `KStream.split()` returns, as Kafka Streams'
 * `BranchedKStream`. Each record goes to the first branch whose predicate holds; the
 * default branch gets the rest. Branch names are the splitter's name followed by the
 * `Branched` name, or by the branch's number (from 1; the default branch is `0`).
 *
 * @example
 * ```ts
 * const branches = payments.split(Named.as('payment-'))
 *   .branch((_k, p) => p.approved, Branched.as('approved'))
 *   .defaultBranch(Branched.as('declined'));
 * branches.get('payment-approved')?.to('payments.approved');
 * ```
 */

import type { Predicate } from './functions.ts';
import { addProcessor, type StreamState } from './handles.ts';
import type { KStream } from './kstream.ts';
import { branchOperator } from './operators/branch.ts';
import { passThroughOperator } from './operators/pass-through.ts';
import type { Branched } from './options/branched.ts';

export class BranchedKStream<K, V> {
  readonly #state: StreamState;
  readonly #splitter: string;
  readonly #branches = new Map<string, KStream<K, V>>();
  #count = 0;

  /** Made by `KStream.split`; adds the splitter node. */
  constructor(state: StreamState, splitter: string) {
    state.graph.checkOpen('KStream.split');
    this.#state = state;
    this.#splitter = splitter;
    addProcessor(state.graph, {
      name: splitter,
      parents: [state.node],
      operator: 'split',
      factory: (env) => branchOperator(env.branches) as never,
    });
  }

  branch(predicate: Predicate<K, V>, branched?: Branched<K, V>): BranchedKStream<K, V> {
    this.#count += 1;
    this.#create(predicate as Predicate<unknown, unknown>, branched, this.#count);
    return this;
  }

  /** Ends the split with a branch for the records no predicate took. */
  defaultBranch(branched?: Branched<K, V>): Map<string, KStream<K, V>> {
    this.#create(undefined, branched, 0);
    return new Map(this.#branches);
  }

  /** Ends the split; records no predicate took are dropped. */
  noDefaultBranch(): Map<string, KStream<K, V>> {
    return new Map(this.#branches);
  }

  #create(predicate: Predicate<unknown, unknown> | undefined, branched: Branched<K, V> | undefined, index: number): void {
    const { graph } = this.#state;
    graph.checkOpen('BranchedKStream.branch');
    const name = this.#splitter + (branched?.name ?? String(index));
    addProcessor(graph, {
      name,
      parents: [this.#splitter],
      operator: 'branch',
      factory: () => passThroughOperator() as never,
      branch: { predicate },
    });
    const stream = this.#state.handles.stream<K, V>({ ...this.#state, node: name });
    if (branched?.chainFunction !== undefined) {
      const result = branched.chainFunction(stream);
      if (result !== undefined) this.#branches.set(name, result);
    } else if (branched?.chainConsumer !== undefined) {
      branched.chainConsumer(stream);
    } else {
      this.#branches.set(name, stream);
    }
  }
}

/**
 * `GlobalKTable<K, V>`: a table of which every instance holds all of it, as Kafka Streams'
 * `GlobalKTable`. Its store is fed by its topic (which is also its changelog) apart from
 * the tasks, so a stream joins it without being co-partitioned with it, looking rows up
 * by any key it derives from its records (`KStream.join(globalTable, keySelector, joiner)`).
 *
 * @example
 * ```ts
 * const products = builder.globalTable('products', Consumed.with(Serdes.String(), Serdes.JSON<Product>()));
 * orderLines.join(products, (_id, line) => line.productId, (line, product) => ({ ...line, price: product.price }));
 * ```
 */

import type { Serde } from '../../schemas/serdes/serde.ts';
import type { LogicalGraph } from './graph/logical-graph.ts';

export interface GlobalTableState {
  readonly graph: LogicalGraph;
  /** The global store, always materialized. */
  readonly storeName: string;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  /** The store's name when the user gave one (`Materialized.as`). */
  readonly queryableStoreName: string | undefined;
}

// K and V only type the joins that read the table.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export class GlobalKTable<K, V> {
  readonly #state: GlobalTableState;

  /** Made by `StreamsBuilder.globalTable`. */
  constructor(state: GlobalTableState) {
    this.#state = state;
  }

  /** The store interactive queries can read, or undefined when the user named none (Kafka's behaviour). */
  get queryableStoreName(): string | undefined {
    return this.#state.queryableStoreName;
  }

  /** @internal */
  get state(): GlobalTableState {
    return this.#state;
  }
}

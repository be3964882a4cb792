/**
 * `Branched`: one branch of `KStream.split()`, as Kafka Streams' `Branched`: its name
 * suffix, and optionally a function that continues the branch (its result is what the
 * branch map holds) or a consumer that ends it (the map holds nothing for it).
 *
 * @example
 * ```ts
 * const branches = orders.split(Named.as('orders-'))
 *   .branch((_k, o) => o.total > 1000, Branched.as('large'))
 *   .branch((_k, o) => o.express, Branched.withConsumer((s) => s.to('express-orders')))
 *   .defaultBranch(Branched.as('other'));
 * branches.get('orders-large');
 * ```
 */

import type { KStream } from '../kstream.ts';
import { checkName } from './named.ts';

export interface Branched<K, V> {
  readonly name: string | undefined;
  readonly chainFunction: ((stream: KStream<K, V>) => KStream<K, V> | undefined) | undefined;
  readonly chainConsumer: ((stream: KStream<K, V>) => void) | undefined;
}

function optionalName(name: string | undefined): string | undefined {
  return name === undefined ? undefined : checkName(name, 'Branched');
}

export const Branched = Object.freeze({
  as<K = unknown, V = unknown>(name: string): Branched<K, V> {
    return Object.freeze({ name: checkName(name, 'Branched'), chainFunction: undefined, chainConsumer: undefined });
  },
  withFunction<K, V>(chain: (stream: KStream<K, V>) => KStream<K, V> | undefined, name?: string): Branched<K, V> {
    return Object.freeze({ name: optionalName(name), chainFunction: chain, chainConsumer: undefined });
  },
  withConsumer<K, V>(chain: (stream: KStream<K, V>) => void, name?: string): Branched<K, V> {
    return Object.freeze({ name: optionalName(name), chainFunction: undefined, chainConsumer: chain });
  },
});

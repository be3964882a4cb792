/**
 * The stream-processing DSL, as Kafka Streams' `org.apache.kafka.streams.kstream`.
 *
 * @example
 * ```ts
 * import { StreamsBuilder, Consumed, Produced, Grouped, Materialized, Serdes } from 'kstreams-ts';
 * const builder = new StreamsBuilder();
 * builder.stream('text', Consumed.with(Serdes.String(), Serdes.String()))
 *   .flatMapValues((line) => line.split(' '))
 *   .groupBy((_k, word) => word, Grouped.with(Serdes.String(), Serdes.String()))
 *   .count(Materialized.as('counts'))
 *   .toStream()
 *   .to('counts', Produced.with(Serdes.String(), Serdes.Long()));
 * ```
 */

export { StreamsBuilder, type StreamsBuilderOptions } from './streams-builder.ts';
export { Topology } from './topology.ts';
export type { NodeDescription, SubtopologyDescription, TopologyDescription } from '../compiler/describe.ts';
export { KStream } from './kstream.ts';
export { KTable } from './ktable.ts';
export { KGroupedStream } from './kgrouped-stream.ts';
export { KGroupedTable } from './kgrouped-table.ts';
export { BranchedKStream } from './branched-kstream.ts';
export { Branched } from './options/branched.ts';
export { Consumed } from './options/consumed.ts';
export { Produced } from './options/produced.ts';
export { Grouped } from './options/grouped.ts';
export { Materialized, type DslStoreType } from './options/materialized.ts';
export { Named } from './options/named.ts';
export { Repartitioned } from './options/repartitioned.ts';
export { keyValue, change } from './functions.ts';
export type { Aggregator, Change, ForeachAction, Initializer, KeyValue, KeyValueMapper, Predicate, Reducer, ValueMapper } from './functions.ts';
export { changeSerde } from './graph/change-serde.ts';
export { GlobalKTable } from './global-ktable.ts';
export { JoinWindows } from './options/join-windows.ts';
export { Joined } from './options/joined.ts';
export { StreamJoined } from './options/stream-joined.ts';
export { TableJoined } from './options/table-joined.ts';
export type { ForeignKeyExtractor, ValueJoiner } from './joins/value-joiner.ts';
export { TimeWindowedKStream } from './time-windowed-kstream.ts';
export { SessionWindowedKStream, type Merger } from './session-windowed-kstream.ts';
export { TimeWindows } from './windows/time-windows.ts';
export { SlidingWindows } from './windows/sliding-windows.ts';
export { SessionWindows } from './windows/session-windows.ts';
export { EmitStrategy } from './windows/emit-strategy.ts';
export { WindowedSerdes, windowed } from './windows/windowed-serdes.ts';
export { Suppressed, BufferConfig } from './options/suppressed.ts';
export type { TimeWindow, Windowed } from '../../state/api/windowed.ts';

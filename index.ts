/**
 * The package's entry point: the DSL to build a topology, the client to run it, and the
 * serdes and stores it is built from.
 *
 * @example
 * ```ts
 * import { KafkaStreams, StreamsBuilder, Serdes } from 'kstreams-ts';
 * const builder = new StreamsBuilder({ defaultKeySerde: Serdes.String(), defaultValueSerde: Serdes.String() });
 * builder.stream('input').to('output');
 * const streams = new KafkaStreams(builder.build(), { 'application.id': 'copy', 'bootstrap.servers': '127.0.0.1:9092' });
 * await streams.start();
 * ```
 */

export * from './processors/client/index.ts';
export * from './topologies/index.ts';
export { Serdes } from './schemas/serdes/serdes.ts';
export { Stores } from './state/stores.ts';

/**
 * The package's testing entry (`kstreams-ts/testing`), as Kafka Streams ships
 * kafka-streams-test-utils: run a topology without a broker.
 *
 * @example
 * ```ts
 * import { TopologyTestDriver } from 'kstreams-ts/testing';
 * const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
 * const input = driver.createInputTopic('input', Serdes.String(), Serdes.String());
 * ```
 */

export * from './processors/testing/index.ts';

/**
 * The testing package: run a topology without a broker.
 *
 * @example
 * ```ts
 * import { TopologyTestDriver } from '../processors/testing/index.ts';
 * const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
 * ```
 */

export { TopologyTestDriver, type TopologySource, type TopologyTestDriverConfig } from './topology-test-driver.ts';
export { TestInputTopic, type TestInputTopicOptions } from './test-input-topic.ts';
export { TestOutputTopic, type TestKeyValueResult } from './test-output-topic.ts';
export type { TestInputRecord, TestRecord, TestKeyValue } from './test-record.ts';
export { continueOnError, failOnError, type DeadLetter } from '../runtime/exception-handlers.ts';

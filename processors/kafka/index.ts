/**
 * The Kafka adapter: the only module allowed to import the Kafka client library. The
 * stream runtime, connectors and gateway use this surface only.
 */

export { KafkaAdmin, type CreateTopicsOptions, type GroupDescription, type NewTopic, type TopicDescription } from './admin.ts';
export {
  allMembersRangeAssignor,
  decodeGroupDirectory,
  encodeGroupDirectory,
  rangeAssign,
  type Assignment,
  type AssignmentContext,
  type Assignor,
  type AssignorMember,
  type GroupDirectoryEntry,
  type MemberAssignment,
} from './assignor.ts';
export {
  kafkaClientConfig,
  kafkaConsumerConfig,
  kafkaProducerConfig,
  type KafkaClientConfig,
  type KafkaConsumerConfig,
  type KafkaProducerConfig,
} from './config.ts';
export { SECURITY_KEYS, prefixedSecurityFields, securityFields, securitySettingsOf, toSecurityOptions, unprefixedSecuritySettings, type SecuritySettings } from './security-config.ts';
export { KafkaConsumer, type KafkaConsumerOptions, type RebalanceListener } from './consumer.ts';
export { hasProtocolError, isTransientCoordinatorError, toKstError } from './errors.ts';
export { tooLargeError, type SendOptions } from './planned-send.ts';
export { ProduceLimits, planRequests, recordSizeUpperBound, type TooLargeRecord } from './produce-requests.ts';
export { DEFAULT_PRODUCER_CONFIG, KafkaProducer } from './producer.ts';
export { PartitionReader, type PartitionReaderOptions, type StartOffset } from './partition-reader.ts';
export { headerValue } from './records.ts';
export { TransactionalProducer, type TransactionState } from './transactional-producer.ts';
export type {
  ConsumerGroupMetadata,
  IsolationLevel,
  KafkaHeader,
  KafkaRecord,
  OffsetResetPolicy,
  ProduceResult,
  ProducerRecord,
  RecordBatch,
  TopicPartition,
  TopicPartitionOffset,
} from './types.ts';

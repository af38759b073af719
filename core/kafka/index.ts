// core/kafka: the Kafka client behind one small module. Import from here, never from kafkajs directly, so that a
// switch to another KafkaJS-compatible client stays a change in this folder.
export type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
export {
  registerCompressionCodecs,
  zstdCodec,
  zstdImplementation,
  KAFKA_COMPRESSIONS,
  type KafkaCodec,
  type KafkaCompression,
} from './compression.js';
export {
  connectWithRetry,
  backoffMs,
  type Connectable,
  type ConnectRetryOptions,
  type KafkaLogger,
} from './connect.js';
export {
  createKafka,
  kafkaConfig,
  kafkaSettings,
  parseBrokers,
  DEFAULT_RETRY,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  KAFKA_ENV,
  type KafkaAuth,
  type KafkaOptions,
  type KafkaRetryPolicy,
  type KafkaSettings,
} from './create-kafka.js';
export {
  classifyKafkaError,
  rootMessage,
  KafkaConfigError,
  KafkaConnectError,
  KafkaProduceError,
  type KafkaFailureKind,
} from './errors.js';
export {
  formatKafkaLogEntry,
  kafkaLogCreator,
  stderrKafkaLogSink,
  type KafkaLogEntry,
  type KafkaLogLevel,
  type KafkaLogSink,
} from './log.js';
export {
  mskIamTokenProvider,
  MskIamTokenError,
  type AwsCredentials,
  type AwsCredentialsProvider,
  type MskIamTokenOptions,
  type OAuthBearerProvider,
} from './msk-iam.js';
export { produceRecords, type KafkaRecord, type ProduceOptions, type ProduceSummary } from './produce-records.js';
export { partitionForKey } from './partition-for-key.js';

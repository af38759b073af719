// core/stream: the ECS stream consumer's runtime (see README.md). stream-jobs/ingest.ts and `shoplake ingest` start
// it; import from here.
export { IngestConsumer } from './ingest-consumer.js';
export type { ConsumerState, FlushReason, IngestConsumerDeps } from './ingest-consumer.js';
export { streamSettingsFromEnv, STREAM_DEFAULTS } from './settings.js';
export type { StreamKafkaSettings, StreamSettings, StreamSettingsDefaults } from './settings.js';
export { startHealthServer, HEALTH_PATH } from './health-server.js';
export type { HealthReport, HealthServer } from './health-server.js';
export { createMetrics, PIPELINE_METRICS, STREAM_METRICS } from './metrics.js';
export { Positions } from './positions.js';
export type { FetchVerdict, PartitionPosition } from './positions.js';
export { toPipelineRecord, valueBytes } from './to-pipeline-record.js';

// Public API of core/pipeline (see README.md). Consumers import from here only.
export { createPipeline, Pipeline, DEFAULT_NAMESPACES, DEFAULT_DEDUP_WINDOW_DAYS } from './pipeline.js';
export { DEFAULT_DEDUP_MAX_IDS } from './dedup.js';
export type { PipelineOptions } from './pipeline.js';
export { Batch } from './batch.js';
export type { BatchResult, TableResult } from './batch.js';
export {
  decodeRecord,
  fromMskEvent,
  mskRecords,
  fromMskRecord,
  fromKafkaJsMessage,
  DECODE_REASON_CODES,
} from './decode.js';
export type { PipelineRecord, KafkaHeader, DecodedRecord, KafkaJsMessageLike } from './decode.js';
export { PIPELINE_REASON_CODES, MAX_QUARANTINE_ERRORS } from './validate.js';
export type { QuarantineReason } from './validate.js';
export { OffsetConflictError, committedState, OFFSETS_PREFIX, WATERMARK_KEY } from './exactly-once.js';
export type { Offsets, CommittedState } from './exactly-once.js';
export { DEFAULT_ALLOWED_LATENESS_SECONDS } from './late.js';
export { skipOffsets, SkipOffsetsError, MAX_SKIPPED_OFFSETS, MAX_SKIP_REASON_LENGTH } from './skip-offsets.js';
export type { SkipOffsetsRequest, SkipOffsetsResult } from './skip-offsets.js';
export { FAULT_POINTS, FAULT_EXIT_CODE, parseFaults, faultInjector } from './faults.js';
export type { FaultPoint, FaultInjector } from './faults.js';
export { settingsFromEnv, openCatalog } from './config.js';
export { dedupMaxIdsFromEnv } from './dedup-settings.js';
export { PIPELINE_METRICS, addBatchMetrics } from './metrics.js';
export type { PipelineSettings, CatalogClients } from './config.js';
export { loadPiiSalt, loadOrCreateDevSalt } from './salt.js';
export type { SaltSource } from './salt.js';
export type { Namespaces } from './tables.js';

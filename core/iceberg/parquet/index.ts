// Public API of core/iceberg/parquet (see README.md).
export {
  DataFileWriter,
  DEFAULT_ROW_GROUP_BYTES,
  DEFAULT_TARGET_FILE_BYTES,
  resolveCompression,
} from './data-file-writer.js';
export type { DataFileWriterOptions, ParquetWriteOptions } from './data-file-writer.js';
export { RollingDataFileWriter, DataFileNamer } from './rolling-data-file-writer.js';
export type { RollingDataFileWriterOptions } from './rolling-data-file-writer.js';
export { PartitionedDataFileWriter } from './partitioned-data-file-writer.js';
export type { PartitionedDataFileWriterOptions } from './partitioned-data-file-writer.js';
export { readDataFile, DataFileReadError } from './read-data-file.js';
export type { ReadDataFileOptions } from './read-data-file.js';
export { SchemaMismatchError } from './column-buffers.js';
export { loadCompression, nativeZstdAvailable, codecFromProperty, tableCompression } from './compression.js';
export type { Compression, CompressionOptions, ParquetCodec } from './compression.js';
export { metricsConfigFromProperties, parseMetricsMode, DEFAULT_METRICS_MODE } from './metrics.js';
export type { MetricsConfig, MetricsMode } from './metrics.js';
export { toParquetSchema, parquetName } from './parquet-schema.js';

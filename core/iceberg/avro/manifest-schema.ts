// The v2 schemas of manifests (`manifest_entry`) and manifest lists (`manifest_file`) of format/spec.md
// "Manifests" and "Manifest Lists", as Iceberg structs with the field ids, names and docs Iceberg Java writes
// (so our headers read like Athena's). iceberg-schema.ts turns them into the Avro header schema, and the same
// structs are stored as the `iceberg.schema` header key.
import type { IcebergType, NestedField, StructType } from '../spec/types.js';

const req = (id: number, name: string, type: IcebergType, doc?: string): NestedField =>
  doc === undefined ? { id, name, required: true, type } : { id, name, required: true, type, doc };
const opt = (id: number, name: string, type: IcebergType, doc?: string): NestedField =>
  doc === undefined ? { id, name, required: false, type } : { id, name, required: false, type, doc };
const intLongMap = (keyId: number, valueId: number): IcebergType => ({
  type: 'map',
  'key-id': keyId,
  key: 'int',
  'value-id': valueId,
  value: 'long',
  'value-required': true,
});
const intBinaryMap = (keyId: number, valueId: number): IcebergType => ({
  type: 'map',
  'key-id': keyId,
  key: 'int',
  'value-id': valueId,
  value: 'binary',
  'value-required': true,
});
const list = (elementId: number, element: IcebergType): IcebergType => ({
  type: 'list',
  'element-id': elementId,
  element,
  'element-required': true,
});

/** Field ids of manifest_entry and data_file. */
export const ENTRY = { status: 0, snapshotId: 1, sequenceNumber: 3, fileSequenceNumber: 4, dataFile: 2 } as const;
export const DATA_FILE = {
  content: 134,
  filePath: 100,
  fileFormat: 101,
  partition: 102,
  recordCount: 103,
  fileSizeInBytes: 104,
  columnSizes: 108,
  valueCounts: 109,
  nullValueCounts: 110,
  nanValueCounts: 137,
  lowerBounds: 125,
  upperBounds: 128,
  keyMetadata: 131,
  splitOffsets: 132,
  equalityIds: 135,
  sortOrderId: 140,
} as const;

/** The v2 `data_file` struct for a partition type (see spec/schema.ts partitionType). */
export function dataFileType(partition: StructType): StructType {
  return {
    type: 'struct',
    fields: [
      req(134, 'content', 'int', 'Contents of the file: 0=data, 1=position deletes, 2=equality deletes'),
      req(100, 'file_path', 'string', 'Location URI with FS scheme'),
      req(101, 'file_format', 'string', 'File format name: avro, orc, or parquet'),
      req(102, 'partition', partition, 'Partition data tuple, schema based on the partition spec'),
      req(103, 'record_count', 'long', 'Number of records in the file'),
      req(104, 'file_size_in_bytes', 'long', 'Total file size in bytes'),
      opt(108, 'column_sizes', intLongMap(117, 118), 'Map of column id to total size on disk'),
      opt(109, 'value_counts', intLongMap(119, 120), 'Map of column id to total count, including null and NaN'),
      opt(110, 'null_value_counts', intLongMap(121, 122), 'Map of column id to null value count'),
      opt(137, 'nan_value_counts', intLongMap(138, 139), 'Map of column id to number of NaN values in the column'),
      opt(125, 'lower_bounds', intBinaryMap(126, 127), 'Map of column id to lower bound'),
      opt(128, 'upper_bounds', intBinaryMap(129, 130), 'Map of column id to upper bound'),
      opt(131, 'key_metadata', 'binary', 'Encryption key metadata blob'),
      opt(132, 'split_offsets', list(133, 'long'), 'Splittable offsets'),
      opt(135, 'equality_ids', list(136, 'int'), 'Equality comparison field IDs'),
      opt(140, 'sort_order_id', 'int', 'Sort order ID'),
    ],
  };
}

/** The v2 `manifest_entry` struct for a partition type. */
export function manifestEntryType(partition: StructType): StructType {
  return {
    type: 'struct',
    fields: [
      req(0, 'status', 'int'),
      opt(1, 'snapshot_id', 'long'),
      opt(3, 'sequence_number', 'long'),
      opt(4, 'file_sequence_number', 'long'),
      req(2, 'data_file', dataFileType(partition)),
    ],
  };
}

/** Field ids of manifest_file and field_summary. */
export const MANIFEST_FILE = {
  manifestPath: 500,
  manifestLength: 501,
  partitionSpecId: 502,
  content: 517,
  sequenceNumber: 515,
  minSequenceNumber: 516,
  addedSnapshotId: 503,
  addedFilesCount: 504,
  existingFilesCount: 505,
  deletedFilesCount: 506,
  addedRowsCount: 512,
  existingRowsCount: 513,
  deletedRowsCount: 514,
  partitions: 507,
  keyMetadata: 519,
} as const;
export const FIELD_SUMMARY = { containsNull: 509, containsNan: 518, lowerBound: 510, upperBound: 511 } as const;

/** The v2 `manifest_file` struct (one manifest-list entry). */
export const MANIFEST_FILE_TYPE: StructType = {
  type: 'struct',
  fields: [
    req(500, 'manifest_path', 'string', 'Location URI with FS scheme'),
    req(501, 'manifest_length', 'long', 'Total file size in bytes'),
    req(502, 'partition_spec_id', 'int', 'Spec ID used to write'),
    req(517, 'content', 'int', 'Contents of the manifest: 0=data, 1=deletes'),
    req(515, 'sequence_number', 'long', 'Sequence number when the manifest was added'),
    req(516, 'min_sequence_number', 'long', 'Lowest sequence number in the manifest'),
    req(503, 'added_snapshot_id', 'long', 'Snapshot ID that added the manifest'),
    req(504, 'added_files_count', 'int', 'Added entry count'),
    req(505, 'existing_files_count', 'int', 'Existing entry count'),
    req(506, 'deleted_files_count', 'int', 'Deleted entry count'),
    req(512, 'added_rows_count', 'long', 'Added rows count'),
    req(513, 'existing_rows_count', 'long', 'Existing rows count'),
    req(514, 'deleted_rows_count', 'long', 'Deleted rows count'),
    opt(
      507,
      'partitions',
      {
        type: 'list',
        'element-id': 508,
        element: {
          type: 'struct',
          fields: [
            req(509, 'contains_null', 'boolean', 'True if any file has a null partition value'),
            opt(518, 'contains_nan', 'boolean', 'True if any file has a nan partition value'),
            opt(510, 'lower_bound', 'binary', 'Partition lower bound for all files'),
            opt(511, 'upper_bound', 'binary', 'Partition upper bound for all files'),
          ],
        },
        'element-required': true,
      },
      'Summary for each partition',
    ),
    opt(519, 'key_metadata', 'binary', 'Encryption key metadata blob'),
  ],
};

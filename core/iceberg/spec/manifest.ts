// Manifest entries, data files and manifest-list entries, named exactly as the Avro fields of
// format/spec.md "Manifests" and "Manifest Lists" (snake_case). Avro maps of <int, …> are Maps here.

export const enum DataContent {
  Data = 0,
  PositionDeletes = 1,
  EqualityDeletes = 2,
}

export const enum ManifestContent {
  Data = 0,
  Deletes = 1,
}

export const enum EntryStatus {
  Existing = 0,
  Added = 1,
  Deleted = 2,
}

/** A partition tuple: one value per partition field, keyed by the partition field's name, in spec order. */
export type PartitionValues = Record<string, unknown>;

export interface DataFile {
  content: DataContent;
  file_path: string;
  file_format: 'PARQUET' | 'AVRO' | 'ORC';
  partition: PartitionValues;
  record_count: number;
  file_size_in_bytes: number;
  column_sizes?: Map<number, number>;
  value_counts?: Map<number, number>;
  null_value_counts?: Map<number, number>;
  nan_value_counts?: Map<number, number>;
  /** Single-value serialization of format/spec.md Appendix D. */
  lower_bounds?: Map<number, Uint8Array>;
  upper_bounds?: Map<number, Uint8Array>;
  key_metadata?: Uint8Array | null;
  split_offsets?: number[] | null;
  equality_ids?: number[] | null;
  sort_order_id?: number | null;
}

export interface ManifestEntry {
  status: EntryStatus;
  /** null means: inherit from the manifest-list entry (added_snapshot_id). */
  snapshot_id: bigint | null;
  /** null means: inherit the manifest's sequence number (only for ADDED entries). */
  sequence_number: number | null;
  file_sequence_number: number | null;
  data_file: DataFile;
}

export interface FieldSummary {
  contains_null: boolean;
  contains_nan?: boolean | null;
  lower_bound?: Uint8Array | null;
  upper_bound?: Uint8Array | null;
}

export interface ManifestFile {
  manifest_path: string;
  manifest_length: number;
  partition_spec_id: number;
  content: ManifestContent;
  sequence_number: number;
  min_sequence_number: number;
  added_snapshot_id: bigint;
  added_files_count: number;
  existing_files_count: number;
  deleted_files_count: number;
  added_rows_count: number;
  existing_rows_count: number;
  deleted_rows_count: number;
  partitions?: FieldSummary[] | null;
  key_metadata?: Uint8Array | null;
}

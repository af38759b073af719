// Table metadata v2 (format/spec.md "Table Metadata"), in the exact JSON shape of metadata.json.
// Snapshot ids are 63-bit: they are bigint here and must be parsed and written losslessly.
// A v1 table is held in this v2 shape (Appendix E defaults) with 'format-version': 1 kept, so that nothing writes
// it back as v2 unless the table is upgraded on purpose (transaction/set-properties.ts, `format-version`).
import type { Schema } from './types.js';
import type { PartitionSpec, SortOrder } from './partition-spec.js';

export interface SnapshotSummary {
  operation: 'append' | 'replace' | 'overwrite' | 'delete';
  [key: string]: string;
}

export interface Snapshot {
  'snapshot-id': bigint;
  'parent-snapshot-id'?: bigint;
  'sequence-number': number;
  'timestamp-ms': number;
  'manifest-list': string;
  summary: SnapshotSummary;
  'schema-id'?: number;
}

export interface SnapshotRef {
  'snapshot-id': bigint;
  type: 'branch' | 'tag';
  'max-ref-age-ms'?: number;
  'max-snapshot-age-ms'?: number;
  'min-snapshots-to-keep'?: number;
}

export interface SnapshotLogEntry {
  'timestamp-ms': number;
  'snapshot-id': bigint;
}

export interface MetadataLogEntry {
  'timestamp-ms': number;
  'metadata-file': string;
}

export interface TableMetadata {
  /** The table's format version as read; shoplake writes only 2 (a v1 table must be upgraded first). */
  'format-version': 1 | 2;
  'table-uuid': string;
  location: string;
  'last-sequence-number': number;
  'last-updated-ms': number;
  'last-column-id': number;
  schemas: Schema[];
  'current-schema-id': number;
  'partition-specs': PartitionSpec[];
  'default-spec-id': number;
  'last-partition-id': number;
  properties?: Record<string, string>;
  'current-snapshot-id'?: bigint | null;
  snapshots?: Snapshot[];
  'snapshot-log'?: SnapshotLogEntry[];
  'metadata-log'?: MetadataLogEntry[];
  'sort-orders': SortOrder[];
  'default-sort-order-id': number;
  refs?: Record<string, SnapshotRef>;
  statistics?: unknown[];
  'partition-statistics'?: unknown[];
}

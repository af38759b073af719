// Writes a v2 manifest (format/spec.md "Manifests"): an Avro container of manifest_entry records whose
// partition struct (field 102) is built from the partition spec (ids 1000+), with the required key-value
// metadata (schema, schema-id, partition-spec, partition-spec-id, format-version, content) plus Java's
// iceberg.schema. Returns the manifest-list entry describing the file; its sequence numbers stay
// UNASSIGNED_SEQUENCE_NUMBER until writeManifestList assigns the committing snapshot's.
import type { FileIO } from '../io/file-io.js';
import { DataContent, EntryStatus, ManifestContent } from '../spec/manifest.js';
import type { ManifestEntry, ManifestFile } from '../spec/manifest.js';
import type { PartitionSpec } from '../spec/partition-spec.js';
import { partitionType, schemaToJson, typeToJson } from '../spec/schema.js';
import type { PrimitiveType, Schema, StructType } from '../spec/types.js';
import { writeAvroContainer } from './container-writer.js';
import type { WriteCodec } from './codecs.js';
import { AvroValueError } from './errors.js';
import { icebergToAvroSchema, sanitizeAvroName } from './iceberg-schema.js';
import { manifestEntryType } from './manifest-schema.js';
import { partitionSummaries } from './partition-summary.js';
import { partitionValueToAvro } from './partition-datum.js';

/** The sequence number of a manifest written but not yet committed (Iceberg Java's UNASSIGNED_SEQ). */
export const UNASSIGNED_SEQUENCE_NUMBER = -1;

export interface ManifestWriteRequest {
  /** The table schema the manifest's files were written with (stored as the `schema` key). */
  schema: Schema;
  /** The partition spec of every file in the manifest. */
  spec: PartitionSpec;
  /** Data (default) or delete files; a manifest holds one kind only. */
  content?: ManifestContent;
  entries: readonly ManifestEntry[];
  /** The snapshot that writes this manifest (the manifest-list entry's added_snapshot_id). */
  addedSnapshotId: bigint;
  /** Default deflate, as Iceberg Java. */
  codec?: WriteCodec;
  /** Only for reproducible (golden) files. */
  syncMarker?: Uint8Array;
}

export interface EncodedManifest {
  bytes: Uint8Array;
  /** The manifest-list entry without its location (manifest_path) and with manifest_length = bytes.length. */
  manifest: Omit<ManifestFile, 'manifest_path'>;
}

/** Encodes a manifest in memory; throws (naming the entry and field) on entries that do not fit the spec. */
export function encodeManifest(req: ManifestWriteRequest): EncodedManifest {
  const content = req.content ?? ManifestContent.Data;
  const partType = partitionType(req.spec, req.schema);
  const entryType = manifestEntryType(partType);
  const avroSchema = icebergToAvroSchema(entryType, 'manifest_entry');
  const partFields = partType.fields.map((f) => ({
    name: f.name,
    avroName: sanitizeAvroName(f.name),
    type: f.type as PrimitiveType,
  }));
  const known = new Set(partFields.map((f) => f.name));

  let added = 0;
  let existing = 0;
  let deleted = 0;
  let addedRows = 0;
  let existingRows = 0;
  let deletedRows = 0;
  let minSequence: number | undefined;
  const records = req.entries.map((entry, i) => {
    const where = `entry ${i} (${entry.data_file.file_path})`;
    const isDelete = entry.data_file.content !== DataContent.Data;
    if (isDelete !== (content === ManifestContent.Deletes)) {
      throw new AvroValueError(
        where,
        `content ${entry.data_file.content} does not belong in a ${content === ManifestContent.Deletes ? 'delete' : 'data'} manifest`,
      );
    }
    if (entry.status !== EntryStatus.Added && (entry.sequence_number === null || entry.file_sequence_number === null)) {
      throw new AvroValueError(where, 'existing and deleted entries must carry their data and file sequence numbers');
    }
    const rows = entry.data_file.record_count;
    if (entry.status === EntryStatus.Added) {
      added++;
      addedRows += rows;
    } else if (entry.status === EntryStatus.Existing) {
      existing++;
      existingRows += rows;
    } else if (entry.status === EntryStatus.Deleted) {
      deleted++;
      deletedRows += rows;
    } else {
      throw new AvroValueError(where, `unknown status ${String(entry.status)}`);
    }
    if (entry.status !== EntryStatus.Deleted && entry.sequence_number !== null) {
      minSequence = Math.min(minSequence ?? entry.sequence_number, entry.sequence_number);
    }
    for (const k of Object.keys(entry.data_file.partition)) {
      if (!known.has(k))
        throw new AvroValueError(`${where}.partition`, `${k} is not a field of partition spec ${req.spec['spec-id']}`);
    }
    const partition: Record<string, unknown> = {};
    for (const f of partFields) {
      try {
        partition[f.avroName] = partitionValueToAvro(f.type, entry.data_file.partition[f.name]);
      } catch (err) {
        throw new AvroValueError(`${where}.partition.${f.name}`, (err as Error).message);
      }
    }
    return toRecord(entry, partition);
  });

  const metadata: Record<string, string> = {
    schema: JSON.stringify(schemaToJson(req.schema)),
    'schema-id': String(req.schema['schema-id']),
    'partition-spec': JSON.stringify(specFieldsJson(req.spec)),
    'partition-spec-id': String(req.spec['spec-id']),
    'format-version': '2',
    content: content === ManifestContent.Deletes ? 'deletes' : 'data',
    'iceberg.schema': JSON.stringify(icebergSchemaJson(entryType)),
  };
  const bytes = writeAvroContainer({
    schema: avroSchema,
    records,
    metadata,
    codec: req.codec,
    syncMarker: req.syncMarker,
  });
  return {
    bytes,
    manifest: {
      manifest_length: bytes.length,
      partition_spec_id: req.spec['spec-id'],
      content,
      sequence_number: UNASSIGNED_SEQUENCE_NUMBER,
      min_sequence_number: minSequence ?? UNASSIGNED_SEQUENCE_NUMBER,
      added_snapshot_id: req.addedSnapshotId,
      added_files_count: added,
      existing_files_count: existing,
      deleted_files_count: deleted,
      added_rows_count: addedRows,
      existing_rows_count: existingRows,
      deleted_rows_count: deletedRows,
      partitions: partitionSummaries(
        partType,
        req.entries.map((e) => e.data_file.partition),
      ),
      key_metadata: null,
    },
  };
}

/** Encodes and writes a manifest to `location`; returns its manifest-list entry. */
export async function writeManifest(io: FileIO, location: string, req: ManifestWriteRequest): Promise<ManifestFile> {
  const { bytes, manifest } = encodeManifest(req);
  await io.write(location, bytes);
  return { manifest_path: location, ...manifest };
}

function toRecord(entry: ManifestEntry, partition: Record<string, unknown>): Record<string, unknown> {
  const f = entry.data_file;
  return {
    status: entry.status,
    snapshot_id: entry.snapshot_id,
    sequence_number: entry.sequence_number,
    file_sequence_number: entry.file_sequence_number,
    data_file: {
      content: f.content,
      file_path: f.file_path,
      file_format: f.file_format,
      partition,
      record_count: f.record_count,
      file_size_in_bytes: f.file_size_in_bytes,
      column_sizes: f.column_sizes ?? null,
      value_counts: f.value_counts ?? null,
      null_value_counts: f.null_value_counts ?? null,
      nan_value_counts: f.nan_value_counts ?? null,
      lower_bounds: f.lower_bounds ?? null,
      upper_bounds: f.upper_bounds ?? null,
      key_metadata: f.key_metadata ?? null,
      split_offsets: f.split_offsets ?? null,
      equality_ids: f.equality_ids ?? null,
      sort_order_id: f.sort_order_id ?? null,
    },
  };
}

function specFieldsJson(spec: PartitionSpec): unknown[] {
  return spec.fields.map((f) => ({
    name: f.name,
    transform: f.transform,
    'source-id': f['source-id'],
    'field-id': f['field-id'],
  }));
}

function icebergSchemaJson(struct: StructType): Record<string, unknown> {
  return { type: 'struct', 'schema-id': 0, fields: (typeToJson(struct) as { fields: unknown[] }).fields };
}

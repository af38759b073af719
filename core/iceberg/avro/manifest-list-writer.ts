// Writes a v2 manifest list (format/spec.md "Manifest Lists"): an Avro container of manifest_file records with
// the header keys Iceberg Java writes (snapshot-id, parent-snapshot-id, sequence-number, format-version,
// iceberg.schema). Manifests written for this snapshot carry UNASSIGNED_SEQUENCE_NUMBER; they get the
// snapshot's sequence number here, which is what lets a retried commit reuse its manifests.
import type { FileIO } from '../io/file-io.js';
import type { ManifestFile } from '../spec/manifest.js';
import { typeToJson } from '../spec/schema.js';
import { writeAvroContainer } from './container-writer.js';
import type { WriteCodec } from './codecs.js';
import { AvroValueError } from './errors.js';
import { icebergToAvroSchema } from './iceberg-schema.js';
import { MANIFEST_FILE_TYPE } from './manifest-schema.js';
import { UNASSIGNED_SEQUENCE_NUMBER } from './manifest-writer.js';

export interface ManifestListWriteRequest {
  snapshotId: bigint;
  parentSnapshotId?: bigint | null;
  /** The sequence number of the snapshot being committed. */
  sequenceNumber: number;
  manifests: readonly ManifestFile[];
  codec?: WriteCodec;
  /** Only for reproducible (golden) files. */
  syncMarker?: Uint8Array;
}

const AVRO_SCHEMA = icebergToAvroSchema(MANIFEST_FILE_TYPE, 'manifest_file');
const ICEBERG_SCHEMA = JSON.stringify({
  type: 'struct',
  'schema-id': 0,
  fields: (typeToJson(MANIFEST_FILE_TYPE) as { fields: unknown[] }).fields,
});

/**
 * The manifests as this snapshot's list will record them: unassigned sequence numbers replaced by the snapshot's.
 * A manifest added by this snapshot must not carry a sequence number above it.
 */
export function assignSequenceNumbers(req: ManifestListWriteRequest): ManifestFile[] {
  return req.manifests.map((m, i) => {
    const assigned = { ...m };
    if (m.sequence_number === UNASSIGNED_SEQUENCE_NUMBER) {
      if (m.added_snapshot_id !== req.snapshotId) {
        throw new AvroValueError(
          `manifest ${i} (${m.manifest_path})`,
          `has no sequence number but was added by snapshot ${m.added_snapshot_id}, not ${req.snapshotId}`,
        );
      }
      assigned.sequence_number = req.sequenceNumber;
    }
    if (m.min_sequence_number === UNASSIGNED_SEQUENCE_NUMBER) assigned.min_sequence_number = req.sequenceNumber;
    if (assigned.sequence_number > req.sequenceNumber || assigned.min_sequence_number > assigned.sequence_number) {
      throw new AvroValueError(
        `manifest ${i} (${m.manifest_path})`,
        'has sequence numbers above the snapshot being written',
      );
    }
    return assigned;
  });
}

export function encodeManifestList(req: ManifestListWriteRequest): Uint8Array {
  const records = assignSequenceNumbers(req).map((m) => ({
    manifest_path: m.manifest_path,
    manifest_length: m.manifest_length,
    partition_spec_id: m.partition_spec_id,
    content: m.content,
    sequence_number: m.sequence_number,
    min_sequence_number: m.min_sequence_number,
    added_snapshot_id: m.added_snapshot_id,
    added_files_count: m.added_files_count,
    existing_files_count: m.existing_files_count,
    deleted_files_count: m.deleted_files_count,
    added_rows_count: m.added_rows_count,
    existing_rows_count: m.existing_rows_count,
    deleted_rows_count: m.deleted_rows_count,
    partitions:
      m.partitions?.map((p) => ({
        contains_null: p.contains_null,
        contains_nan: p.contains_nan ?? null,
        lower_bound: p.lower_bound ?? null,
        upper_bound: p.upper_bound ?? null,
      })) ?? null,
    key_metadata: m.key_metadata ?? null,
  }));
  return writeAvroContainer({
    schema: AVRO_SCHEMA,
    records,
    metadata: {
      'snapshot-id': String(req.snapshotId),
      'parent-snapshot-id': req.parentSnapshotId == null ? 'null' : String(req.parentSnapshotId),
      'sequence-number': String(req.sequenceNumber),
      'format-version': '2',
      'iceberg.schema': ICEBERG_SCHEMA,
    },
    codec: req.codec,
    syncMarker: req.syncMarker,
  });
}

/** Encodes and writes the manifest list to `location`; returns the entries as written (sequence numbers assigned). */
export async function writeManifestList(
  io: FileIO,
  location: string,
  req: ManifestListWriteRequest,
): Promise<ManifestFile[]> {
  const bytes = encodeManifestList(req);
  await io.write(location, bytes);
  return assignSequenceNumbers(req);
}

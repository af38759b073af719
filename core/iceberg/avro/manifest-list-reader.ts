// Reads a manifest list (v1 or v2, any writer) by field id into ManifestFile objects. v1 lists get the v2
// defaults of format/spec.md Appendix E (content 0, sequence numbers 0). Partition summaries keep their
// Appendix D bounds as bytes.
import type { FileIO } from '../io/file-io.js';
import { ManifestContent } from '../spec/manifest.js';
import type { FieldSummary, ManifestFile } from '../spec/manifest.js';
import { readAvroContainer } from './container-reader.js';
import { AvroFileError } from './errors.js';
import { fieldsById } from './field-ids.js';
import type { IdField } from './field-ids.js';
import { FIELD_SUMMARY, MANIFEST_FILE } from './manifest-schema.js';
import { unwrapOptional } from './field-ids.js';

export async function readManifestList(io: FileIO, location: string): Promise<ManifestFile[]> {
  return decodeManifestList(await io.read(location), location);
}

/** Decodes manifest-list bytes; `location` names the file in errors. */
export function decodeManifestList(bytes: Uint8Array, location: string): ManifestFile[] {
  const container = readAvroContainer(bytes, location);
  const fail = (reason: string): never => {
    throw new AvroFileError(location, reason);
  };
  const fields = fieldsById(container.resolved);
  const name = (id: number, what: string, required: boolean): string | undefined => {
    const f = fields.get(id);
    if (!f && required)
      fail(`is not an Iceberg manifest list: manifest_file has no field with field-id ${id} (${what})`);
    return f?.name;
  };
  const path = name(MANIFEST_FILE.manifestPath, 'manifest_path', true)!;
  const length = name(MANIFEST_FILE.manifestLength, 'manifest_length', true)!;
  const specId = name(MANIFEST_FILE.partitionSpecId, 'partition_spec_id', true)!;
  const snapshot = name(MANIFEST_FILE.addedSnapshotId, 'added_snapshot_id', true)!;
  const content = name(MANIFEST_FILE.content, 'content', false);
  const seq = name(MANIFEST_FILE.sequenceNumber, 'sequence_number', false);
  const minSeq = name(MANIFEST_FILE.minSequenceNumber, 'min_sequence_number', false);
  const counts = {
    added_files_count: name(MANIFEST_FILE.addedFilesCount, 'added_files_count', false),
    existing_files_count: name(MANIFEST_FILE.existingFilesCount, 'existing_files_count', false),
    deleted_files_count: name(MANIFEST_FILE.deletedFilesCount, 'deleted_files_count', false),
    added_rows_count: name(MANIFEST_FILE.addedRowsCount, 'added_rows_count', false),
    existing_rows_count: name(MANIFEST_FILE.existingRowsCount, 'existing_rows_count', false),
    deleted_rows_count: name(MANIFEST_FILE.deletedRowsCount, 'deleted_rows_count', false),
  };
  const partitions: IdField | undefined = fields.get(MANIFEST_FILE.partitions);
  const keyMetadata = name(MANIFEST_FILE.keyMetadata, 'key_metadata', false);
  const summaryFields = partitions ? summaryNames(partitions) : undefined;

  return container.records.map((raw, i): ManifestFile => {
    const r = raw as Record<string, unknown>;
    const num = (key: string | undefined, what: string, dflt?: number): number => {
      const v = key === undefined ? undefined : r[key];
      if (v === undefined || v === null) {
        if (dflt !== undefined) return dflt;
        return fail(`entry ${i}: ${what} is missing (a v1 writer left it out; counts are required to plan scans)`);
      }
      if (typeof v !== 'number') return fail(`entry ${i}: ${what} ${String(v)} is beyond 2^53`);
      return v;
    };
    const m: ManifestFile = {
      manifest_path:
        typeof r[path] === 'string' && r[path] !== '' ? r[path] : fail(`entry ${i}: manifest_path is missing`),
      manifest_length: num(length, 'manifest_length'),
      partition_spec_id: num(specId, 'partition_spec_id'),
      content: num(content, 'content', 0) as ManifestContent,
      sequence_number: num(seq, 'sequence_number', 0),
      min_sequence_number: num(minSeq, 'min_sequence_number', 0),
      added_snapshot_id: snapshotIdOf(r[snapshot], i),
      added_files_count: num(counts.added_files_count, 'added_files_count'),
      existing_files_count: num(counts.existing_files_count, 'existing_files_count'),
      deleted_files_count: num(counts.deleted_files_count, 'deleted_files_count'),
      added_rows_count: num(counts.added_rows_count, 'added_rows_count'),
      existing_rows_count: num(counts.existing_rows_count, 'existing_rows_count'),
      deleted_rows_count: num(counts.deleted_rows_count, 'deleted_rows_count'),
    };
    if (m.content !== ManifestContent.Data && m.content !== ManifestContent.Deletes) {
      fail(`entry ${i}: content ${String(m.content)} is neither 0 (data) nor 1 (deletes)`);
    }
    if (summaryFields && partitions) {
      const list = r[partitions.name] as Record<string, unknown>[] | null;
      m.partitions =
        list?.map((p): FieldSummary => ({
          contains_null: p[summaryFields.containsNull] as boolean,
          contains_nan:
            summaryFields.containsNan === undefined ? null : ((p[summaryFields.containsNan] as boolean | null) ?? null),
          lower_bound:
            summaryFields.lowerBound === undefined
              ? null
              : ((p[summaryFields.lowerBound] as Uint8Array | null) ?? null),
          upper_bound:
            summaryFields.upperBound === undefined
              ? null
              : ((p[summaryFields.upperBound] as Uint8Array | null) ?? null),
        })) ?? null;
    }
    if (keyMetadata !== undefined) m.key_metadata = (r[keyMetadata] as Uint8Array | null) ?? null;
    return m;
  });

  function snapshotIdOf(v: unknown, i: number): bigint {
    if (typeof v === 'number' || typeof v === 'bigint') return BigInt(v);
    return fail(`entry ${i}: added_snapshot_id is missing`);
  }

  function summaryNames(list: IdField) {
    const element = unwrapOptional(list.type);
    if (element.kind !== 'array') return fail('is not an Iceberg manifest list: partitions (507) is not a list');
    const f = fieldsById(element.items);
    const containsNull = f.get(FIELD_SUMMARY.containsNull)?.name;
    if (containsNull === undefined)
      return fail('is not an Iceberg manifest list: field_summary has no contains_null (509)');
    return {
      containsNull,
      containsNan: f.get(FIELD_SUMMARY.containsNan)?.name,
      lowerBound: f.get(FIELD_SUMMARY.lowerBound)?.name,
      upperBound: f.get(FIELD_SUMMARY.upperBound)?.name,
    };
  }
}

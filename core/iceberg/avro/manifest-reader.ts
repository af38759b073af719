// Reads a manifest (v1 or v2, any writer) by field id into ManifestEntry objects, with the inheritance of
// format/spec.md "Sequence Number Inheritance": given the manifest's manifest-list entry, a null snapshot_id
// becomes the manifest's added_snapshot_id, and null data/file sequence numbers of ADDED entries (of every
// entry in a v1 manifest, whose list says 0) become the manifest's sequence_number. Partition tuples come back
// keyed by partition field name with the JS values of DESIGN.md.
import type { FileIO } from '../io/file-io.js';
import { DataContent, EntryStatus, ManifestContent } from '../spec/manifest.js';
import type { DataFile, ManifestEntry, ManifestFile, PartitionValues } from '../spec/manifest.js';
import { parseLosslessJson } from '../spec/lossless-json.js';
import { parsePartitionFieldsJson } from '../spec/partition-spec-json.js';
import type { PartitionSpec } from '../spec/partition-spec.js';
import { parseSchemaJson } from '../spec/schema-json.js';
import type { PrimitiveType, Schema } from '../spec/types.js';
import { readAvroContainer } from './container-reader.js';
import { AvroFileError } from './errors.js';
import { fieldsById, type IdField } from './field-ids.js';
import { avroToIcebergPrimitive } from './iceberg-schema.js';
import { DATA_FILE, ENTRY } from './manifest-schema.js';
import { partitionValueFromAvro } from './partition-datum.js';

export interface ManifestMetadata {
  /** The table schema the manifest was written with. */
  schema: Schema;
  partitionSpec: PartitionSpec;
  formatVersion: number;
  content: ManifestContent;
}

export interface ManifestContents {
  metadata: ManifestMetadata;
  entries: ManifestEntry[];
}

/** Reads the entries of the manifest at `location`. Pass its manifest-list entry to apply inheritance. */
export async function readManifest(io: FileIO, location: string, inherit?: ManifestFile): Promise<ManifestEntry[]> {
  return (await readManifestContents(io, location, inherit)).entries;
}

/** Reads a manifest's entries and its header metadata (schema, partition spec, format version, content). */
export async function readManifestContents(
  io: FileIO,
  location: string,
  inherit?: ManifestFile,
): Promise<ManifestContents> {
  return decodeManifest(await io.read(location), location, inherit);
}

/** Decodes manifest bytes; `location` names the file in errors. */
export function decodeManifest(bytes: Uint8Array, location: string, inherit?: ManifestFile): ManifestContents {
  const fail = (reason: string): never => {
    throw new AvroFileError(location, reason);
  };
  // An Avro file cut at a block boundary still decodes; the manifest list's length and counts catch that.
  if (inherit && inherit.manifest_length !== bytes.length) {
    fail(`is ${bytes.length} bytes but its manifest list says ${inherit.manifest_length} (truncated or overwritten)`);
  }
  const container = readAvroContainer(bytes, location, { mapArrays: true });
  const meta = container.metadata;

  const entryFields = fieldsById(container.resolved);
  const field = (fields: Map<number, IdField>, id: number, name: string, where: string): IdField =>
    fields.get(id) ?? fail(`is not an Iceberg manifest: ${where} has no field with field-id ${id} (${name})`);
  const status = field(entryFields, ENTRY.status, 'status', 'manifest_entry');
  const dataFile = field(entryFields, ENTRY.dataFile, 'data_file', 'manifest_entry');
  const snapshotId = entryFields.get(ENTRY.snapshotId);
  const sequenceNumber = entryFields.get(ENTRY.sequenceNumber);
  const fileSequenceNumber = entryFields.get(ENTRY.fileSequenceNumber);
  const fileFields = fieldsById(dataFile.type);
  const dfRequired = (id: number, name: string): string => field(fileFields, id, name, 'data_file').name;
  const df = {
    filePath: dfRequired(DATA_FILE.filePath, 'file_path'),
    fileFormat: dfRequired(DATA_FILE.fileFormat, 'file_format'),
    partition: field(fileFields, DATA_FILE.partition, 'partition', 'data_file'),
    recordCount: dfRequired(DATA_FILE.recordCount, 'record_count'),
    fileSize: dfRequired(DATA_FILE.fileSizeInBytes, 'file_size_in_bytes'),
    content: fileFields.get(DATA_FILE.content)?.name,
    columnSizes: fileFields.get(DATA_FILE.columnSizes)?.name,
    valueCounts: fileFields.get(DATA_FILE.valueCounts)?.name,
    nullValueCounts: fileFields.get(DATA_FILE.nullValueCounts)?.name,
    nanValueCounts: fileFields.get(DATA_FILE.nanValueCounts)?.name,
    lowerBounds: fileFields.get(DATA_FILE.lowerBounds)?.name,
    upperBounds: fileFields.get(DATA_FILE.upperBounds)?.name,
    keyMetadata: fileFields.get(DATA_FILE.keyMetadata)?.name,
    splitOffsets: fileFields.get(DATA_FILE.splitOffsets)?.name,
    equalityIds: fileFields.get(DATA_FILE.equalityIds)?.name,
    sortOrderId: fileFields.get(DATA_FILE.sortOrderId)?.name,
  };

  const metadata = readMetadata(meta, location, inherit);
  const specNames = new Map(metadata.partitionSpec.fields.map((f) => [f['field-id'], f.name]));
  const partitionFields = [...fieldsById(df.partition.type)].map(([id, f]) => {
    let type: PrimitiveType;
    try {
      type = avroToIcebergPrimitive(f.type);
    } catch (err) {
      return fail(`partition field ${f.name} (id ${id}): ${(err as Error).message}`);
    }
    return { avroName: f.name, name: specNames.get(id) ?? f.icebergName, type };
  });

  const v1 = metadata.formatVersion === 1;
  const entries = container.records.map((raw, i): ManifestEntry => {
    const rec = raw as Record<string, unknown>;
    try {
      const file = rec[dataFile.name] as Record<string, unknown> | null;
      if (file === null || typeof file !== 'object') throw new Error('data_file is missing');
      const partitionDatum = (file[df.partition.name] ?? {}) as Record<string, unknown>;
      const partition: PartitionValues = {};
      for (const p of partitionFields) partition[p.name] = partitionValueFromAvro(p.type, partitionDatum[p.avroName]);
      const data: DataFile = {
        content: df.content === undefined ? DataContent.Data : (file[df.content] as DataContent),
        file_path: text(file[df.filePath], 'file_path'),
        file_format: fileFormat(file[df.fileFormat]),
        partition,
        record_count: safe(file[df.recordCount], 'record_count'),
        file_size_in_bytes: safe(file[df.fileSize], 'file_size_in_bytes'),
      };
      setMap(data, 'column_sizes', file, df.columnSizes, (v) => safe(v, 'column_sizes'));
      setMap(data, 'value_counts', file, df.valueCounts, (v) => safe(v, 'value_counts'));
      setMap(data, 'null_value_counts', file, df.nullValueCounts, (v) => safe(v, 'null_value_counts'));
      setMap(data, 'nan_value_counts', file, df.nanValueCounts, (v) => safe(v, 'nan_value_counts'));
      setMap(data, 'lower_bounds', file, df.lowerBounds, boundBytes);
      setMap(data, 'upper_bounds', file, df.upperBounds, boundBytes);
      if (df.keyMetadata !== undefined) data.key_metadata = (file[df.keyMetadata] as Uint8Array | null) ?? null;
      if (df.splitOffsets !== undefined) data.split_offsets = numbers(file[df.splitOffsets], 'split_offsets');
      if (df.equalityIds !== undefined) data.equality_ids = numbers(file[df.equalityIds], 'equality_ids');
      if (df.sortOrderId !== undefined) data.sort_order_id = (file[df.sortOrderId] as number | null) ?? null;

      const entryStatus = rec[status.name] as EntryStatus;
      if (
        entryStatus !== EntryStatus.Existing &&
        entryStatus !== EntryStatus.Added &&
        entryStatus !== EntryStatus.Deleted
      ) {
        throw new Error(`unknown status ${String(entryStatus)}`);
      }
      const entry: ManifestEntry = {
        status: entryStatus,
        snapshot_id: snapshotId === undefined ? null : long(rec[snapshotId.name]),
        sequence_number:
          sequenceNumber === undefined ? null : nullableSafe(rec[sequenceNumber.name], 'sequence_number'),
        file_sequence_number:
          fileSequenceNumber === undefined ? null : nullableSafe(rec[fileSequenceNumber.name], 'file_sequence_number'),
        data_file: data,
      };
      if (v1 && entry.sequence_number === null) entry.sequence_number = 0;
      if (v1 && entry.file_sequence_number === null) entry.file_sequence_number = 0;
      if (inherit) applyInheritance(entry, inherit);
      return entry;
    } catch (err) {
      return fail(`entry ${i}: ${(err as Error).message}`);
    }
  });
  if (inherit) {
    const listed = inherit.added_files_count + inherit.existing_files_count + inherit.deleted_files_count;
    if (listed !== entries.length) fail(`has ${entries.length} entries but its manifest list counts ${listed}`);
  }
  return { metadata, entries };
}

/** Iceberg Java's InheritableMetadata: snapshot id always, sequence numbers for ADDED entries (or from a v1 list). */
function applyInheritance(entry: ManifestEntry, manifest: ManifestFile): void {
  if (entry.snapshot_id === null) entry.snapshot_id = manifest.added_snapshot_id;
  const seq = manifest.sequence_number;
  const inherits = entry.status === EntryStatus.Added || seq === 0;
  if (entry.sequence_number === null && inherits) entry.sequence_number = seq;
  if (entry.file_sequence_number === null && inherits) entry.file_sequence_number = seq;
}

function readMetadata(meta: Record<string, string>, location: string, inherit?: ManifestFile): ManifestMetadata {
  const fail = (reason: string): never => {
    throw new AvroFileError(location, reason);
  };
  const json = (key: string): unknown => {
    const text = meta[key];
    if (text === undefined) return fail(`is not an Iceberg manifest: the header has no '${key}' key`);
    try {
      return parseLosslessJson(text);
    } catch (err) {
      return fail(`header key '${key}' is not valid JSON: ${(err as Error).message}`);
    }
  };
  const int = (key: string): number | undefined => {
    const text = meta[key];
    if (text === undefined) return undefined;
    if (!/^-?\d+$/.test(text)) fail(`header key '${key}' is not an integer: ${JSON.stringify(text)}`);
    return Number(text);
  };
  const source = `${location} header`;
  const schema = parseSchemaJson(json('schema'), source, 'schema', true);
  const schemaId = int('schema-id');
  if (schemaId !== undefined) schema['schema-id'] = schemaId;
  const fields = parsePartitionFieldsJson(json('partition-spec'), source, 'partition-spec');
  const specId = int('partition-spec-id') ?? inherit?.partition_spec_id ?? 0;
  const formatVersion = int('format-version') ?? 1;
  const contentText = meta.content ?? 'data';
  if (contentText !== 'data' && contentText !== 'deletes')
    fail(`header key 'content' must be "data" or "deletes", got ${JSON.stringify(contentText)}`);
  return {
    schema,
    partitionSpec: { 'spec-id': specId, fields },
    formatVersion,
    content: contentText === 'deletes' ? ManifestContent.Deletes : ManifestContent.Data,
  };
}

function safe(v: unknown, name: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') throw new Error(`${name} ${v} is beyond 2^53`);
  throw new Error(`${name} is missing`);
}

function text(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`${name} is missing`);
  return v;
}

function fileFormat(v: unknown): DataFile['file_format'] {
  const f = text(v, 'file_format').toUpperCase();
  if (f !== 'PARQUET' && f !== 'AVRO' && f !== 'ORC')
    throw new Error(`file_format ${JSON.stringify(v)} is not parquet, avro or orc`);
  return f;
}

function boundBytes(v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new Error('a bound is not bytes');
  return v;
}

function nullableSafe(v: unknown, name: string): number | null {
  return v === null || v === undefined ? null : safe(v, name);
}

function long(v: unknown): bigint | null {
  if (v === null || v === undefined) return null;
  return BigInt(v as number | bigint);
}

function numbers(v: unknown, name: string): number[] | null {
  if (v === null || v === undefined) return null;
  return (v as unknown[]).map((x) => safe(x, name));
}

type MapKey =
  'column_sizes' | 'value_counts' | 'null_value_counts' | 'nan_value_counts' | 'lower_bounds' | 'upper_bounds';

/** A decoded Iceberg map (Map<int key, value>, from an array-map) checked in place; null stays unset. */
function setMap(
  data: DataFile,
  key: MapKey,
  file: Record<string, unknown>,
  avroName: string | undefined,
  check: (v: unknown) => unknown,
): void {
  if (avroName === undefined) return;
  const raw = file[avroName];
  if (raw === null || raw === undefined) return;
  if (!(raw instanceof Map)) throw new Error(`${key} is not an Iceberg map (an array of key/value records)`);
  for (const [k, v] of raw as Map<unknown, unknown>) {
    if (typeof k !== 'number') throw new Error(`${key} has a non-int key ${String(k)}`);
    check(v);
  }
  (data as unknown as Record<string, unknown>)[key] = raw;
}

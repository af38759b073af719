// Test helper: commits a snapshot that adds data files and/or delete files (merge-on-read deletes, which the
// transaction/ module does not write) through the real manifest and manifest-list writers and the catalog.
// Also writes position and equality delete files with the real Parquet writer.
import { randomUUID } from 'node:crypto';
import type { Catalog, LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { writeManifest } from '../../../../core/iceberg/avro/manifest-writer.js';
import { readManifestList } from '../../../../core/iceberg/avro/manifest-list-reader.js';
import { writeManifestList } from '../../../../core/iceberg/avro/manifest-list-writer.js';
import { DataFileWriter } from '../../../../core/iceberg/parquet/data-file-writer.js';
import { DataContent, EntryStatus, ManifestContent } from '../../../../core/iceberg/spec/manifest.js';
import type { DataFile, ManifestFile, PartitionValues } from '../../../../core/iceberg/spec/manifest.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import {
  DELETE_FILE_PATH_ID,
  DELETE_POS_ID,
  currentSchema,
  specById,
} from '../../../../core/iceberg/scan/plan-files.js';

let nextId = 1000n;

export async function commitRowDelta(
  catalog: Catalog,
  table: LoadedTable,
  changes: { data?: DataFile[]; deletes?: DataFile[] },
): Promise<LoadedTable> {
  const base = table.metadata;
  const io = table.io;
  const parentId = base['current-snapshot-id'] ?? undefined;
  const parent = base.snapshots?.find((s) => s['snapshot-id'] === parentId);
  const snapshotId = BigInt(Date.now()) * 1000n + nextId++;
  const seq = base['last-sequence-number'] + 1;
  const schema = currentSchema(base);
  const spec = specById(base, base['default-spec-id']);
  const manifests: ManifestFile[] = [];
  const add = async (files: DataFile[] | undefined, content: ManifestContent) => {
    if (!files?.length) return;
    manifests.push(
      await writeManifest(io, `${base.location}/metadata/${randomUUID()}-m0.avro`, {
        schema,
        spec,
        content,
        addedSnapshotId: snapshotId,
        entries: files.map((f) => ({
          status: EntryStatus.Added,
          snapshot_id: snapshotId,
          sequence_number: null,
          file_sequence_number: null,
          data_file: f,
        })),
      }),
    );
  };
  await add(changes.data, ManifestContent.Data);
  await add(changes.deletes, ManifestContent.Deletes);
  const old = parent ? await readManifestList(io, parent['manifest-list']) : [];
  const listLocation = `${base.location}/metadata/snap-${snapshotId}-1-${randomUUID()}.avro`;
  await writeManifestList(io, listLocation, {
    snapshotId,
    parentSnapshotId: parentId,
    sequenceNumber: seq,
    manifests: [...manifests, ...old],
  });
  const now = Math.max(Date.now(), base['last-updated-ms'] + 1);
  const next = {
    ...base,
    'last-sequence-number': seq,
    'last-updated-ms': now,
    'current-snapshot-id': snapshotId,
    snapshots: [
      ...(base.snapshots ?? []),
      {
        'snapshot-id': snapshotId,
        ...(parentId !== undefined ? { 'parent-snapshot-id': parentId } : {}),
        'sequence-number': seq,
        'timestamp-ms': now,
        'manifest-list': listLocation,
        summary: { operation: changes.data?.length ? ('overwrite' as const) : ('delete' as const) },
        'schema-id': schema['schema-id'],
      },
    ],
    'snapshot-log': [...(base['snapshot-log'] ?? []), { 'timestamp-ms': now, 'snapshot-id': snapshotId }],
    refs: { ...(base.refs ?? {}), main: { 'snapshot-id': snapshotId, type: 'branch' as const } },
  };
  return catalog.commitTable(table, next);
}

/** A position delete file removing rows `positions` of `dataPath`. */
export async function writePositionDeletes(
  table: LoadedTable,
  location: string,
  dataPath: string,
  positions: number[],
  partition: PartitionValues = {},
): Promise<DataFile> {
  const schema: Schema = {
    type: 'struct',
    'schema-id': 0,
    fields: [
      { id: DELETE_FILE_PATH_ID, name: 'file_path', required: true, type: 'string' },
      { id: DELETE_POS_ID, name: 'pos', required: true, type: 'long' },
    ],
  };
  // Full (untruncated) file_path bounds, as Iceberg Java writes position delete files, so planning can tell
  // which data files a delete file touches.
  const w = await DataFileWriter.open({
    io: table.io,
    schema,
    location,
    partition,
    metrics: { default: { kind: 'full' } },
  });
  for (const pos of positions) w.write({ file_path: dataPath, pos });
  const [f] = await w.close();
  return { ...f!, content: DataContent.PositionDeletes };
}

/** An equality delete file on `columns` (names of the table's current schema) holding `rows`. */
export async function writeEqualityDeletes(
  table: LoadedTable,
  location: string,
  columns: string[],
  rows: Record<string, unknown>[],
  partition: PartitionValues = {},
): Promise<DataFile> {
  const fields = currentSchema(table.metadata).fields.filter((f) => columns.includes(f.name));
  const schema: Schema = { type: 'struct', 'schema-id': 0, fields };
  const w = await DataFileWriter.open({ io: table.io, schema, location, partition });
  for (const r of rows) w.write(r);
  const [f] = await w.close();
  return { ...f!, content: DataContent.EqualityDeletes, equality_ids: fields.map((x) => x.id) };
}

/** Writes `rows` as one data file of the table. */
export async function writeDataFile(
  table: LoadedTable,
  location: string,
  rows: Record<string, unknown>[],
  partition: PartitionValues = {},
): Promise<DataFile> {
  const w = await DataFileWriter.open({ io: table.io, schema: currentSchema(table.metadata), location, partition });
  for (const r of rows) w.write(r);
  const [f] = await w.close();
  return f!;
}

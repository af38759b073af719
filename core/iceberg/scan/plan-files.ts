// planFiles: the live data files of a snapshot, each with the delete files that apply to it, pruned by a filter
// (manifest partition summaries, then each file's partition, then its min/max metrics). Delete files apply as
// format/spec.md "Scan Planning" says:
//   position delete -> data file: delete seq >= data seq, same spec and partition (or an unpartitioned delete spec),
//                                 and the data file path within the delete file's file_path bounds when known;
//   equality delete -> data file: delete seq >  data seq, same spec and partition (or an unpartitioned delete spec).
import type { LoadedTable } from '../catalog/catalog.js';
import { DataContent, ManifestContent } from '../spec/manifest.js';
import type { DataFile, PartitionValues } from '../spec/manifest.js';
import type { PartitionSpec } from '../spec/partition-spec.js';
import type { Schema } from '../spec/types.js';
import type { Snapshot, TableMetadata } from '../spec/table-metadata.js';
import { compareStrings } from '../spec/values.js';
import { bindFilter } from './expression.js';
import type { BoundFilter, Filter } from './expression.js';
import { manifestEntries, snapshotManifests } from './manifests.js';
import type { LiveEntry } from './manifests.js';
import { evalMetrics, structFieldIds } from './metrics-filter.js';
import { evalPartition, evalSummaries, projectFilter } from './partition-filter.js';
import type { PartitionFilter } from './partition-filter.js';
import { selectSnapshot } from './select-snapshot.js';
import type { SnapshotSelector } from './select-snapshot.js';

/** Reserved field ids of position delete files (format/spec.md "Position Delete Files"). */
export const DELETE_FILE_PATH_ID = 2147483546;
export const DELETE_POS_ID = 2147483545;

export interface DeleteFile {
  file: DataFile;
  sequenceNumber: number;
  specId: number;
}

export interface FileScanTask {
  file: DataFile;
  specId: number;
  /** The data file's data sequence number. */
  sequenceNumber: number;
  /** Position and equality delete files that apply to this data file. */
  deletes: DeleteFile[];
}

export interface ScanOptions extends SnapshotSelector {
  filter?: Filter;
}

export interface ScanPlan {
  snapshot: Snapshot | undefined;
  /** The schema the rows are read with: the current schema (as Iceberg reads old snapshots). */
  schema: Schema;
  tasks: FileScanTask[];
}

export async function planFiles(table: LoadedTable, options: ScanOptions = {}): Promise<ScanPlan> {
  const { metadata, io } = table;
  const schema = currentSchema(metadata);
  const snapshot = selectSnapshot(metadata, options, table.metadataLocation);
  if (!snapshot) return { snapshot, schema, tasks: [] };
  const filter = bindFilter(options.filter ?? { op: 'true' }, schema);
  const pruner = new Pruner(metadata, schema, filter);

  const manifests = (await snapshotManifests(io, snapshot)).filter((m) =>
    pruner.manifestMightMatch(m.partition_spec_id, m.partitions),
  );
  const dataManifests = manifests.filter((m) => m.content === ManifestContent.Data);
  const deleteManifests = manifests.filter((m) => m.content === ManifestContent.Deletes);

  const [dataEntries, deleteEntries] = await Promise.all([
    Promise.all(dataManifests.map((m) => manifestEntries(io, m))).then((x) => x.flat()),
    Promise.all(deleteManifests.map((m) => manifestEntries(io, m))).then((x) => x.flat()),
  ]);
  const index = new DeleteIndex(metadata, deleteEntries);
  const tasks: FileScanTask[] = [];
  for (const e of dataEntries) {
    const file = e.entry.data_file;
    if (file.content !== DataContent.Data) {
      throw new Error(
        `${e.manifest.manifest_path}: data manifest lists ${file.file_path} with content ${file.content}`,
      );
    }
    const specId = e.manifest.partition_spec_id;
    if (!pruner.fileMightMatch(specId, file)) continue;
    tasks.push({
      file,
      specId,
      sequenceNumber: e.sequenceNumber,
      deletes: index.forDataFile(file, specId, e.sequenceNumber),
    });
  }
  return { snapshot, schema, tasks };
}

export function currentSchema(metadata: TableMetadata): Schema {
  const s = metadata.schemas.find((x) => x['schema-id'] === metadata['current-schema-id']);
  if (!s) throw new Error(`${metadata.location}: current-schema-id ${metadata['current-schema-id']} names no schema`);
  return s;
}

/** Per-spec projected filters, built once per scan. */
export class Pruner {
  private readonly projected = new Map<number, PartitionFilter>();
  private readonly structIds: Set<number>;

  constructor(
    private readonly metadata: TableMetadata,
    private readonly schema: Schema,
    private readonly filter: BoundFilter,
  ) {
    this.structIds = structFieldIds(schema);
  }

  manifestMightMatch(specId: number, summaries: Parameters<typeof evalSummaries>[1]): boolean {
    return evalSummaries(this.partitionFilter(specId), summaries);
  }

  fileMightMatch(specId: number, file: DataFile): boolean {
    return (
      evalPartition(this.partitionFilter(specId), file.partition) && evalMetrics(this.filter, file, this.structIds)
    );
  }

  private partitionFilter(specId: number): PartitionFilter {
    let f = this.projected.get(specId);
    if (!f) {
      f = projectFilter(this.filter, specById(this.metadata, specId), this.schema);
      this.projected.set(specId, f);
    }
    return f;
  }
}

export function specById(metadata: TableMetadata, specId: number): PartitionSpec {
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === specId);
  if (!spec) throw new Error(`${metadata.location}: partition spec ${specId} is not in the table metadata`);
  return spec;
}

class DeleteIndex {
  private readonly global: { pos: DeleteFile[]; eq: DeleteFile[] } = { pos: [], eq: [] };
  private readonly byPartition = new Map<string, { pos: DeleteFile[]; eq: DeleteFile[] }>();

  constructor(metadata: TableMetadata, entries: LiveEntry[]) {
    for (const e of entries) {
      const specId = e.manifest.partition_spec_id;
      const d: DeleteFile = { file: e.entry.data_file, sequenceNumber: e.sequenceNumber, specId };
      const kind =
        d.file.content === DataContent.PositionDeletes
          ? 'pos'
          : d.file.content === DataContent.EqualityDeletes
            ? 'eq'
            : undefined;
      if (!kind) throw new Error(`${e.manifest.manifest_path}: delete manifest lists data file ${d.file.file_path}`);
      const bucket =
        specById(metadata, specId).fields.length === 0
          ? this.global
          : this.bucket(partitionKey(specId, d.file.partition));
      bucket[kind].push(d);
    }
  }

  forDataFile(file: DataFile, specId: number, seq: number): DeleteFile[] {
    const local = this.byPartition.get(partitionKey(specId, file.partition));
    const out: DeleteFile[] = [];
    for (const b of local ? [this.global, local] : [this.global]) {
      for (const d of b.pos) if (d.sequenceNumber >= seq && pathWithinBounds(d.file, file.file_path)) out.push(d);
      for (const d of b.eq) if (d.sequenceNumber > seq) out.push(d);
    }
    return out;
  }

  private bucket(key: string) {
    let b = this.byPartition.get(key);
    if (!b) this.byPartition.set(key, (b = { pos: [], eq: [] }));
    return b;
  }
}

function pathWithinBounds(deleteFile: DataFile, path: string): boolean {
  const lo = deleteFile.lower_bounds?.get(DELETE_FILE_PATH_ID);
  const hi = deleteFile.upper_bounds?.get(DELETE_FILE_PATH_ID);
  const dec = new TextDecoder();
  if (lo && compareStrings(path, dec.decode(lo)) < 0) return false;
  if (hi && compareStrings(path, dec.decode(hi)) > 0) return false;
  return true;
}

/** Spec id plus partition values as a map key (bigint and byte values included). */
export function partitionKey(specId: number, values: PartitionValues): string {
  return `${specId}|${JSON.stringify(values, (_k, v: unknown) =>
    typeof v === 'bigint'
      ? v >= -9007199254740991n && v <= 9007199254740991n
        ? Number(v)
        : `${v}n`
      : v instanceof Uint8Array
        ? `b:${Buffer.from(v).toString('hex')}`
        : v,
  )}`;
}

// Compact (the template the other operation files of this folder mirror: options, a result, one exported async
// function taking the catalog and a loaded table; the Kafka state guarded by protocol.ts).
//
// Rewrites the small data files of each partition (plan.ts) into target-size Parquet files with the table's own
// write settings (schema, codec, metrics modes), sorted by the table's sort order when a group is small enough to
// sort in memory (`sortMaxBytes`), and commits them through Transaction.replaceFiles: operation=replace, the same
// record count asserted (by us per group, and by replaceFiles per commit). One snapshot per table, or one per
// `commitEveryBytes` of input (default 2 GiB) so that a large backlog keeps its progress if the task stops.
//
// Exactly once: the snapshot carries every `shoplake.*` key of the snapshot the pipeline reads its offsets from,
// recomputed against the newest base on every attempt (protocol.ts carriedSummary), and the commit goes through
// guardCatalog. A concurrent ingest append is an ordinary commit conflict: the transaction reloads, re-applies (the
// replace still applies: its files are still live) and retries; the appended files are untouched. A concurrent
// compaction of the same files fails ours with ValidationError, and our new files are deleted.
//
// Manifests: not rewritten here. The replace writes one manifest for the new files and rewrites each manifest that
// held a removed file; manifests left with no live file are dropped by the next commit, and the ingest path's
// fast append merges manifests past commit.manifest.min-count-to-merge (transaction/append.ts). `manifestsBefore`
// and `manifestsAfter` report the effect.
import type { Catalog, LoadedTable } from '../iceberg/catalog/catalog.js';
import { readManifestList } from '../iceberg/avro/manifest-list-reader.js';
import {
  tableCompression,
  DataFileNamer,
  loadCompression,
  metricsConfigFromProperties,
  RollingDataFileWriter,
} from '../iceberg/parquet/index.js';
import type { Compression } from '../iceberg/parquet/index.js';
import { currentSchema } from '../iceberg/scan/plan-files.js';
import type { FileScanTask } from '../iceberg/scan/plan-files.js';
import { readTaskRows } from '../iceberg/scan/read-rows.js';
import type { Row } from '../iceberg/scan/read-rows.js';
import type { DataFile } from '../iceberg/spec/manifest.js';
import { partitionToPath } from '../iceberg/spec/transform.js';
import { locationProvider } from '../iceberg/spec/location-provider.js';
import type { TableMetadata } from '../iceberg/spec/table-metadata.js';
import { Transaction } from '../iceberg/transaction/transaction.js';
import { planCompaction } from './plan.js';
import type { CompactionGroup, PlanOptions } from './plan.js';
import { carriedSummary, guardCatalog, guardErrorOf } from './protocol.js';
import { sortComparator } from './sort-rows.js';

/** Groups up to this many input bytes are sorted in memory (rows as JS objects take ~10-20x their Parquet size). */
export const DEFAULT_SORT_MAX_BYTES = 32 * 1024 * 1024;
/** Buffered bytes per row group of the compacted files (bounds the writer's memory). */
export const DEFAULT_COMPACTION_ROW_GROUP_BYTES = 64 * 1024 * 1024;
export const DEFAULT_READ_CONCURRENCY = 8;
/** Parquet bytes of the files being read ahead at most (beyond the one being written out). */
const READ_AHEAD_BYTES = 32 * 1024 * 1024;
/** Input bytes rewritten per replace commit (partial progress for large backlogs). */
export const DEFAULT_COMMIT_EVERY_BYTES = 2 * 1024 * 1024 * 1024;

export interface CompactOptions extends PlanOptions {
  /** Sort a group's rows by the table's sort order when its input is at most this many bytes (0: never sort). */
  sortMaxBytes?: number;
  rowGroupBytes?: number;
  /** Small files read at once (default 8): reading is latency-bound on S3. */
  readConcurrency?: number;
  /**
   * Commit after this many input bytes were rewritten (default 2 GiB), so a long compaction keeps its progress;
   * a table whose small files add up to less gets one snapshot.
   */
  commitEveryBytes?: number;
  /** Plan only: report what would be rewritten, write and commit nothing. */
  dryRun?: boolean;
}

export interface CompactResult {
  table: string;
  dryRun: boolean;
  dataFilesBefore: number;
  bytesBefore: number;
  manifestsBefore: number;
  /** Groups rewritten (each into one file, more only when it outgrew the target). */
  groups: number;
  sortedGroups: number;
  rewrittenFiles: number;
  rewrittenBytes: number;
  records: number;
  addedFiles: number;
  addedBytes: number;
  /** Small files left alone (delete files apply, older spec, outside the window). */
  skippedFiles: number;
  /**
   * After the commit (concurrent appends included); equal to the "before" figures when nothing was committed; in a
   * dry run the projected file count (one file per group).
   */
  dataFilesAfter: number;
  bytesAfter: number;
  manifestsAfter: number;
  /** The last replace snapshot committed. */
  snapshotId?: bigint;
  /** Replace snapshots committed (more than 1 when the rewrite passed commitEveryBytes). */
  commits: number;
  /** Commit attempts over all commits (more than `commits`: a concurrent writer committed first). */
  attempts: number;
}

export async function compactTable(
  catalog: Catalog,
  table: LoadedTable,
  options: CompactOptions = {},
): Promise<CompactResult> {
  const name = `${table.identifier.namespace}.${table.identifier.name}`;
  const plan = await planCompaction(table, options);
  const result: CompactResult = {
    table: name,
    dryRun: options.dryRun === true,
    dataFilesBefore: plan.dataFiles,
    bytesBefore: plan.dataBytes,
    manifestsBefore: plan.manifests,
    groups: plan.groups.length,
    sortedGroups: 0,
    rewrittenFiles: plan.groups.reduce((n, g) => n + g.tasks.length, 0),
    rewrittenBytes: plan.groups.reduce((n, g) => n + g.bytes, 0),
    records: plan.groups.reduce((n, g) => n + g.records, 0),
    addedFiles: 0,
    addedBytes: 0,
    skippedFiles: plan.skipped,
    dataFilesAfter: plan.dataFiles,
    bytesAfter: plan.dataBytes,
    manifestsAfter: plan.manifests,
    commits: 0,
    attempts: 0,
  };
  if (plan.groups.length === 0) return result;
  if (options.dryRun) {
    // Projected: each group becomes one file.
    result.dataFilesAfter = plan.dataFiles - result.rewrittenFiles + plan.groups.length;
    return result;
  }

  const rewriter = await GroupRewriter.open(table, options, plan.targetFileBytes);
  const commitEvery = options.commitEveryBytes ?? DEFAULT_COMMIT_EVERY_BYTES;
  let current = table;
  let pending: { removed: DataFile[]; added: DataFile[]; bytes: number } = { removed: [], added: [], bytes: 0 };
  for (const [i, group] of plan.groups.entries()) {
    let files: DataFile[];
    try {
      files = await rewriter.rewrite(group);
      const written = files.reduce((n, f) => n + f.record_count, 0);
      if (written !== group.records) {
        await deleteQuietly(table, files);
        throw new Error(`${name}: rewrote ${group.records} records of ${group.tasks.length} files into ${written}`);
      }
    } catch (e) {
      await deleteQuietly(table, pending.added);
      throw e;
    }
    pending.removed.push(...group.tasks.map((t) => t.file));
    pending.added.push(...files);
    pending.bytes += group.bytes;
    result.addedFiles += files.length;
    result.addedBytes += files.reduce((n, f) => n + f.file_size_in_bytes, 0);
    if (pending.bytes >= commitEvery || i === plan.groups.length - 1) {
      const tx = await commitReplace(catalog, current, pending.removed, pending.added);
      current = tx.committed;
      result.commits++;
      result.attempts += tx.attempts;
      result.snapshotId = tx.snapshotId;
      pending = { removed: [], added: [], bytes: 0 };
    }
  }
  result.sortedGroups = rewriter.sortedGroups;
  const snap = current.metadata.snapshots?.find((s) => s['snapshot-id'] === result.snapshotId);
  if (snap) {
    result.dataFilesAfter = Number(snap.summary['total-data-files'] ?? NaN);
    result.bytesAfter = Number(snap.summary['total-files-size'] ?? NaN);
    result.manifestsAfter = (await readManifestList(current.io, snap['manifest-list'])).length;
  }
  return result;
}

/**
 * One replace snapshot carrying the base's `shoplake.*` keys (recomputed per attempt), through the guard. On a
 * definite failure the transaction deletes the new files (deleteAddedFilesOnFailure); when the guard refused the
 * swap nothing references them either, so they are deleted here.
 */
async function commitReplace(
  catalog: Catalog,
  table: LoadedTable,
  removed: DataFile[],
  added: DataFile[],
): Promise<{ committed: LoadedTable; attempts: number; snapshotId: bigint | undefined }> {
  const tx = new Transaction(guardCatalog(catalog), table, { deleteAddedFilesOnFailure: true });
  tx.replaceFiles(removed, added, { summary: (base: TableMetadata) => carriedSummary(base) });
  try {
    const committed = await tx.commit();
    return { committed, attempts: tx.attempts, snapshotId: tx.snapshotIds.at(-1) };
  } catch (e) {
    const guard = guardErrorOf(e);
    if (!guard) throw e;
    await deleteQuietly(table, added);
    throw guard;
  }
}

/** Reads a group's files and writes their rows into the group's partition with the table's write settings. */
class GroupRewriter {
  sortedGroups = 0;
  private readonly namer = new DataFileNamer();

  private constructor(
    private readonly table: LoadedTable,
    private readonly options: CompactOptions,
    private readonly compression: Compression,
    private readonly compare: ((a: Row, b: Row) => number) | undefined,
    private readonly sortOrderId: number,
    private readonly targetFileBytes: number,
  ) {}

  static async open(table: LoadedTable, options: CompactOptions, targetFileBytes: number): Promise<GroupRewriter> {
    const m = table.metadata;
    // the table's codec and level; with no level set, the codec's default (zstd 3: compaction is off the hot path)
    const { codec, level } = tableCompression(m.properties ?? {}, undefined);
    const compression = await loadCompression(codec, { level });
    const order = m['sort-orders'].find((o) => o['order-id'] === m['default-sort-order-id']);
    const compare = order && order.fields.length > 0 ? sortComparator(order, currentSchema(m)) : undefined;
    return new GroupRewriter(table, options, compression, compare, compare ? order!['order-id'] : 0, targetFileBytes);
  }

  async rewrite(group: CompactionGroup): Promise<DataFile[]> {
    const { table, options } = this;
    const m = table.metadata;
    const schema = currentSchema(m);
    const spec = m['partition-specs'].find((s) => s['spec-id'] === group.specId)!;
    const locations = locationProvider(m);
    const props = m.properties ?? {};
    const partitionPath = spec.fields.length > 0 ? partitionToPath(spec, schema, group.partition) : '';
    const sort = this.compare !== undefined && group.bytes <= (options.sortMaxBytes ?? DEFAULT_SORT_MAX_BYTES);
    const writer = new RollingDataFileWriter({
      io: table.io,
      schema,
      directory: partitionPath ? `${locations.dataLocation}/${partitionPath}` : locations.dataLocation,
      locate: (name) => locations.newDataLocation(name, partitionPath),
      partition: group.partition,
      targetFileBytes: this.targetFileBytes,
      rowGroupBytes: options.rowGroupBytes ?? DEFAULT_COMPACTION_ROW_GROUP_BYTES,
      compression: this.compression,
      metrics: metricsConfigFromProperties(props, schema),
      namer: this.namer,
      sortOrderId: sort ? this.sortOrderId : 0,
    });
    try {
      const files = readAhead(group.tasks, options.readConcurrency ?? DEFAULT_READ_CONCURRENCY, READ_AHEAD_BYTES, (t) =>
        readTaskRows(table.io, t, schema),
      );
      if (sort) {
        const rows: Row[] = [];
        for await (const fileRows of files) for (const r of fileRows) rows.push(r);
        rows.sort(this.compare);
        for (const r of rows) {
          writer.write(r);
          if (writer.needsDrain) await writer.drain();
        }
        this.sortedGroups++;
      } else {
        for await (const fileRows of files) {
          for (const r of fileRows) {
            writer.write(r);
            if (writer.needsDrain) await writer.drain();
          }
        }
      }
      return await writer.close();
    } catch (e) {
      await deleteQuietly(table, await writer.abort().catch(() => []));
      throw e;
    }
  }
}

/**
 * `read` of each task, in order, with up to `concurrency` reads in flight and at most `maxBytes` of their Parquet
 * bytes (one read always runs): small files on S3 are latency-bound, but a "small" file can be tens of MiB. A
 * failed read rethrows when its turn comes; reads still in flight then settle unobserved.
 */
async function* readAhead<R>(
  tasks: readonly FileScanTask[],
  concurrency: number,
  maxBytes: number,
  read: (task: FileScanTask) => Promise<R>,
): AsyncGenerator<R> {
  const inFlight: { bytes: number; rows: Promise<R> }[] = [];
  let bytes = 0;
  let next = 0;
  const fill = () => {
    while (next < tasks.length && inFlight.length < concurrency) {
      const size = tasks[next]!.file.file_size_in_bytes;
      if (inFlight.length > 0 && bytes + size > maxBytes) break;
      const rows = read(tasks[next++]!);
      rows.catch(() => undefined); // observed when awaited below
      inFlight.push({ bytes: size, rows });
      bytes += size;
    }
  };
  fill();
  while (inFlight.length > 0) {
    const head = inFlight.shift()!;
    const value = await head.rows;
    bytes -= head.bytes;
    fill();
    yield value;
  }
}

async function deleteQuietly(table: LoadedTable, files: DataFile[]): Promise<void> {
  await Promise.all(files.map((f) => table.io.delete(f.file_path).catch(() => undefined)));
}

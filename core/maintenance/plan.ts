// Compaction planning: which small data files of the current snapshot to rewrite together. Per partition (of the
// table's default spec), files below `minFileBytes` (default 75% of the target size, Iceberg Java's
// min-file-size-bytes default) are bin-packed, largest first, into groups of at most `targetFileBytes` input bytes;
// each group of two or more files becomes one file (more only if the rewrite outgrows the target). A partition is
// compacted once it has `minInputFiles` small files (default 5, Java's min-input-files) or enough of them to fill a
// target-size file, so a partition is not rewritten again for every new small file.
// Files with delete files applied, files of older partition specs, non-Parquet files and (with `windowMs`) files
// added before the window are left alone.
import type { LoadedTable } from '../iceberg/catalog/catalog.js';
import { readManifestList } from '../iceberg/avro/manifest-list-reader.js';
import { partitionKey, planFiles } from '../iceberg/scan/plan-files.js';
import type { FileScanTask } from '../iceberg/scan/plan-files.js';
import type { PartitionValues } from '../iceberg/spec/manifest.js';
import type { Snapshot } from '../iceberg/spec/table-metadata.js';
import { intProperty } from '../iceberg/spec/table-properties.js';

export const TARGET_FILE_SIZE = 'write.target-file-size-bytes';
/** Target when the table sets none: the ingest pipeline's default file size (core/pipeline), not Java's 512 MiB. */
export const DEFAULT_TARGET_FILE_BYTES = 128 * 1024 * 1024;
export const DEFAULT_MIN_INPUT_FILES = 5;

export interface PlanOptions {
  /** Output file size; default the table's write.target-file-size-bytes, else 128 MiB. */
  targetFileBytes?: number;
  /** Files smaller than this are rewritten (default 0.75 x target). */
  minFileBytes?: number;
  /** Small files a partition needs before it is compacted (default 5), unless they fill a target-size file. */
  minInputFiles?: number;
  /** Only files added by snapshots of the last `windowMs` (default: all files). */
  windowMs?: number;
  /** Clock, ms since epoch (default Date.now). */
  now?: () => number;
}

export interface CompactionGroup {
  specId: number;
  partition: PartitionValues;
  /** Oldest first (data sequence number), the order their rows are written in when not sorted. */
  tasks: FileScanTask[];
  bytes: number;
  records: number;
}

export interface CompactionPlan {
  snapshot: Snapshot | undefined;
  targetFileBytes: number;
  minFileBytes: number;
  dataFiles: number;
  dataBytes: number;
  manifests: number;
  groups: CompactionGroup[];
  /** Small files left alone: delete files apply, an older spec, not Parquet, or outside the window. */
  skipped: number;
}

export async function planCompaction(table: LoadedTable, options: PlanOptions = {}): Promise<CompactionPlan> {
  const m = table.metadata;
  const targetFileBytes =
    options.targetFileBytes ?? intProperty(m.properties, TARGET_FILE_SIZE, DEFAULT_TARGET_FILE_BYTES);
  const minFileBytes = options.minFileBytes ?? Math.floor(targetFileBytes * 0.75);
  const minInputFiles = options.minInputFiles ?? DEFAULT_MIN_INPUT_FILES;
  const name = `${table.identifier.namespace}.${table.identifier.name}`;
  if (!(targetFileBytes > 0)) throw new Error(`${name}: target file size must be positive, got ${targetFileBytes}`);
  if (!(minFileBytes > 0 && minFileBytes <= targetFileBytes)) {
    throw new Error(`${name}: small-file threshold ${minFileBytes} must be in (0, target ${targetFileBytes}]`);
  }
  if (!Number.isInteger(minInputFiles) || minInputFiles < 2) {
    throw new Error(`${name}: minInputFiles must be an integer >= 2, got ${minInputFiles}`);
  }

  const plan = await planFiles(table);
  const manifests = plan.snapshot ? (await readManifestList(table.io, plan.snapshot['manifest-list'])).length : 0;
  // When each file was added: the timestamp of the snapshot with its data sequence number (expired: long ago).
  const addedAt = new Map((m.snapshots ?? []).map((s) => [s['sequence-number'], s['timestamp-ms']]));
  const windowStart = options.windowMs === undefined ? -Infinity : (options.now ?? Date.now)() - options.windowMs;

  const byPartition = new Map<string, FileScanTask[]>();
  let dataBytes = 0;
  let skipped = 0;
  for (const t of plan.tasks) {
    dataBytes += t.file.file_size_in_bytes;
    if (t.file.file_size_in_bytes >= minFileBytes) continue;
    const eligible =
      t.deletes.length === 0 &&
      t.specId === m['default-spec-id'] &&
      t.file.file_format === 'PARQUET' &&
      (addedAt.get(t.sequenceNumber) ?? -Infinity) >= windowStart;
    if (!eligible) {
      skipped++;
      continue;
    }
    const key = partitionKey(t.specId, t.file.partition);
    const list = byPartition.get(key);
    if (list) list.push(t);
    else byPartition.set(key, [t]);
  }

  const groups: CompactionGroup[] = [];
  for (const tasks of byPartition.values()) {
    const bytes = tasks.reduce((n, t) => n + t.file.file_size_in_bytes, 0);
    if (tasks.length < minInputFiles && bytes < targetFileBytes) continue;
    for (const bin of binPack(tasks, targetFileBytes)) {
      if (bin.length < 2) continue;
      bin.sort((a, b) => a.sequenceNumber - b.sequenceNumber || (a.file.file_path < b.file.file_path ? -1 : 1));
      groups.push({
        specId: bin[0]!.specId,
        partition: bin[0]!.file.partition,
        tasks: bin,
        bytes: bin.reduce((n, t) => n + t.file.file_size_in_bytes, 0),
        records: bin.reduce((n, t) => n + t.file.record_count, 0),
      });
    }
  }
  return {
    snapshot: plan.snapshot,
    targetFileBytes,
    minFileBytes,
    dataFiles: plan.tasks.length,
    dataBytes,
    manifests,
    groups,
    skipped,
  };
}

/** First-fit decreasing into bins of at most `capacity` bytes (a file larger than that gets a bin of its own). */
function binPack(tasks: FileScanTask[], capacity: number): FileScanTask[][] {
  const bins: { tasks: FileScanTask[]; bytes: number }[] = [];
  const sorted = [...tasks].sort((a, b) => b.file.file_size_in_bytes - a.file.file_size_in_bytes);
  for (const t of sorted) {
    const size = t.file.file_size_in_bytes;
    const bin = bins.find((b) => b.bytes + size <= capacity);
    if (bin) {
      bin.tasks.push(t);
      bin.bytes += size;
    } else bins.push({ tasks: [t], bytes: size });
  }
  return bins.map((b) => b.tasks);
}

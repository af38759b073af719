// Snapshot summaries with the metrics of format/spec.md Appendix F "Optional Snapshot Summary Fields", computed
// the way Iceberg Java's SnapshotSummary does: counts of the files added and removed by this snapshot, and
// running totals taken from the parent snapshot's summary plus the change. Key order follows Java/Athena.
import { DataContent } from './manifest.js';
import type { DataFile } from './manifest.js';
import type { SnapshotSummary } from './table-metadata.js';

export interface SnapshotChanges {
  /** Data and delete files this snapshot adds. */
  added?: readonly DataFile[];
  /** Data and delete files this snapshot removes. */
  removed?: readonly DataFile[];
}

/** Appendix F metric keys, in the order they are written. */
const CHANGE_KEYS = [
  'added-data-files',
  'deleted-data-files',
  'added-delete-files',
  'added-equality-delete-files',
  'removed-equality-delete-files',
  'added-position-delete-files',
  'removed-position-delete-files',
  'removed-delete-files',
  'added-records',
  'deleted-records',
  'added-files-size',
  'removed-files-size',
  'added-position-deletes',
  'removed-position-deletes',
  'added-equality-deletes',
  'removed-equality-deletes',
] as const;

/** Each total with the change keys that raise and lower it. */
const TOTALS = [
  ['total-records', 'added-records', 'deleted-records'],
  ['total-files-size', 'added-files-size', 'removed-files-size'],
  ['total-data-files', 'added-data-files', 'deleted-data-files'],
  ['total-delete-files', 'added-delete-files', 'removed-delete-files'],
  ['total-position-deletes', 'added-position-deletes', 'removed-position-deletes'],
  ['total-equality-deletes', 'added-equality-deletes', 'removed-equality-deletes'],
] as const;

type ChangeKey = (typeof CHANGE_KEYS)[number];

/**
 * The summary of a new snapshot.
 * - `parent`: the parent snapshot's summary, or undefined/null for a table's first snapshot (totals start at 0).
 *   A total the parent lacks (an engine that did not write it) is left out rather than guessed.
 * - `properties`: caller properties (e.g. Kafka offsets); the computed metrics and `operation` take precedence.
 * Zero change counts are omitted; changed-partition-count and the totals are always written.
 */
export function snapshotSummary(
  operation: SnapshotSummary['operation'],
  changes: SnapshotChanges,
  parent?: SnapshotSummary | null,
  properties?: Record<string, string>,
): SnapshotSummary {
  const counts = new Map<ChangeKey, number>(CHANGE_KEYS.map((k) => [k, 0]));
  const add = (key: ChangeKey, n: number): void => {
    counts.set(key, counts.get(key)! + n);
  };
  const partitions = new Set<string>();
  for (const f of changes.added ?? []) {
    partitions.add(partitionKey(f));
    add('added-files-size', f.file_size_in_bytes);
    if (f.content === DataContent.Data) {
      add('added-data-files', 1);
      add('added-records', f.record_count);
    } else {
      add('added-delete-files', 1);
      if (f.content === DataContent.PositionDeletes) {
        add('added-position-delete-files', 1);
        add('added-position-deletes', f.record_count);
      } else {
        add('added-equality-delete-files', 1);
        add('added-equality-deletes', f.record_count);
      }
    }
  }
  for (const f of changes.removed ?? []) {
    partitions.add(partitionKey(f));
    add('removed-files-size', f.file_size_in_bytes);
    if (f.content === DataContent.Data) {
      add('deleted-data-files', 1);
      add('deleted-records', f.record_count);
    } else {
      add('removed-delete-files', 1);
      if (f.content === DataContent.PositionDeletes) {
        add('removed-position-delete-files', 1);
        add('removed-position-deletes', f.record_count);
      } else {
        add('removed-equality-delete-files', 1);
        add('removed-equality-deletes', f.record_count);
      }
    }
  }

  const summary: SnapshotSummary = { operation };
  for (const [k, v] of Object.entries(properties ?? {})) if (k !== 'operation') summary[k] = v;
  for (const key of CHANGE_KEYS) {
    const n = counts.get(key)!;
    if (n > 0) summary[key] = String(n);
    else delete summary[key];
  }
  summary['changed-partition-count'] = String(partitions.size);
  for (const [total, plus, minus] of TOTALS) {
    const previous = parent ? summaryLong(parent, total) : 0;
    if (previous === undefined) delete summary[total];
    else summary[total] = String(previous + counts.get(plus)! - counts.get(minus)!);
  }
  return summary;
}

/** A numeric summary value, or undefined when absent; a malformed value is an error naming the key. */
export function summaryLong(summary: SnapshotSummary | Record<string, string>, key: string): number | undefined {
  const raw = summary[key];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new Error(`snapshot summary ${key}=${JSON.stringify(raw)} is not an integer`);
  }
  return n;
}

function partitionKey(f: DataFile): string {
  return JSON.stringify(f.partition, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
    return v;
  });
}

// A maintenance run for people and for logs: an aligned table per table plus totals (the CLI), the orphan files a
// dry run would remove, and JSON-safe objects (snapshot ids as strings) for `--json` and the ECS task's log lines.
import { formatBytes, formatCount, formatTable } from '../local/format-table.js';
import type { RunReport, TableReport } from './run.js';

/** JSON.stringify replacer: bigint snapshot ids as strings. */
export function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** One table's outcome as a compact log record (orphans as a count plus the first few paths). */
export function tableSummary(r: TableReport): Record<string, unknown> {
  const out: Record<string, unknown> = { table: r.table, status: r.status, durationMs: r.durationMs };
  if (r.errors.length > 0) out.errors = r.errors;
  const c = r.compact;
  if (c) {
    out.compact = {
      dataFiles: [c.dataFilesBefore, c.dataFilesAfter],
      bytes: [c.bytesBefore, c.bytesAfter],
      manifests: [c.manifestsBefore, c.manifestsAfter],
      groups: c.groups,
      sortedGroups: c.sortedGroups,
      rewrittenFiles: c.rewrittenFiles,
      rewrittenBytes: c.rewrittenBytes,
      addedFiles: c.addedFiles,
      records: c.records,
      skippedFiles: c.skippedFiles,
      snapshotId: c.snapshotId?.toString(),
      attempts: c.attempts,
    };
  }
  const x = r.expire;
  if (x) {
    out.expire = {
      snapshots: [x.snapshotsBefore, x.snapshotsAfter],
      expired: x.expiredSnapshotIds.length,
      maxSnapshotAgeMs: x.maxSnapshotAgeMs,
      retainLast: x.retainLast,
      keptForOffsets: x.keptForOffsets,
      deletedDataFiles: x.deletedDataFiles,
      deletedManifests: x.deletedManifests,
      deletedManifestLists: x.deletedManifestLists,
      notDeleted: x.notDeleted.length,
    };
  }
  const o = r.orphans;
  if (o) {
    out.orphans = {
      listed: o.listed,
      orphans: o.orphans.length,
      orphanBytes: o.orphanBytes,
      removed: o.removed.length,
      tooYoung: o.tooYoung,
      notRemoved: o.notRemoved.length,
      sample: o.orphans.slice(0, 5).map((f) => f.location),
    };
  }
  return out;
}

export function formatRunReport(report: RunReport): string {
  const rows = report.tables.map((r) => {
    const c = r.compact;
    const x = r.expire;
    const o = r.orphans;
    return [
      r.table,
      r.status,
      c ? `${formatCount(c.dataFilesBefore)} -> ${formatCount(c.dataFilesAfter)}` : '',
      c
        ? c.dryRun
          ? formatBytes(c.bytesBefore)
          : `${formatBytes(c.bytesBefore)} -> ${formatBytes(c.bytesAfter)}`
        : '',
      c ? formatCount(c.rewrittenFiles) : '',
      x ? `${formatCount(x.expiredSnapshotIds.length)} of ${formatCount(x.snapshotsBefore)}` : '',
      o ? formatCount(o.dryRun ? o.orphans.length : o.removed.length) : '',
    ];
  });
  const verb = report.dryRun ? 'would be ' : '';
  const header = [
    'table',
    'status',
    'data files',
    'bytes',
    `${verb}rewritten`,
    `snapshots ${verb}expired`,
    `orphans ${report.dryRun ? 'to remove' : 'removed'}`,
  ];
  const lines = [formatTable(header, rows, { align: ['left', 'left', 'right', 'right', 'right', 'right', 'right'] })];
  for (const r of report.tables) for (const e of r.errors) lines.push(`${r.table}: ${e}`);
  if (report.dryRun) {
    for (const r of report.tables) {
      for (const f of r.orphans?.orphans ?? []) lines.push(`orphan: ${f.location} (${formatBytes(f.size)})`);
    }
  }
  const t = report.totals;
  lines.push(
    `${report.dryRun ? 'dry run: ' : ''}${t.tables} tables (${t.failed} failed, ${t.missing} not created yet)` +
      (report.operations.includes('compact')
        ? `; data files ${formatCount(t.dataFilesBefore)} -> ${formatCount(t.dataFilesAfter)}, ` +
          (report.dryRun ? formatBytes(t.bytesBefore) : `${formatBytes(t.bytesBefore)} -> ${formatBytes(t.bytesAfter)}`)
        : '') +
      (report.operations.includes('expire') ? `; ${formatCount(t.snapshotsExpired)} snapshots expired` : '') +
      (report.operations.includes('remove-orphans')
        ? `; ${formatCount(t.orphans)} orphan files (${formatBytes(t.orphanBytes)})`
        : '') +
      `; ${(report.durationMs / 1000).toFixed(1)} s` +
      (report.stopped ? ' (stopped early)' : ''),
  );
  return lines.join('\n');
}

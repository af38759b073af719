// tableStats: what `shoplake tables` lists and the run summary shows, per table of a catalog: the current
// snapshot, its record, data file and byte totals, how many snapshots the table keeps, and when it last committed.
// Totals come from the current snapshot's summary (`total-records`, `total-data-files`, `total-files-size`, which
// format/spec.md defines and every engine we know writes); when a summary lacks them (an engine that omits
// optional totals), the live files are planned and counted instead, so the numbers are never guessed.
import type { Catalog, LoadedTable, TableIdentifier } from '../iceberg/catalog/catalog.js';
import { planFiles } from '../iceberg/scan/plan-files.js';
import { summaryLong } from '../iceberg/spec/snapshot-summary.js';
import type { Snapshot } from '../iceberg/spec/table-metadata.js';

export interface TableStats {
  /** `bronze.orders`: namespace and table name. */
  table: string;
  namespace: string;
  name: string;
  location: string;
  formatVersion: number;
  /** Current snapshot of main, as a decimal string (snapshot ids are 63-bit); null before the first commit. */
  currentSnapshotId: string | null;
  records: number;
  dataFiles: number;
  deleteFiles: number;
  /** Bytes of the live data and delete files. */
  bytes: number;
  /** Snapshots the metadata keeps (expired ones are gone). */
  snapshots: number;
  /** Commit time of the current snapshot (ms since epoch); null before the first commit. */
  lastCommitMs: number | null;
  /** Where the totals came from. */
  totalsFrom: 'summary' | 'planned' | 'empty';
}

/** Stats of every table in every namespace of the catalog, ordered by namespace then name. */
export async function tableStats(catalog: Catalog): Promise<TableStats[]> {
  const ids: TableIdentifier[] = [];
  for (const ns of await catalog.listNamespaces()) ids.push(...(await catalog.listTables(ns)));
  return Promise.all(ids.map(async (id) => statsOf(await catalog.loadTable(id))));
}

export async function statsOf(table: LoadedTable): Promise<TableStats> {
  const m = table.metadata;
  const current = m['current-snapshot-id'];
  const snapshot: Snapshot | undefined =
    current === undefined || current === null || current === -1n
      ? undefined
      : m.snapshots?.find((s) => s['snapshot-id'] === current);
  const base = {
    table: `${table.identifier.namespace}.${table.identifier.name}`,
    namespace: table.identifier.namespace,
    name: table.identifier.name,
    location: m.location,
    formatVersion: m['format-version'],
    currentSnapshotId: snapshot ? String(snapshot['snapshot-id']) : null,
    snapshots: m.snapshots?.length ?? 0,
    lastCommitMs: snapshot ? snapshot['timestamp-ms'] : null,
  };
  if (!snapshot) return { ...base, records: 0, dataFiles: 0, deleteFiles: 0, bytes: 0, totalsFrom: 'empty' };
  const s = snapshot.summary;
  const records = summaryLong(s, 'total-records');
  const dataFiles = summaryLong(s, 'total-data-files');
  const deleteFiles = summaryLong(s, 'total-delete-files');
  const bytes = summaryLong(s, 'total-files-size');
  if (records !== undefined && dataFiles !== undefined && bytes !== undefined) {
    return { ...base, records, dataFiles, deleteFiles: deleteFiles ?? 0, bytes, totalsFrom: 'summary' };
  }
  const plan = await planFiles(table);
  const deletes = new Map<string, number>();
  let planned = { records: 0, dataFiles: 0, bytes: 0 };
  for (const t of plan.tasks) {
    planned = {
      records: planned.records + t.file.record_count,
      dataFiles: planned.dataFiles + 1,
      bytes: planned.bytes + t.file.file_size_in_bytes,
    };
    for (const d of t.deletes) deletes.set(d.file.file_path, d.file.file_size_in_bytes);
  }
  const deleteBytes = [...deletes.values()].reduce((a, b) => a + b, 0);
  // Records before deletes, as total-records counts them.
  return {
    ...base,
    ...planned,
    bytes: planned.bytes + deleteBytes,
    deleteFiles: deletes.size,
    totalsFrom: 'planned',
  };
}

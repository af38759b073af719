// Run: compact, then expire snapshots, then remove orphan files, table by table, over every maintained table (or
// the tables given), with a report per table and totals. One table failing does not stop the others; each of its
// operations runs even if an earlier one failed (they are independent), and the report says which failed and why.
// The order matters: compaction adds a snapshot whose replaced files stay referenced by the older snapshots; expiry
// later removes those snapshots and deletes the files only they reached; orphan removal then sweeps what crashed
// writers left. Tables run one after the other (bounded memory; two cores).
import type { Catalog, LoadedTable, TableIdentifier } from '../iceberg/catalog/catalog.js';
import { NoSuchTableError } from '../iceberg/catalog/errors.js';
import type { Namespaces } from '../pipeline/tables.js';
import { compactTable } from './compact.js';
import type { CompactOptions, CompactResult } from './compact.js';
import { expireTable } from './expire.js';
import type { ExpireOptions, ExpireTableResult } from './expire.js';
import { removeOrphans } from './remove-orphans.js';
import type { RemoveOrphansOptions, RemoveOrphansResult } from './remove-orphans.js';
import { DEFAULT_NAMESPACES, maintainedTables } from './tables.js';

export const OPERATIONS = ['compact', 'expire', 'remove-orphans'] as const;
export type MaintenanceOperation = (typeof OPERATIONS)[number];

export interface RunOptions {
  /** Default: every bronze, silver and ops table of the contracts (tables.ts). */
  tables?: TableIdentifier[];
  namespaces?: Namespaces;
  /** Default: all three, in this order. */
  operations?: readonly MaintenanceOperation[];
  dryRun?: boolean;
  compact?: CompactOptions;
  expire?: ExpireOptions;
  orphans?: RemoveOrphansOptions;
  /** Clock, ms since epoch, for every operation (default Date.now). */
  now?: () => number;
  /** Aborting stops the run before its next table (the table in progress finishes). */
  signal?: AbortSignal;
  /** Called as each table finishes (logs). */
  onTable?: (report: TableReport) => void;
}

export interface TableReport {
  table: string;
  status: 'ok' | 'failed' | 'missing';
  compact?: CompactResult;
  expire?: ExpireTableResult;
  orphans?: RemoveOrphansResult;
  /** One per failed operation: `<operation>: <message>`. */
  errors: string[];
  durationMs: number;
}

export interface RunTotals {
  tables: number;
  failed: number;
  missing: number;
  dataFilesBefore: number;
  dataFilesAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  filesRewritten: number;
  bytesRewritten: number;
  filesAdded: number;
  snapshotsExpired: number;
  /** Data files, manifests and manifest lists deleted by expiry. */
  filesExpired: number;
  /** Removed, or to remove in a dry run. */
  orphans: number;
  orphanBytes: number;
}

export interface RunReport {
  dryRun: boolean;
  operations: MaintenanceOperation[];
  tables: TableReport[];
  totals: RunTotals;
  /** The run was aborted before every table was done. */
  stopped: boolean;
  durationMs: number;
}

export async function runMaintenance(catalog: Catalog, options: RunOptions = {}): Promise<RunReport> {
  const started = Date.now();
  const namespaces = options.namespaces ?? DEFAULT_NAMESPACES;
  const operations = [...(options.operations ?? OPERATIONS)];
  for (const op of operations) {
    if (!OPERATIONS.includes(op)) throw new Error(`unknown maintenance operation ${JSON.stringify(op)}`);
  }
  const ids = options.tables ?? maintainedTables(namespaces);
  const dryRun = options.dryRun === true;
  const now = options.now;

  // Every known table's location, so that orphan removal never lists into a table nested in another's folder.
  const locations = operations.includes('remove-orphans')
    ? await tableLocations(catalog, [...ids, ...maintainedTables(namespaces)])
    : [];

  const reports: TableReport[] = [];
  let stopped = false;
  for (const id of ids) {
    if (options.signal?.aborted) {
      stopped = true;
      break;
    }
    const t0 = Date.now();
    const report: TableReport = { table: `${id.namespace}.${id.name}`, status: 'ok', errors: [], durationMs: 0 };
    let table: LoadedTable | undefined;
    try {
      table = await catalog.loadTable(id);
    } catch (e) {
      if (e instanceof NoSuchTableError) report.status = 'missing';
      else report.errors.push(`load: ${(e as Error).message}`);
    }
    for (const op of table ? operations : []) {
      try {
        // Each operation starts from the newest version of the table (ingest keeps committing meanwhile).
        if (op !== operations[0]) table = await catalog.loadTable(id);
        if (op === 'compact') {
          report.compact = await compactTable(catalog, table!, { now, ...options.compact, dryRun });
        } else if (op === 'expire') {
          report.expire = await expireTable(catalog, table!, { now, ...options.expire, dryRun });
        } else {
          report.orphans = await removeOrphans(table!, {
            now,
            ...options.orphans,
            dryRun,
            otherTableLocations: locations,
          });
        }
      } catch (e) {
        report.errors.push(`${op}: ${(e as Error).message}`);
      }
    }
    if (report.errors.length > 0) report.status = 'failed';
    report.durationMs = Date.now() - t0;
    reports.push(report);
    options.onTable?.(report);
  }
  return { dryRun, operations, tables: reports, totals: totalsOf(reports), stopped, durationMs: Date.now() - started };
}

async function tableLocations(catalog: Catalog, ids: TableIdentifier[]): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ids) {
    const key = `${id.namespace}.${id.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      out.push((await catalog.loadTable(id)).metadata.location);
    } catch {
      // Missing or unreadable: its own run reports it; it cannot be nested anywhere we list.
    }
  }
  return out;
}

export function totalsOf(reports: TableReport[]): RunTotals {
  const t: RunTotals = {
    tables: reports.length,
    failed: 0,
    missing: 0,
    dataFilesBefore: 0,
    dataFilesAfter: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    filesRewritten: 0,
    bytesRewritten: 0,
    filesAdded: 0,
    snapshotsExpired: 0,
    filesExpired: 0,
    orphans: 0,
    orphanBytes: 0,
  };
  for (const r of reports) {
    if (r.status === 'failed') t.failed++;
    if (r.status === 'missing') t.missing++;
    const c = r.compact;
    if (c) {
      t.dataFilesBefore += c.dataFilesBefore;
      t.dataFilesAfter += c.dataFilesAfter;
      t.bytesBefore += c.bytesBefore;
      t.bytesAfter += c.bytesAfter;
      t.filesRewritten += c.rewrittenFiles;
      t.bytesRewritten += c.rewrittenBytes;
      t.filesAdded += c.addedFiles;
    }
    const x = r.expire;
    if (x) {
      t.snapshotsExpired += x.expiredSnapshotIds.length;
      t.filesExpired += x.deletedDataFiles + x.deletedManifests + x.deletedManifestLists + x.deletedOther;
    }
    const o = r.orphans;
    if (o) {
      const removed = new Set(o.removed);
      t.orphans += o.dryRun ? o.orphans.length : o.removed.length;
      for (const f of o.orphans) if (o.dryRun || removed.has(f.location)) t.orphanBytes += f.size;
    }
  }
  return t;
}

// Test helper for the transaction tests: a throwaway warehouse with a real LocalCatalog, an orders table
// partitioned by day(ts) and bucket[4](shop_id), rows written as real Parquet files by parquet/, and ways to look
// at what is on disk (every file with its hash) and what a table holds (scan/ and avro/ readers, DuckDB).
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { readManifestList } from '../../../../core/iceberg/avro/manifest-list-reader.js';
import { readManifest } from '../../../../core/iceberg/avro/manifest-reader.js';
import type { Catalog, LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { LocalCatalog } from '../../../../core/iceberg/catalog/local-catalog.js';
import { PartitionedDataFileWriter } from '../../../../core/iceberg/parquet/partitioned-data-file-writer.js';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import type { DataFile, ManifestEntry, ManifestFile } from '../../../../core/iceberg/spec/manifest.js';
import type { PartitionSpec } from '../../../../core/iceberg/spec/partition-spec.js';
import type { Snapshot } from '../../../../core/iceberg/spec/table-metadata.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { locationProvider } from '../../../../core/iceberg/spec/location-provider.js';

export type Row = Record<string, unknown>;

export const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'order_id', required: true, type: 'long' },
    { id: 2, name: 'shop_id', required: true, type: 'int' },
    { id: 3, name: 'ts', required: true, type: 'timestamptz' },
    { id: 4, name: 'total', required: false, type: 'decimal(10,2)' },
    { id: 5, name: 'customer', required: false, type: 'string' },
  ],
};

export const spec: PartitionSpec = {
  'spec-id': 0,
  fields: [
    { 'source-id': 3, 'field-id': 1000, name: 'ts_day', transform: 'day' },
    { 'source-id': 2, 'field-id': 1001, name: 'shop_id_bucket', transform: 'bucket[4]' },
  ],
};

const DAY_US = 86_400_000_000;
const T0 = Date.UTC(2025, 0, 1) * 1000;

/** Deterministic orders with ids [from, from + n): 2 days, shops 0..5, customers c0..c9. */
export function orders(from: number, n: number, shop?: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const id = from + i;
    return {
      order_id: id,
      shop_id: shop ?? id % 6,
      ts: T0 + (id % 2) * DAY_US + id * 1000,
      total: `${id % 1000}.${String(id % 100).padStart(2, '0')}`,
      customer: `c${id % 10}`,
    };
  });
}

export interface Warehouse {
  dir: string;
  catalog: LocalCatalog;
  remove(): Promise<void>;
}

export async function newWarehouse(): Promise<Warehouse> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shoplake-tx-'));
  const catalog = new LocalCatalog(dir);
  await catalog.createNamespace('db');
  return { dir, catalog, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

export async function createOrders(
  catalog: Catalog,
  name: string,
  properties: Record<string, string> = {},
): Promise<LoadedTable> {
  return catalog.createTable({ namespace: 'db', name }, { schema, partitionSpec: spec, properties });
}

/** Writes rows as Parquet data files of `table` (one per partition) through the real partitioned writer. */
export async function writeRows(table: LoadedTable, rows: Row[]): Promise<DataFile[]> {
  const m = table.metadata;
  const writer = await PartitionedDataFileWriter.open({
    io: table.io,
    schema: m.schemas.find((s) => s['schema-id'] === m['current-schema-id'])!,
    spec: m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id'])!,
    locations: locationProvider(m),
  });
  for (const r of rows) writer.write(r);
  return writer.close();
}

/** Writes rows and commits them in one append; returns the table as committed. */
export async function append(catalog: Catalog, table: LoadedTable, rows: Row[], summary?: Record<string, string>) {
  const files = await writeRows(table, rows);
  return new Transaction(catalog, table).fastAppend(files, { summary }).commit();
}

/** order_id of every row the scan returns, sorted. */
export async function ids(table: LoadedTable, snapshotId?: bigint): Promise<number[]> {
  const rows = await readRows(table, snapshotId === undefined ? {} : { snapshotId });
  return rows.map((r) => Number(r.order_id)).sort((a, b) => a - b);
}

export const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

/** Every file under `dir` (relative path -> sha256), to prove a failed commit changed nothing. */
export async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else
        out.set(
          path.relative(dir, full),
          createHash('sha256')
            .update(await fs.readFile(full))
            .digest('hex'),
        );
    }
  };
  await walk(dir);
  return out;
}

export function currentSnapshot(table: LoadedTable): Snapshot {
  const id = table.metadata['current-snapshot-id'];
  const s = table.metadata.snapshots?.find((x) => x['snapshot-id'] === id);
  if (!s) throw new Error('table has no current snapshot');
  return s;
}

/** The snapshot's manifests and their raw entries, through our Avro readers (no inheritance applied). */
export async function manifestsOf(
  table: LoadedTable,
  snapshot: Snapshot,
): Promise<{ manifest: ManifestFile; entries: ManifestEntry[] }[]> {
  const out = [];
  for (const manifest of await readManifestList(table.io, snapshot['manifest-list'])) {
    out.push({ manifest, entries: await readManifest(table.io, manifest.manifest_path) });
  }
  return out;
}

/** Every file the table's metadata references: metadata files, manifest lists, manifests and data files. */
export async function referencedFiles(table: LoadedTable): Promise<Set<string>> {
  const out = new Set<string>([table.metadataLocation]);
  for (const e of table.metadata['metadata-log'] ?? []) out.add(e['metadata-file']);
  for (const s of table.metadata.snapshots ?? []) {
    out.add(s['manifest-list']);
    for (const { manifest, entries } of await manifestsOf(table, s)) {
      out.add(manifest.manifest_path);
      for (const e of entries) out.add(e.data_file.file_path);
    }
  }
  return out;
}

/** Files under the table directory that nothing references (version-hint.text aside). */
export async function unreferenced(table: LoadedTable): Promise<string[]> {
  const refs = await referencedFiles(table);
  const all = await table.io.list(table.metadata.location);
  return all.filter((f) => !refs.has(f) && !f.endsWith('version-hint.text'));
}

/** Row count and order_id sum of the current snapshot's data files, read by DuckDB's own Parquet reader. */
export async function duckdbTotals(table: LoadedTable): Promise<{ rows: number; idSum: number }> {
  const plan = await planFiles(table);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const list = plan.tasks.map((t) => `'${t.file.file_path.replace(/'/g, "''")}'`).join(', ');
    const reader = await conn.runAndReadAll(
      `SELECT count(*)::BIGINT AS n, coalesce(sum(order_id), 0)::BIGINT AS s FROM read_parquet([${list}])`,
    );
    const [n, s] = reader.getRows()[0] as [bigint, bigint];
    return { rows: Number(n), idSum: Number(s) };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

// Test helper: a LocalCatalog table of orders partitioned by day(ts) and bucket[4](shop_id), filled by real
// appends (Parquet writer + Transaction), with the rows kept as a model to compare scans against.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { LocalCatalog } from '../../../../core/iceberg/catalog/local-catalog.js';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { bindPartitionSpec, partitionToPath, partitionValuesOf } from '../../../../core/iceberg/spec/transform.js';
import type { DataFile } from '../../../../core/iceberg/spec/manifest.js';
import type { PartitionSpec } from '../../../../core/iceberg/spec/partition-spec.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import { currentSchema, specById } from '../../../../core/iceberg/scan/plan-files.js';
import { writeDataFile } from './row-delta.js';

export const ordersSchema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'order_id', required: true, type: 'long' },
    { id: 2, name: 'shop_id', required: true, type: 'long' },
    { id: 3, name: 'ts', required: true, type: 'timestamptz' },
    { id: 4, name: 'total', required: false, type: 'decimal(12,2)' },
    { id: 5, name: 'status', required: false, type: 'string' },
  ],
};

export const ordersSpec: PartitionSpec = {
  'spec-id': 0,
  fields: [
    { 'source-id': 3, 'field-id': 1000, name: 'ts_day', transform: 'day' },
    { 'source-id': 2, 'field-id': 1001, name: 'shop_id_bucket', transform: 'bucket[4]' },
  ],
};

export type Row = Record<string, unknown>;
export const DAY_US = 86_400_000_000;
export const T0 = Date.UTC(2024, 2, 1) * 1000; // 2024-03-01 in micros

/** Deterministic order rows: ids [from, from+n), spread over 3 days and 5 shops. */
export function orders(from: number, n: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const id = from + i;
    return {
      order_id: id,
      shop_id: id % 5,
      ts: T0 + (id % 3) * DAY_US + id * 1_000_000,
      total: `${id}.${String(id % 100).padStart(2, '0')}`,
      status: id % 7 === 0 ? null : ['new', 'paid', 'shipped'][id % 3]!,
    };
  });
}

export async function tempWarehouse(): Promise<{ dir: string; catalog: LocalCatalog; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'scan-'));
  const catalog = new LocalCatalog(dir);
  await catalog.createNamespace('shop');
  return { dir, catalog, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Writes rows as one file per partition (as the partitioned writer would). */
export async function writePartitioned(table: LoadedTable, rows: Row[]): Promise<DataFile[]> {
  const schema = currentSchema(table.metadata);
  const spec = specById(table.metadata, table.metadata['default-spec-id']);
  const bound = bindPartitionSpec(spec, schema);
  const groups = new Map<string, { partition: Record<string, unknown>; rows: Row[] }>();
  for (const r of rows) {
    const partition = partitionValuesOf(bound, r);
    const key = JSON.stringify(partition);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { partition, rows: [] }));
    g.rows.push(r);
  }
  const files: DataFile[] = [];
  for (const g of groups.values()) {
    const dir = spec.fields.length ? `${partitionToPath(spec, schema, g.partition)}/` : '';
    files.push(
      await writeDataFile(table, `${table.metadata.location}/data/${dir}${randomUUID()}.parquet`, g.rows, g.partition),
    );
  }
  return files;
}

export async function append(catalog: LocalCatalog, table: LoadedTable, rows: Row[]): Promise<LoadedTable> {
  const files = await writePartitioned(table, rows);
  return new Transaction(catalog, table).fastAppend(files).commit();
}

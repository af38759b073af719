// write.object-storage.enabled end to end on a real LocalCatalog table: the ingest writer (core/pipeline/write.ts),
// copy-on-write overwrite and compaction all place new data files under Java's hashed layout
// (spec/location-provider.ts), and our scan plans and reads them back (DuckDB reads the same files).
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { loadCompression } from '../../../../core/iceberg/parquet/compression.js';
import { DataFileNamer } from '../../../../core/iceberg/parquet/rolling-data-file-writer.js';
import { eq } from '../../../../core/iceberg/scan/expression.js';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import type { DataFile } from '../../../../core/iceberg/spec/manifest.js';
import { entropyDirs } from '../../../../core/iceberg/spec/location-provider.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { compactTable } from '../../../../core/maintenance/compact.js';
import { TableWriter } from '../../../../core/pipeline/write.js';
import { createOrders, duckdbTotals, ids, newWarehouse, orders, range, tree } from './table-fixture.js';
import type { Row, Warehouse } from './table-fixture.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await newWarehouse();
});
afterAll(async () => wh.remove());

/** Rows -> data files through the pipeline's TableWriter (what the ingest path runs). */
async function ingestFiles(table: LoadedTable, rows: Row[]): Promise<DataFile[]> {
  const w = await TableWriter.open('orders', table, {
    targetFileBytes: 64 * 1024 * 1024,
    bufferBytes: 1024 * 1024,
    namer: new DataFileNamer(),
    compression: (codec, level) => loadCompression(codec, { level }),
  });
  for (const r of rows) w.write(r);
  return w.close();
}

async function ingest(table: LoadedTable, rows: Row[]): Promise<{ table: LoadedTable; files: DataFile[] }> {
  const files = await ingestFiles(table, rows);
  return { table: await new Transaction(wh.catalog, table).fastAppend(files).commit(), files };
}

const HASH = String.raw`[01]{4}/[01]{4}/[01]{4}/[01]{8}`;

/** Asserts `path` is `<location>/data/<hash dirs>/ts_day=…/shop_id_bucket=…/<file>`, the hash over what follows it. */
function expectHashedPartitioned(table: LoadedTable, f: DataFile): void {
  const m = new RegExp(
    `^${table.metadata.location}/data/(${HASH})/(ts_day=[^/]+/shop_id_bucket=\\d/[^/]+\\.parquet)$`,
  ).exec(f.file_path);
  expect(m, f.file_path).not.toBeNull();
  expect(m![1]).toBe(entropyDirs(m![2]!));
  const day = new Date(Number(f.partition.ts_day) * 86_400_000).toISOString().slice(0, 10);
  expect(m![2]).toContain(`ts_day=${day}/shop_id_bucket=${String(f.partition.shop_id_bucket)}/`);
}

describe('write.object-storage.enabled=true', () => {
  it('ingest, overwrite and compaction write hashed paths; the scan plans and reads them back', async () => {
    let table = await createOrders(wh.catalog, 'objects', { 'write.object-storage.enabled': 'true' });
    const first = await ingest(table, orders(0, 300));
    table = first.table;
    expect(first.files.length).toBeGreaterThan(1);
    for (const f of first.files) expectHashedPartitioned(table, f);
    const second = await ingest(table, orders(300, 300));
    table = second.table;

    const planned = (await planFiles(table)).tasks.map((t) => t.file.file_path).sort();
    expect(planned).toEqual([...first.files, ...second.files].map((f) => f.file_path).sort());
    for (const p of planned) await expect(fs.stat(p)).resolves.toBeTruthy();
    expect(await ids(table)).toEqual(range(0, 600));
    expect(await duckdbTotals(table)).toEqual({ rows: 600, idSum: (599 * 600) / 2 });

    // copy-on-write delete: the survivors' new files go under the hashed layout too
    table = await new Transaction(wh.catalog, table).overwriteByFilter({ filter: eq('customer', 'c3') }).commit();
    const afterDelete = range(0, 600).filter((id) => id % 10 !== 3);
    expect(await ids(table)).toEqual(afterDelete);
    const rewritten = (await planFiles(table)).tasks.map((t) => t.file).filter((f) => !planned.includes(f.file_path));
    expect(rewritten.length).toBeGreaterThan(0);
    for (const f of rewritten) expectHashedPartitioned(table, f);

    // compaction: small files per partition merged into new hashed files
    const result = await compactTable(wh.catalog, table, { minInputFiles: 2 });
    expect(result.groups).toBeGreaterThan(0);
    table = await wh.catalog.loadTable(table.identifier);
    const compacted = (await planFiles(table)).tasks.map((t) => t.file);
    expect(compacted.length).toBeLessThan(planned.length);
    for (const f of compacted) expectHashedPartitioned(table, f);
    expect(await ids(table)).toEqual(afterDelete);
    const sum = afterDelete.reduce((a, b) => a + b, 0);
    expect(await duckdbTotals(table)).toEqual({ rows: afterDelete.length, idSum: sum });
  });

  it('with partitioned-paths=false: `<data>/<hash>-<file>`, hashed over the file name alone', async () => {
    let table = await createOrders(wh.catalog, 'flat', {
      'write.object-storage.enabled': 'true',
      'write.object-storage.partitioned-paths': 'false',
    });
    const { table: t, files } = await ingest(table, orders(0, 120));
    table = t;
    for (const f of files) {
      const m = new RegExp(`^${table.metadata.location}/data/(${HASH})-([^/]+\\.parquet)$`).exec(f.file_path);
      expect(m, f.file_path).not.toBeNull();
      expect(m![1]).toBe(entropyDirs(m![2]!));
    }
    // the partition tuples still live in the manifests, so pruning and reads work without directories
    expect(new Set(files.map((f) => JSON.stringify(f.partition))).size).toBe(files.length);
    expect(await ids(table)).toEqual(range(0, 120));
    const pruned = await planFiles(table, { filter: eq('shop_id', 1) });
    expect(pruned.tasks.length).toBeLessThan(files.length);
  });

  it('honours write.data.path under object storage and refuses a deprecated alias before writing anything', async () => {
    const dataDir = `${wh.dir}/elsewhere`;
    let table = await createOrders(wh.catalog, 'outside', {
      'write.object-storage.enabled': 'true',
      'write.data.path': dataDir,
    });
    const { table: t, files } = await ingest(table, orders(0, 50));
    table = t;
    for (const f of files) {
      // outside the table location Java adds <parent>/<table> after the hash
      expect(f.file_path).toMatch(new RegExp(`^${dataDir}/${HASH}/db/outside/ts_day=[^/]+/shop_id_bucket=\\d/[^/]+$`));
    }
    expect(await ids(table)).toEqual(range(0, 50));

    const legacyProps = {
      'write.object-storage.enabled': 'true',
      'write.object-storage.path': `${wh.dir}/old-style`,
    };
    const before = await tree(wh.dir);
    await expect(createOrders(wh.catalog, 'legacy', legacyProps)).rejects.toThrow(
      /write\.object-storage\.path is deprecated .*set write\.data\.path/,
    );
    expect(await tree(wh.dir)).toEqual(before);
    // a table another engine created with the alias: the writers refuse it before writing anything
    const plain = await createOrders(wh.catalog, 'legacy');
    const legacy = {
      ...plain,
      metadata: { ...plain.metadata, properties: { ...plain.metadata.properties, ...legacyProps } },
    };
    const withTable = await tree(wh.dir);
    await expect(ingestFiles(legacy, orders(0, 10))).rejects.toThrow(
      /write\.object-storage\.path is deprecated .*set write\.data\.path/,
    );
    expect(await tree(wh.dir)).toEqual(withTable);
  });

  it('refuses location properties no writer could honour when they are set, not at the next write', async () => {
    const table = await createOrders(wh.catalog, 'badprops');
    for (const [props, why] of [
      [{ 'write.object-storage.enabled': 'yes' }, /write\.object-storage\.enabled="yes" is not a boolean/],
      [{ 'write.location-provider.impl': 'com.example.MyProvider' }, /names a Java LocationProvider class/],
      [{ 'write.folder-storage.path': `${wh.dir}/x` }, /write\.folder-storage\.path is deprecated/],
    ] as const) {
      await expect(new Transaction(wh.catalog, table).setProperties(props).commit()).rejects.toThrow(why);
      await expect(createOrders(wh.catalog, 'badprops-new', props)).rejects.toThrow(why);
    }
    expect((await wh.catalog.loadTable(table.identifier)).metadataLocation).toBe(table.metadataLocation);
  });
});

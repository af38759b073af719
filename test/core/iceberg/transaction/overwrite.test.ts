import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, gte, isIn, lt } from '../../../../core/iceberg/scan/expression.js';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import { readDataFile } from '../../../../core/iceberg/parquet/read-data-file.js';
import { ValidationError } from '../../../../core/iceberg/transaction/errors.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import {
  append,
  createOrders,
  currentSnapshot,
  duckdbTotals,
  ids,
  newWarehouse,
  orders,
  range,
  schema,
  tree,
  unreferenced,
  writeRows,
} from './table-fixture.js';
import type { Row, Warehouse } from './table-fixture.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await newWarehouse();
});
afterAll(async () => wh.remove());

const FAST_RETRY = { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '5' };
const idsWhere = (rows: Row[], keep: (r: Row) => boolean): number[] =>
  rows
    .filter(keep)
    .map((r) => Number(r.order_id))
    .sort((a, b) => a - b);

describe('overwriteByFilter (copy-on-write delete)', () => {
  it('deletes exactly the matching rows, rewriting only files that held some, and leaves other files alone', async () => {
    let table = await createOrders(wh.catalog, 'gdpr');
    const rows = orders(0, 200);
    table = await append(wh.catalog, table, rows);
    const before = (await planFiles(table)).tasks.map((t) => t.file);
    const sizeBefore = before.reduce((n, f) => n + f.file_size_in_bytes, 0);

    const tx = new Transaction(wh.catalog, table).overwriteByFilter({
      filter: eq('customer', 'c3'),
      summary: { 'shoplake.reason': 'gdpr-erasure' },
    });
    table = await tx.commit();
    const expected = idsWhere(rows, (r) => r.customer !== 'c3');
    expect(await ids(table)).toEqual(expected);
    expect(await duckdbTotals(table)).toEqual({ rows: expected.length, idSum: expected.reduce((a, b) => a + b, 0) });

    const s = currentSnapshot(table);
    const after = (await planFiles(table)).tasks.map((t) => t.file);
    const removed = before.filter((f) => !after.some((a) => a.file_path === f.file_path));
    const added = after.filter((f) => !before.some((b) => b.file_path === f.file_path));
    expect(s.summary).toMatchObject({
      operation: 'overwrite',
      'deleted-data-files': String(removed.length),
      'added-data-files': String(added.length),
      'deleted-records': String(removed.reduce((n, f) => n + f.record_count, 0)),
      'added-records': String(added.reduce((n, f) => n + f.record_count, 0)),
      'total-records': String(expected.length),
      'total-files-size': String(
        sizeBefore -
          removed.reduce((n, f) => n + f.file_size_in_bytes, 0) +
          added.reduce((n, f) => n + f.file_size_in_bytes, 0),
      ),
      'shoplake.reason': 'gdpr-erasure',
    });
    // Exactly the files holding a c3 row were rewritten (c3 rows are all on the second day); the others stay.
    const holdsC3 = async (path: string): Promise<boolean> =>
      (await readDataFile(table.io, path, { schema })).some((r) => r.customer === 'c3');
    const expectedRemoved = [];
    for (const f of before) if (await holdsC3(f.file_path)) expectedRemoved.push(f.file_path);
    expect(expectedRemoved.length).toBeGreaterThan(0);
    expect(expectedRemoved.length).toBeLessThan(before.length);
    expect(removed.map((f) => f.file_path).sort()).toEqual(expectedRemoved.sort());
    for (const f of added)
      expect(before.some((b) => JSON.stringify(b.partition) === JSON.stringify(f.partition))).toBe(true);
    expect(await unreferenced(table)).toEqual([]);
  });

  it('drops whole files without rewriting (operation=delete) when every row of each matched file matches', async () => {
    let table = await createOrders(wh.catalog, 'retention');
    const rows = orders(0, 60);
    table = await append(wh.catalog, table, rows);
    const firstDay = Number(rows.find((r) => Number(r.order_id) === 0)!.ts);
    const nextDay = firstDay - (firstDay % 86_400_000_000) + 86_400_000_000;
    table = await new Transaction(wh.catalog, table).overwriteByFilter({ filter: lt('ts', nextDay) }).commit();
    const s = currentSnapshot(table);
    expect(s.summary.operation).toBe('delete');
    expect(s.summary['added-data-files']).toBeUndefined();
    expect(await ids(table)).toEqual(idsWhere(rows, (r) => Number(r.ts) >= nextDay));
  });

  it('commits nothing when no row matches', async () => {
    let table = await createOrders(wh.catalog, 'no_match');
    table = await append(wh.catalog, table, orders(0, 20));
    const committed = await new Transaction(wh.catalog, table)
      .overwriteByFilter({ filter: eq('customer', 'nobody') })
      .commit();
    expect(committed.metadataLocation).toBe(table.metadataLocation);
    expect(committed.metadata.snapshots).toHaveLength(1);
  });

  it('fails by default when a concurrent append added files that may hold matching rows', async () => {
    let table = await createOrders(wh.catalog, 'race_fail', FAST_RETRY);
    table = await append(wh.catalog, table, orders(0, 30, 1));
    const tx = new Transaction(wh.catalog, table).overwriteByFilter({ filter: eq('shop_id', 1) });
    const rival = await append(wh.catalog, table, orders(100, 10, 1));
    const disk = await tree(wh.dir);
    const err = await tx.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/may hold rows matching the filter \(appended concurrently\)/);
    expect((err as Error).message).toContain(String(currentSnapshot(rival)['snapshot-id']));
    // The table keeps the rival's rows, and the rewrite's own files (manifests, any rewritten data) are gone.
    expect(await tree(wh.dir)).toEqual(disk);
    expect(await ids(await wh.catalog.loadTable(table.identifier))).toEqual([...range(0, 30), ...range(100, 10)]);
  });

  it("with concurrentAppends: 'rewrite' also deletes the matching rows appended while it ran", async () => {
    let table = await createOrders(wh.catalog, 'race_rewrite', FAST_RETRY);
    table = await append(wh.catalog, table, orders(0, 30));
    const filter = isIn('customer', ['c1', 'c2']);
    const tx = new Transaction(wh.catalog, table).overwriteByFilter({ filter, concurrentAppends: 'rewrite' });
    await append(wh.catalog, table, orders(100, 30));
    const committed = await tx.commit();
    expect(tx.attempts).toBe(2);
    const all = [...orders(0, 30), ...orders(100, 30)];
    expect(await ids(committed)).toEqual(idsWhere(all, (r) => r.customer !== 'c1' && r.customer !== 'c2'));
    expect(await unreferenced(committed)).toEqual([]);
  });

  it('lands over a concurrent append that cannot hold matching rows', async () => {
    let table = await createOrders(wh.catalog, 'race_disjoint', FAST_RETRY);
    table = await append(wh.catalog, table, orders(0, 30));
    const tx = new Transaction(wh.catalog, table).overwriteByFilter({
      filter: and(gte('order_id', 10), lt('order_id', 20)),
    });
    await append(wh.catalog, table, orders(500, 10)); // order_id bounds 500..509: pruned by metrics
    const committed = await tx.commit();
    expect(tx.attempts).toBe(2);
    expect(await ids(committed)).toEqual([...range(0, 10), ...range(20, 10), ...range(500, 10)]);
    expect((await readRows(committed)).length).toBe(30);
  });

  it('fails cleanly when a concurrent compaction removed a file it rewrites, and rejects a bad filter up front', async () => {
    let table = await createOrders(wh.catalog, 'race_compaction', FAST_RETRY);
    table = await append(wh.catalog, table, orders(0, 20, 4));
    const del = new Transaction(wh.catalog, table).overwriteByFilter({ filter: eq('customer', 'c5') });
    const files = (await planFiles(table)).tasks.map((t) => t.file);
    await new Transaction(wh.catalog, table)
      .replaceFiles(files, await writeRows(table, await readRows(table)))
      .commit();
    const disk = await tree(wh.dir);
    const e = await del.commit().catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/file\(s\) it rewrites were removed by a concurrent commit/);
    expect(await tree(wh.dir)).toEqual(disk);
    expect(() => new Transaction(wh.catalog, table).overwriteByFilter({ filter: eq('no_such_column', 1) })).toThrow(
      /overwrite by filter on db\.race_compaction: filter: column no_such_column is not in schema 0/,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import { EntryStatus } from '../../../../core/iceberg/spec/manifest.js';
import { ValidationError } from '../../../../core/iceberg/transaction/errors.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import {
  append,
  createOrders,
  currentSnapshot,
  duckdbTotals,
  ids,
  manifestsOf,
  newWarehouse,
  orders,
  range,
  tree,
  unreferenced,
  writeRows,
} from './table-fixture.js';
import type { Warehouse } from './table-fixture.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await newWarehouse();
});
afterAll(async () => wh.remove());

const FAST_RETRY = { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '5' };

describe('replaceFiles', () => {
  it('compacts small files into one: same rows, operation=replace, DELETED entries keep their sequence numbers', async () => {
    let table = await createOrders(wh.catalog, 'compact');
    for (let i = 0; i < 3; i++) table = await append(wh.catalog, table, orders(i * 10, 10, 2));
    const before = await planFiles(table);
    expect(before.tasks.length).toBeGreaterThan(3);
    const small = before.tasks.map((t) => t.file);
    const compacted = await writeRows(table, await readRows(table));
    expect(compacted.length).toBeLessThan(small.length);

    table = await new Transaction(wh.catalog, table).replaceFiles(small, compacted).commit();
    const s = currentSnapshot(table);
    expect(s['sequence-number']).toBe(4);
    expect(s.summary).toMatchObject({
      operation: 'replace',
      'added-data-files': String(compacted.length),
      'deleted-data-files': String(small.length),
      'added-records': '30',
      'deleted-records': '30',
      'total-records': '30',
      'total-data-files': String(compacted.length),
      'removed-files-size': String(small.reduce((n, f) => n + f.file_size_in_bytes, 0)),
    });
    expect(await ids(table)).toEqual(range(0, 30));
    expect((await planFiles(table)).tasks.map((t) => t.file.file_path).sort()).toEqual(
      compacted.map((f) => f.file_path).sort(),
    );
    expect(await duckdbTotals(table)).toEqual({ rows: 30, idSum: (29 * 30) / 2 });

    // Each old manifest was rewritten with its files DELETED by this snapshot, carrying the original sequence number.
    const addedWith = new Map<string, number>();
    for (const snap of table.metadata.snapshots!.slice(0, 3)) {
      for (const { entries } of await manifestsOf(table, snap)) {
        for (const e of entries)
          if (e.snapshot_id === snap['snapshot-id']) addedWith.set(e.data_file.file_path, snap['sequence-number']);
      }
    }
    const deleted = (await manifestsOf(table, s)).flatMap((m) =>
      m.entries.filter((e) => e.status === EntryStatus.Deleted),
    );
    expect(deleted.map((e) => e.data_file.file_path).sort()).toEqual(small.map((f) => f.file_path).sort());
    for (const e of deleted) {
      expect(e.snapshot_id).toBe(s['snapshot-id']);
      expect(e.sequence_number).toBe(addedWith.get(e.data_file.file_path));
      expect(e.file_sequence_number).toBe(e.sequence_number);
    }
    // Time travel still sees the small files.
    expect(await ids(table, table.metadata.snapshots![2]!['snapshot-id'])).toEqual(range(0, 30));
    expect(await unreferenced(table)).toEqual([]);
  });

  it('retries over a concurrent append (which never conflicts) and keeps the appended rows', async () => {
    let table = await createOrders(wh.catalog, 'compact_vs_append', FAST_RETRY);
    table = await append(wh.catalog, table, orders(0, 10, 1));
    table = await append(wh.catalog, table, orders(10, 10, 1));
    const small = (await planFiles(table)).tasks.map((t) => t.file);
    const compact = new Transaction(wh.catalog, table).replaceFiles(
      small,
      await writeRows(table, await readRows(table)),
    );
    await append(wh.catalog, table, orders(100, 5));
    const committed = await compact.commit();
    expect(compact.attempts).toBe(2);
    expect(currentSnapshot(committed).summary.operation).toBe('replace');
    expect(await ids(committed)).toEqual([...range(0, 20), ...range(100, 5)]);
    expect(await unreferenced(committed)).toEqual([]);
  });

  it('refuses a file that is not in the table, or a compaction that changes the record count', async () => {
    let table = await createOrders(wh.catalog, 'compact_bad');
    table = await append(wh.catalog, table, orders(0, 10, 1));
    const live = (await planFiles(table)).tasks.map((t) => t.file);
    const out = await writeRows(table, orders(0, 9, 1));
    const disk = await tree(wh.dir);
    await expect(new Transaction(wh.catalog, table).replaceFiles(live, out).commit()).rejects.toThrow(
      /the removed files hold 10 records but the added files 9/,
    );
    const ghost = `${table.metadata.location}/data/ghost.parquet`;
    const err = await new Transaction(wh.catalog, table)
      .replaceFiles([ghost], [])
      .commit()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toContain(
      `not in the table (removed by a concurrent commit, or never added): ${ghost}`,
    );
    expect(() => new Transaction(wh.catalog, table).replaceFiles([], out)).toThrow(/no files to remove/);
    expect(() => new Transaction(wh.catalog, table).replaceFiles([live[0]!, live[0]!], out)).toThrow(/listed twice/);
    // Nothing was committed and nothing was left behind.
    expect(await tree(wh.dir)).toEqual(disk);
    expect((await wh.catalog.loadTable(table.identifier)).metadata).toEqual(table.metadata);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCatalog } from '../../../../core/iceberg/catalog/local-catalog.js';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { planIncremental } from '../../../../core/iceberg/scan/plan-incremental.js';
import { readTaskRows } from '../../../../core/iceberg/scan/read-rows.js';
import { currentSchema, planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { eq } from '../../../../core/iceberg/scan/expression.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { append, orders, ordersSchema, ordersSpec, tempWarehouse, writePartitioned } from './fixture-table.js';

let catalog: LocalCatalog;
let cleanup: () => Promise<void>;
let table: LoadedTable;
const snaps: bigint[] = [];
beforeAll(async () => {
  ({ catalog, cleanup } = await tempWarehouse());
  table = await catalog.createTable(
    { namespace: 'shop', name: 'orders' },
    { schema: ordersSchema, partitionSpec: ordersSpec },
  );
  for (let i = 0; i < 4; i++) {
    table = await append(catalog, table, orders(i * 25, 25));
    snaps.push(table.metadata['current-snapshot-id']!);
  }
});
afterAll(() => cleanup());

async function idsOf(tasks: Awaited<ReturnType<typeof planIncremental>>): Promise<number[]> {
  const schema = currentSchema(table.metadata);
  const rows = (await Promise.all(tasks.map((t) => readTaskRows(table.io, t, schema)))).flat();
  return rows.map((r) => Number(r.order_id)).sort((a, b) => a - b);
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('planIncremental', () => {
  it('returns the files appended after `from` up to `to`', async () => {
    expect(await idsOf(await planIncremental(table, { fromSnapshotId: snaps[0] }))).toEqual(range(25, 100));
    expect(await idsOf(await planIncremental(table, { fromSnapshotId: snaps[1], toSnapshotId: snaps[2] }))).toEqual(
      range(50, 75),
    );
    expect(await planIncremental(table, { fromSnapshotId: snaps[3] })).toEqual([]);
    expect(await idsOf(await planIncremental(table))).toEqual(range(0, 100));
  });

  it('prunes with a filter', async () => {
    const tasks = await planIncremental(table, { fromSnapshotId: snaps[1], filter: eq('shop_id', 2) });
    const all = await planIncremental(table, { fromSnapshotId: snaps[1] });
    expect(tasks.length).toBeLessThan(all.length);
    // the planned files hold shop 2's orders (and, within the same bucket, maybe others)
    expect(await idsOf(tasks)).toEqual(expect.arrayContaining(range(50, 100).filter((i) => i % 5 === 2)));
    const rows = (
      await Promise.all(
        tasks.map((t) => readTaskRows(table.io, t, currentSchema(table.metadata), { filter: eq('shop_id', 2) })),
      )
    ).flat();
    expect(rows.map((r) => Number(r.order_id)).sort((a, b) => a - b)).toEqual(
      range(50, 100).filter((i) => i % 5 === 2),
    );
  });

  it('rejects snapshots that are not ancestors, or unknown', async () => {
    await expect(planIncremental(table, { fromSnapshotId: snaps[3], toSnapshotId: snaps[1] })).rejects.toThrow(
      /is not an ancestor/,
    );
    await expect(planIncremental(table, { fromSnapshotId: 42n })).rejects.toThrow(/snapshot 42 does not exist/);
  });

  it('skips compaction (replace) snapshots, whose rows were already delivered', async () => {
    const { catalog: c, cleanup: done } = await tempWarehouse();
    try {
      let t = await c.createTable({ namespace: 'shop', name: 'compact' }, { schema: ordersSchema });
      t = await append(c, t, orders(0, 10));
      const from = t.metadata['current-snapshot-id']!;
      t = await append(c, t, orders(10, 10));
      const files = (await planFiles(t)).tasks.map((x) => x.file);
      // compaction: the same rows rewritten into one file
      const merged = await writePartitioned(t, orders(0, 20));
      t = await new Transaction(c, t).replaceFiles(files, merged).commit();
      expect(t.metadata.snapshots!.at(-1)!.summary.operation).toBe('replace');
      const tasks = await planIncremental(t, { fromSnapshotId: from });
      expect(tasks.map((x) => x.file.record_count)).toEqual([10]);
    } finally {
      await done();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readManifestList } from '../../../../core/iceberg/avro/manifest-list-reader.js';
import type { LocalCatalog } from '../../../../core/iceberg/catalog/local-catalog.js';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { and, eq, gt, gte, isIn, lt, or } from '../../../../core/iceberg/scan/expression.js';
import { applyTransform } from '../../../../core/iceberg/spec/transform.js';
import { DataContent } from '../../../../core/iceberg/spec/manifest.js';
import {
  DAY_US,
  T0,
  append,
  orders,
  ordersSchema,
  ordersSpec,
  tempWarehouse,
  writePartitioned,
} from './fixture-table.js';
import { commitRowDelta, writeEqualityDeletes, writePositionDeletes } from './row-delta.js';

let catalog: LocalCatalog;
let cleanup: () => Promise<void>;
let table: LoadedTable;
const snapshots: bigint[] = [];
beforeAll(async () => {
  ({ catalog, cleanup } = await tempWarehouse());
  table = await catalog.createTable(
    { namespace: 'shop', name: 'orders' },
    { schema: ordersSchema, partitionSpec: ordersSpec },
  );
  for (const [from, n] of [
    [0, 60],
    [60, 60],
  ] as const) {
    table = await append(catalog, table, orders(from, n));
    snapshots.push(table.metadata['current-snapshot-id']!);
  }
});
afterAll(() => cleanup());

const bucket = (shop: number) => applyTransform('bucket[4]', 'long', shop);
const day = (micros: number) => applyTransform('day', 'timestamptz', micros);

describe('planFiles', () => {
  it('plans every live data file of the current snapshot, with its sequence number', async () => {
    const plan = await planFiles(table);
    expect(plan.snapshot?.['snapshot-id']).toBe(snapshots[1]);
    expect(plan.tasks.reduce((n, t) => n + t.file.record_count, 0)).toBe(120);
    expect(new Set(plan.tasks.map((t) => t.sequenceNumber))).toEqual(new Set([1, 2]));
    expect(plan.tasks.every((t) => t.deletes.length === 0)).toBe(true);
  });

  it('time-travels by snapshot id and by timestamp', async () => {
    const first = await planFiles(table, { snapshotId: snapshots[0] });
    expect(first.tasks.reduce((n, t) => n + t.file.record_count, 0)).toBe(60);
    const s0 = table.metadata.snapshots!.find((s) => s['snapshot-id'] === snapshots[0])!;
    const asOf = await planFiles(table, { asOfTimestamp: s0['timestamp-ms'] });
    expect(asOf.tasks.map((t) => t.file.file_path).sort()).toEqual(first.tasks.map((t) => t.file.file_path).sort());
  });

  it('prunes by partition: bucket for = and in, day for ranges', async () => {
    const all = (await planFiles(table)).tasks;
    const shop3 = (await planFiles(table, { filter: eq('shop_id', 3) })).tasks;
    expect(shop3.length).toBeGreaterThan(0);
    expect(shop3.length).toBeLessThan(all.length);
    expect(shop3.every((t) => t.file.partition.shop_id_bucket === bucket(3))).toBe(true);
    // every file that holds shop 3 is kept (the plan is inclusive)
    expect(shop3.length).toBe(all.filter((t) => t.file.partition.shop_id_bucket === bucket(3)).length);
    const shops = (await planFiles(table, { filter: isIn('shop_id', [1, 3]) })).tasks;
    expect(shops.every((t) => [bucket(1), bucket(3)].includes(t.file.partition.shop_id_bucket as number))).toBe(true);
    const firstDay = (await planFiles(table, { filter: lt('ts', T0 + DAY_US) })).tasks;
    expect(firstDay.length).toBeGreaterThan(0);
    expect(firstDay.every((t) => t.file.partition.ts_day === day(T0))).toBe(true);
    const later = (await planFiles(table, { filter: gte('ts', T0 + 2 * DAY_US) })).tasks;
    expect(later.every((t) => t.file.partition.ts_day === day(T0 + 2 * DAY_US))).toBe(true);
    const either = (await planFiles(table, { filter: or(eq('shop_id', 3), lt('ts', T0 + DAY_US)) })).tasks;
    expect(either.length).toBe(new Set([...shop3, ...firstDay].map((t) => t.file.file_path)).size);
    const both = (await planFiles(table, { filter: and(eq('shop_id', 3), lt('ts', T0 + DAY_US)) })).tasks;
    expect(both.length).toBe(shop3.filter((t) => t.file.partition.ts_day === day(T0)).length);
  });

  it('prunes by min/max metrics within a partition', async () => {
    // order ids 0-59 went in the first append, 60-119 in the second: an id range selects one append's files
    const late = (await planFiles(table, { filter: gt('order_id', 59) })).tasks;
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((t) => t.sequenceNumber === 2)).toBe(true);
    expect((await planFiles(table, { filter: gt('order_id', 1000) })).tasks).toEqual([]);
    expect((await planFiles(table, { filter: eq('status', 'zzz') })).tasks).toEqual([]);
  });

  it('rejects a filter on an unknown column with the column named', async () => {
    await expect(planFiles(table, { filter: eq('nope', 1) })).rejects.toThrow(/column nope/);
  });
});

describe('planFiles: which delete files apply (format/spec.md scan planning)', () => {
  it('applies deletes by sequence number and partition', async () => {
    const { catalog: c, cleanup: done } = await tempWarehouse();
    try {
      let t = await c.createTable(
        { namespace: 'shop', name: 'd' },
        { schema: ordersSchema, partitionSpec: ordersSpec },
      );
      // seq 1: data A (shop 3 only, day 0)
      const rowsA = orders(0, 30).filter((r) => r.shop_id === 3 && day(r.ts as number) === day(T0));
      const [fileA] = await writePartitioned(t, rowsA);
      t = await commitRowDelta(c, t, { data: [fileA!] });
      const partA = fileA!.partition;
      // seq 2: data B in the same partition + an equality delete in that partition + one in another partition
      const rowsB = orders(300, 60).filter((r) => r.shop_id === 3 && day(r.ts as number) === day(T0));
      const [fileB] = await writePartitioned(t, rowsB);
      const eqSame = await writeEqualityDeletes(
        t,
        `${t.metadata.location}/data/eq-same.parquet`,
        ['order_id'],
        [{ order_id: rowsA[0]!.order_id }],
        partA,
      );
      const otherPart = { ...partA, shop_id_bucket: ((partA.shop_id_bucket as number) + 1) % 4 };
      const eqOther = await writeEqualityDeletes(
        t,
        `${t.metadata.location}/data/eq-other.parquet`,
        ['order_id'],
        [{ order_id: 1 }],
        otherPart,
      );
      t = await commitRowDelta(c, t, { data: [fileB!], deletes: [eqSame, eqOther] });
      // seq 3: a position delete against A
      const pos = await writePositionDeletes(
        t,
        `${t.metadata.location}/data/pos.parquet`,
        fileA!.file_path,
        [1],
        partA,
      );
      t = await commitRowDelta(c, t, { deletes: [pos] });

      const plan = await planFiles(t);
      const byName = new Map(plan.tasks.map((x) => [path.basename(x.file.file_path), x]));
      const a = byName.get(path.basename(fileA!.file_path))!;
      const b = byName.get(path.basename(fileB!.file_path))!;
      expect(a.sequenceNumber).toBe(1);
      expect(b.sequenceNumber).toBe(2);
      // A (seq 1): the same-partition equality delete (seq 2 > 1) and the position delete (seq 3 >= 1)
      expect(a.deletes.map((d) => path.basename(d.file.file_path)).sort()).toEqual(['eq-same.parquet', 'pos.parquet']);
      expect(a.deletes.find((d) => d.file.content === DataContent.EqualityDeletes)?.sequenceNumber).toBe(2);
      // B (seq 2): not the equality delete of its own sequence number; not the position delete whose
      // file_path bounds name only A
      expect(b.deletes).toEqual([]);
      // Time travel to seq 2: the position delete does not exist yet
      const before = await planFiles(t, { snapshotId: t.metadata.snapshots![1]!['snapshot-id'] });
      const a2 = before.tasks.find((x) => x.file.file_path === fileA!.file_path)!;
      expect(a2.deletes.map((d) => path.basename(d.file.file_path))).toEqual(['eq-same.parquet']);
    } finally {
      await done();
    }
  });
});

describe('planFiles on bad input', () => {
  it('names the manifest list or manifest that is truncated or missing', async () => {
    const { catalog: c, cleanup: done } = await tempWarehouse();
    try {
      let t = await c.createTable({ namespace: 'shop', name: 'broken' }, { schema: ordersSchema });
      t = await append(c, t, orders(0, 10));
      const list = t.metadata.snapshots![0]!['manifest-list'];
      const listBytes = await fs.readFile(list);
      const [manifest] = await readManifestList(t.io, list);
      const manifestBytes = await fs.readFile(manifest!.manifest_path);
      await fs.writeFile(manifest!.manifest_path, manifestBytes.subarray(0, manifestBytes.length - 40));
      await expect(planFiles(t)).rejects.toThrow(manifest!.manifest_path);
      await fs.rm(manifest!.manifest_path);
      await expect(planFiles(t)).rejects.toThrow(manifest!.manifest_path);
      await fs.writeFile(list, listBytes.subarray(0, 30));
      await expect(planFiles(t)).rejects.toThrow(list);
    } finally {
      await done();
    }
  });
});

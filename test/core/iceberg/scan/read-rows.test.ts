import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import type { LocalCatalog } from '../../../../core/iceberg/catalog/local-catalog.js';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { and, eq, gte, isNull, lt, or } from '../../../../core/iceberg/scan/expression.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { applyTransform } from '../../../../core/iceberg/spec/transform.js';
import {
  T0,
  DAY_US,
  append,
  orders,
  ordersSchema,
  ordersSpec,
  tempWarehouse,
  writePartitioned,
} from './fixture-table.js';
import type { Row } from './fixture-table.js';
import { commitRowDelta, writeDataFile, writeEqualityDeletes, writePositionDeletes } from './row-delta.js';
import { DataFileWriter } from '../../../../core/iceberg/parquet/data-file-writer.js';
import { DataContent } from '../../../../core/iceberg/spec/manifest.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';

let catalog: LocalCatalog;
let cleanup: () => Promise<void>;
let table: LoadedTable;
const model: Row[] = [];
const byId = (rows: Row[]) => [...rows].sort((a, b) => Number(a.order_id) - Number(b.order_id));
const ids = (rows: Row[]) => byId(rows).map((r) => Number(r.order_id));

beforeAll(async () => {
  ({ catalog, cleanup } = await tempWarehouse());
  table = await catalog.createTable(
    { namespace: 'shop', name: 'orders' },
    { schema: ordersSchema, partitionSpec: ordersSpec },
  );
  for (const [from, n] of [
    [0, 50],
    [50, 50],
  ] as const) {
    const rows = orders(from, n);
    table = await append(catalog, table, rows);
    model.push(...rows);
  }
});
afterAll(() => cleanup());

describe('readRows', () => {
  it('reads every row with the exact values written', async () => {
    const rows = await readRows(table);
    expect(byId(rows)).toEqual(byId(model));
  });

  it('applies the filter to rows, not only to files', async () => {
    const f = and(eq('shop_id', 3), or(lt('ts', T0 + DAY_US), isNull('status')));
    const expected = model.filter((r) => r.shop_id === 3 && ((r.ts as number) < T0 + DAY_US || r.status === null));
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(await readRows(table, { filter: f }))).toEqual(ids(expected));
    expect(ids(await readRows(table, { filter: gte('total', '90.00') }))).toEqual(
      ids(model.filter((r) => Number(r.total) >= 90)),
    );
  });

  it('projects columns', async () => {
    const rows = await readRows(table, { columns: ['order_id', 'status'], filter: eq('shop_id', 1) });
    expect(rows.length).toBe(model.filter((r) => r.shop_id === 1).length);
    expect(Object.keys(rows[0]!).sort()).toEqual(['order_id', 'status']);
    await expect(readRows(table, { columns: ['nope'] })).rejects.toThrow(/column nope/);
  });

  it('reads old files with an evolved schema: the added column is null there', async () => {
    const { catalog: c, cleanup: done } = await tempWarehouse();
    try {
      let t = await c.createTable({ namespace: 'shop', name: 'evolve' }, { schema: ordersSchema });
      t = await append(c, t, orders(0, 10));
      t = await new Transaction(c, t).updateSchema([{ kind: 'add-column', name: 'channel', type: 'string' }]).commit();
      const newRows = orders(10, 5).map((r) => ({ ...r, channel: 'web' }));
      t = await append(c, t, newRows);
      const rows = byId(await readRows(t));
      expect(rows).toHaveLength(15);
      expect(rows.slice(0, 10).every((r) => r.channel === null)).toBe(true);
      expect(rows.slice(10).every((r) => r.channel === 'web')).toBe(true);
      expect(ids(await readRows(t, { filter: isNull('channel') }))).toEqual([...Array(10).keys()]);
      // time travel to before the column existed still reads with the current schema
      const first = t.metadata.snapshots![0]!['snapshot-id'];
      expect((await readRows(t, { snapshotId: first })).every((r) => r.channel === null)).toBe(true);
    } finally {
      await done();
    }
  });
});

describe('readRows with row-level deletes', () => {
  it('removes position-deleted and equality-deleted rows by the sequence-number rules', async () => {
    const { catalog: c, cleanup: done } = await tempWarehouse();
    try {
      let t = await c.createTable({ namespace: 'shop', name: 'mor' }, { schema: ordersSchema });
      const rowsA = orders(0, 20);
      const [a] = await writePartitioned(t, rowsA);
      t = await commitRowDelta(c, t, { data: [a!] });
      // seq 2: re-insert order 5 (an "update": equality delete + insert in one snapshot) and delete shop 4's orders
      const updated = { ...rowsA[5]!, status: 'refunded' };
      const [b] = await writePartitioned(t, [updated]);
      const eq5 = await writeEqualityDeletes(
        t,
        `${t.metadata.location}/data/eq-5.parquet`,
        ['order_id'],
        [{ order_id: 5 }],
      );
      const eqShop = await writeEqualityDeletes(
        t,
        `${t.metadata.location}/data/eq-shop4.parquet`,
        ['shop_id'],
        [{ shop_id: 4 }],
      );
      t = await commitRowDelta(c, t, { data: [b!], deletes: [eq5, eqShop] });
      // seq 3: position deletes of rows 0 and 1 of file A
      const pos = await writePositionDeletes(t, `${t.metadata.location}/data/pos.parquet`, a!.file_path, [0, 1]);
      t = await commitRowDelta(c, t, { deletes: [pos] });

      const expected = rowsA.filter((r, i) => i > 1 && r.order_id !== 5 && r.shop_id !== 4).concat([updated]); // the new row has seq 2: the seq-2 equality deletes do not apply to it
      const rows = await readRows(t);
      expect(byId(rows)).toEqual(byId(expected));
      expect(rows.find((r) => r.order_id === 5)?.status).toBe('refunded');
      // as of seq 2 the position delete does not exist
      const s2 = t.metadata.snapshots![1]!['snapshot-id'];
      expect(ids(await readRows(t, { snapshotId: s2 }))).toEqual(
        ids(rowsA.filter((r) => r.order_id !== 5 && r.shop_id !== 4).concat([updated])),
      );
    } finally {
      await done();
    }
  });
});

describe('readRows: equality deletes on a column dropped since', () => {
  it('still applies them, without returning the column, with or without a projection', async () => {
    const { catalog: c, cleanup: done } = await tempWarehouse();
    try {
      let t = await c.createTable({ namespace: 'shop', name: 'dropped' }, { schema: ordersSchema });
      const rows = orders(0, 15);
      const [a] = await writePartitioned(t, rows);
      t = await commitRowDelta(c, t, { data: [a!] });
      const eqd = await writeEqualityDeletes(
        t,
        `${t.metadata.location}/data/eq.parquet`,
        ['status'],
        [{ status: 'shipped' }, { status: null }],
      );
      t = await commitRowDelta(c, t, { deletes: [eqd] });
      // another engine drops `status` (schema 1 current; our writer only adds columns)
      const schema1 = {
        ...ordersSchema,
        'schema-id': 1,
        fields: ordersSchema.fields.filter((f) => f.name !== 'status'),
      };
      t = { ...t, metadata: { ...t.metadata, schemas: [...t.metadata.schemas, schema1], 'current-schema-id': 1 } };
      const kept = rows.filter((r) => r.status !== 'shipped' && r.status !== null);
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.length).toBeLessThan(rows.length);
      const all = await readRows(t);
      expect(ids(all)).toEqual(ids(kept));
      expect(Object.keys(all[0]!).sort()).toEqual(['order_id', 'shop_id', 'total', 'ts']);
      const projected = await readRows(t, { columns: ['order_id'] });
      expect(projected.map((r) => Object.keys(r))).toEqual(kept.map(() => ['order_id']));
      expect(ids(projected)).toEqual(ids(kept));
    } finally {
      await done();
    }
  });
});

describe('readRows: an equality delete on a field inside a struct', () => {
  it('matches the nested value (a null struct reads as a null value), with or without a projection', async () => {
    const { catalog: c, cleanup: done } = await tempWarehouse();
    try {
      const schema: Schema = {
        type: 'struct',
        'schema-id': 0,
        fields: [
          { id: 1, name: 'id', required: true, type: 'long' },
          {
            id: 2,
            name: 'cust',
            required: false,
            type: { type: 'struct', fields: [{ id: 3, name: 'cid', required: false, type: 'long' }] },
          },
        ],
      };
      let t = await c.createTable({ namespace: 'shop', name: 'nested_eq' }, { schema });
      const rows = Array.from({ length: 9 }, (_, i) => ({ id: i, cust: i === 8 ? null : { cid: i % 3 } }));
      const data = await writeDataFile(t, `${t.metadata.location}/data/d.parquet`, rows);
      t = await commitRowDelta(c, t, { data: [data] });
      // the delete file holds cust.cid in the table's shape, as Java writes it (TypeUtil.select of the ids)
      const w = await DataFileWriter.open({
        io: t.io,
        schema: { type: 'struct', 'schema-id': 0, fields: [schema.fields[1]!] },
        location: `${t.metadata.location}/data/eq.parquet`,
        partition: {},
      });
      w.write({ cust: { cid: 1 } });
      w.write({ cust: { cid: null } });
      const [eqd] = await w.close();
      t = await commitRowDelta(c, t, {
        deletes: [{ ...eqd!, content: DataContent.EqualityDeletes, equality_ids: [3] }],
      });
      // deleted: cid 1 (ids 1, 4, 7) and the null cid of the null struct (id 8)
      expect((await readRows(t)).map((r) => Number(r.id))).toEqual([0, 2, 3, 5, 6]);
      expect((await readRows(t, { columns: ['id'] })).map((r) => r)).toEqual([0, 2, 3, 5, 6].map((id) => ({ id })));
    } finally {
      await done();
    }
  });
});

describe('readRows on bad input', () => {
  it('names the data file when it is truncated or missing', async () => {
    const { catalog: c, cleanup: done } = await tempWarehouse();
    try {
      let t = await c.createTable(
        { namespace: 'shop', name: 'bad' },
        { schema: ordersSchema, partitionSpec: ordersSpec },
      );
      t = await append(c, t, orders(0, 10));
      const [task] = (await planFiles(t)).tasks;
      const file = task!.file.file_path;
      const bytes = await fs.readFile(file);
      await fs.writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await expect(readRows(t)).rejects.toThrow(new RegExp(`${file}.*(truncated|Parquet)`));
      await fs.rm(file);
      await expect(readRows(t)).rejects.toThrow(file);
    } finally {
      await done();
    }
  });

  it('refuses a file whose row count disagrees with its manifest entry', async () => {
    const { catalog: c, cleanup: done } = await tempWarehouse();
    try {
      let t = await c.createTable({ namespace: 'shop', name: 'swap' }, { schema: ordersSchema });
      t = await append(c, t, orders(0, 10));
      const [task] = (await planFiles(t)).tasks;
      const [other] = await writePartitioned(t, orders(100, 3));
      await fs.copyFile(other!.file_path, task!.file.file_path);
      await expect(readRows(t)).rejects.toThrow(/holds 3 rows but its manifest entry says 10/);
    } finally {
      await done();
    }
  });
});

describe('fixture table', () => {
  it('spreads rows over several day and bucket partitions', async () => {
    const parts = new Set((await planFiles(table)).tasks.map((t) => JSON.stringify(t.file.partition)));
    expect(parts.size).toBeGreaterThan(6);
    expect(applyTransform('day', 'timestamptz', T0)).toBe(19783);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LocalCatalog } from '../../../../core/iceberg/catalog/local-catalog.js';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { createDuckDBView, duckdbType, duckdbViewSql } from '../../../../core/iceberg/scan/duckdb-view.js';
import type { FileScanTask } from '../../../../core/iceberg/scan/plan-files.js';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import { eq } from '../../../../core/iceberg/scan/expression.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { DataContent } from '../../../../core/iceberg/spec/manifest.js';
import { append, orders, ordersSchema, ordersSpec, tempWarehouse, writePartitioned } from './fixture-table.js';
import { commitRowDelta, writeDataFile, writeEqualityDeletes, writePositionDeletes } from './row-delta.js';

let catalog: LocalCatalog;
let cleanup: () => Promise<void>;
let duck: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  ({ catalog, cleanup } = await tempWarehouse());
  duck = await DuckDBInstance.create(':memory:');
  conn = await duck.connect();
});
afterAll(async () => {
  conn.closeSync();
  duck.closeSync();
  await cleanup();
});

const one = async (sql: string) => (await conn.runAndReadAll(sql)).getRows()[0]!;
const orderIds = async (view: string) =>
  (await conn.runAndReadAll(`SELECT order_id FROM ${view} ORDER BY order_id`)).getRows().map((r) => Number(r[0]));
const sortedIds = (rows: Record<string, unknown>[]) => rows.map((r) => Number(r.order_id)).sort((x, y) => x - y);

describe('DuckDB hand-off', () => {
  it('creates a view over the planned files that agrees with readRows (count, sums, filter)', async () => {
    let t: LoadedTable = await catalog.createTable(
      { namespace: 'shop', name: 'v' },
      { schema: ordersSchema, partitionSpec: ordersSpec },
    );
    t = await append(catalog, t, orders(0, 40));
    t = await append(catalog, t, orders(40, 40));
    const v = await createDuckDBView(conn, 'orders_v', t);
    expect(v.files.length).toBeGreaterThan(2);
    const ours = await readRows(t);
    const [count, sumIds, sumTotal] = await one(`SELECT count(*), sum(order_id), sum(total)::VARCHAR FROM orders_v`);
    expect(Number(count)).toBe(ours.length);
    expect(Number(sumIds)).toBe(ours.reduce((s, r) => s + Number(r.order_id), 0));
    const cents = ours.reduce((s, r) => s + BigInt(String(r.total).replace('.', '')), 0n);
    expect(sumTotal).toBe(`${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`);
    // the plan's filter prunes files; DuckDB then filters rows
    const pruned = await createDuckDBView(conn, 'shop2', t, { filter: eq('shop_id', 2) });
    expect(pruned.files.length).toBeLessThan(v.files.length);
    const [n2] = await one(`SELECT count(*) FROM shop2 WHERE shop_id = 2`);
    expect(Number(n2)).toBe(ours.filter((r) => r.shop_id === 2).length);
    // timestamptz comes through as TIMESTAMP WITH TIME ZONE at microsecond precision
    const [ts] = await one(`SELECT epoch_us(ts) FROM orders_v WHERE order_id = 7`);
    expect(Number(ts)).toBe(ours.find((r) => r.order_id === 7)!.ts);
  });

  it('matches columns by field id: a column added later is NULL in old files', async () => {
    let t = await catalog.createTable({ namespace: 'shop', name: 'evolved' }, { schema: ordersSchema });
    t = await append(catalog, t, orders(0, 10));
    t = await new Transaction(catalog, t)
      .updateSchema([{ kind: 'add-column', name: 'channel', type: 'string' }])
      .commit();
    t = await append(
      catalog,
      t,
      orders(10, 5).map((r) => ({ ...r, channel: 'app' })),
    );
    await createDuckDBView(conn, 'evolved', t);
    expect(
      await one(`SELECT count(*) FILTER (WHERE channel IS NULL), count(*) FILTER (WHERE channel = 'app') FROM evolved`),
    ).toEqual([10n, 5n]);
  });

  it('applies position deletes by anti-join', async () => {
    let t = await catalog.createTable({ namespace: 'shop', name: 'mor' }, { schema: ordersSchema });
    const [a] = await writePartitioned(t, orders(0, 20));
    t = await commitRowDelta(catalog, t, { data: [a!] });
    const pos = await writePositionDeletes(t, `${t.metadata.location}/data/pos.parquet`, a!.file_path, [0, 3, 19]);
    t = await commitRowDelta(catalog, t, { deletes: [pos] });
    const view = await createDuckDBView(conn, 'mor', t);
    expect(view.positionDeletes).toHaveLength(1);
    expect(view.equalityDeletes).toEqual([]);
    const got = await orderIds('mor');
    expect(got).toEqual(sortedIds(await readRows(t)));
    expect(got).not.toContain(0);
    expect(got).not.toContain(19);
    expect(got).toHaveLength(17);
  });

  it('applies equality deletes by the sequence-number rule, null equal to null, beside position deletes', async () => {
    let t = await catalog.createTable({ namespace: 'shop', name: 'mor_eq' }, { schema: ordersSchema });
    const rowsA = orders(0, 30);
    const [a] = await writePartitioned(t, rowsA);
    t = await commitRowDelta(catalog, t, { data: [a!] });
    // seq 2: an update of order 5 (equality delete + insert in one snapshot: the new row, seq 2, survives), every
    // order of shop 4, and rows whose status is null (null equals null); a second group on two columns
    const updated = { ...rowsA[5]!, status: 'refunded' };
    const [b] = await writePartitioned(t, [updated]);
    const loc = `${t.metadata.location}/data`;
    const eq5 = await writeEqualityDeletes(t, `${loc}/eq-5.parquet`, ['order_id'], [{ order_id: 5 }]);
    const eqShop = await writeEqualityDeletes(t, `${loc}/eq-shop.parquet`, ['shop_id'], [{ shop_id: 4 }]);
    const eqNull = await writeEqualityDeletes(
      t,
      `${loc}/eq-null.parquet`,
      ['shop_id', 'status'],
      [
        { shop_id: 1, status: null },
        { shop_id: 2, status: 'paid' },
      ],
    );
    t = await commitRowDelta(catalog, t, { data: [b!], deletes: [eq5, eqShop, eqNull] });
    // seq 3: position deletes of rows 0 and 1 of file A
    const pos = await writePositionDeletes(t, `${loc}/pos.parquet`, a!.file_path, [0, 1]);
    t = await commitRowDelta(catalog, t, { deletes: [pos] });

    const view = await createDuckDBView(conn, 'mor_eq', t);
    expect(view.equalityDeletes).toHaveLength(3);
    expect(view.positionDeletes).toHaveLength(1);
    const expected = rowsA
      .filter((r, i) => i > 1 && r.order_id !== 5 && r.shop_id !== 4)
      .filter((r) => !(r.shop_id === 1 && r.status === null) && !(r.shop_id === 2 && r.status === 'paid'))
      .concat([updated]);
    const ours = await readRows(t);
    expect(sortedIds(ours)).toEqual(sortedIds(expected));
    expect(await orderIds('mor_eq')).toEqual(sortedIds(ours));
    // a null-status row of another shop is not deleted (both columns must match)
    expect(expected.some((r) => r.status === null && r.shop_id !== 1)).toBe(true);
    expect((await one(`SELECT status FROM mor_eq WHERE order_id = 5`))[0]).toBe('refunded');
    // as of seq 2 (before the position deletes) DuckDB and readRows agree too
    const s2 = t.metadata.snapshots![1]!['snapshot-id'];
    await createDuckDBView(conn, 'mor_eq_s2', t, { snapshotId: s2 });
    expect(await orderIds('mor_eq_s2')).toEqual(sortedIds(await readRows(t, { snapshotId: s2 })));
  });

  it('applies the equality deletes of a column dropped since, without showing the column', async () => {
    let t = await catalog.createTable({ namespace: 'shop', name: 'mor_drop' }, { schema: ordersSchema });
    const [a] = await writePartitioned(t, orders(0, 12));
    t = await commitRowDelta(catalog, t, { data: [a!] });
    const eqd = await writeEqualityDeletes(
      t,
      `${t.metadata.location}/data/eq-status.parquet`,
      ['status'],
      [{ status: 'paid' }],
    );
    t = await commitRowDelta(catalog, t, { deletes: [eqd] });
    // another engine dropped `status` (our writer only adds columns): schema 1 without it becomes current
    const dropped = { ...ordersSchema, 'schema-id': 1, fields: ordersSchema.fields.filter((f) => f.name !== 'status') };
    t = { ...t, metadata: { ...t.metadata, schemas: [...t.metadata.schemas, dropped], 'current-schema-id': 1 } };
    await createDuckDBView(conn, 'mor_drop', t);
    const cols = (await conn.runAndReadAll(`DESCRIBE mor_drop`)).getRows().map((r) => r[0]);
    expect(cols).toEqual(['order_id', 'shop_id', 'ts', 'total']);
    const ours = await readRows(t);
    expect(ours.length).toBe(12 - orders(0, 12).filter((r) => r.status === 'paid').length);
    expect(await orderIds('mor_drop')).toEqual(sortedIds(ours));
  });

  it('applies a partitioned equality delete only to data files of its partition', async () => {
    let t = await catalog.createTable(
      { namespace: 'shop', name: 'mor_part' },
      { schema: ordersSchema, partitionSpec: ordersSpec },
    );
    const files = await writePartitioned(t, orders(0, 60));
    t = await commitRowDelta(catalog, t, { data: files });
    const target = files[0]!;
    // every order id, but in the partition of one data file: only that file's rows go
    const eqd = await writeEqualityDeletes(
      t,
      `${t.metadata.location}/data/eq-part.parquet`,
      ['order_id'],
      orders(0, 60).map((r) => ({ order_id: r.order_id })),
      target.partition,
    );
    t = await commitRowDelta(catalog, t, { deletes: [eqd] });
    await createDuckDBView(conn, 'mor_part', t);
    const ours = await readRows(t);
    expect(files.length).toBeGreaterThan(2);
    expect(ours.length).toBe(60 - Number(target.record_count));
    expect(await orderIds('mor_part')).toEqual(sortedIds(ours));
  });

  it('reads file names with glob characters as themselves', async () => {
    let t = await catalog.createTable({ namespace: 'shop', name: 'globby' }, { schema: ordersSchema });
    const loc = `${t.metadata.location}/data`;
    const star = await writeDataFile(t, `${loc}/a*[1]?.parquet`, orders(0, 3));
    await writeDataFile(t, `${loc}/ab1x.parquet`, orders(3, 6)); // not in the table; `a*[1]?` as a glob matches it
    t = await commitRowDelta(catalog, t, { data: [star] });
    await createDuckDBView(conn, 'globby', t);
    expect(await orderIds('globby')).toEqual([0, 1, 2]);
    const pos = await writePositionDeletes(t, `${loc}/p*.parquet`, star.file_path, [1]);
    t = await commitRowDelta(catalog, t, { deletes: [pos] });
    await createDuckDBView(conn, 'globby2', t);
    expect(await orderIds('globby2')).toEqual([0, 2]);
  });

  it('reads a column added with an initial-default as that value in older files, and deletes by it', async () => {
    let t = await catalog.createTable({ namespace: 'shop', name: 'defaults' }, { schema: ordersSchema });
    const [a] = await writePartitioned(t, orders(0, 5));
    t = await commitRowDelta(catalog, t, { data: [a!] });
    // a v3 writer added `channel` with initial-default 'web' (schema 1), then deleted channel = 'web' rows
    const channel = { id: 6, name: 'channel', required: false, type: 'string', 'initial-default': 'web' } as const;
    const schema1 = { ...ordersSchema, 'schema-id': 1, fields: [...ordersSchema.fields, channel] };
    t = { ...t, metadata: { ...t.metadata, schemas: [...t.metadata.schemas, schema1], 'current-schema-id': 1 } };
    await createDuckDBView(conn, 'defaults', t);
    expect(await one(`SELECT count(*) FILTER (WHERE channel = 'web') FROM defaults`)).toEqual([5n]);
    expect((await readRows(t)).map((r) => r.channel)).toEqual(['web', 'web', 'web', 'web', 'web']);
    const eqd = await writeEqualityDeletes(
      t,
      `${t.metadata.location}/data/eq-web.parquet`,
      ['channel'],
      [{ channel: 'web' }],
    );
    t = await commitRowDelta(catalog, t, { deletes: [eqd] });
    await createDuckDBView(conn, 'defaults2', t);
    expect(await readRows(t)).toEqual([]);
    expect(await one(`SELECT count(*) FROM defaults2`)).toEqual([0n]);
  });

  it('refuses an equality delete on a field that is no top-level primitive column', () => {
    const task = {
      file: { file_path: '/w/d.parquet', content: DataContent.Data },
      deletes: [{ file: { file_path: '/w/eq.parquet', content: DataContent.EqualityDeletes, equality_ids: [99] } }],
    } as unknown as FileScanTask;
    expect(() => duckdbViewSql('v', ordersSchema, [task])).toThrow(/eq\.parquet uses field id 99.*readRows/);
  });

  it('gives an empty table an empty view with typed columns, and rejects remote files', async () => {
    const t = await catalog.createTable({ namespace: 'shop', name: 'empty' }, { schema: ordersSchema });
    await createDuckDBView(conn, 'empty_v', t);
    expect(await one(`SELECT count(*) FROM empty_v`)).toEqual([0n]);
    const types = (await conn.runAndReadAll(`DESCRIBE empty_v`)).getRows().map((r) => [r[0], r[1]]);
    expect(types).toEqual([
      ['order_id', 'BIGINT'],
      ['shop_id', 'BIGINT'],
      ['ts', 'TIMESTAMP WITH TIME ZONE'],
      ['total', 'DECIMAL(12,2)'],
      ['status', 'VARCHAR'],
    ]);
    expect(duckdbType({ type: 'list', 'element-id': 9, 'element-required': false, element: 'uuid' })).toBe('UUID[]');
    await expect(createDuckDBView(conn, 'bad name', t)).rejects.toThrow(/invalid DuckDB view name/);
    const s3Task = {
      file: {
        content: 0,
        file_path: 's3://bucket/t/data/x.parquet',
        file_format: 'PARQUET',
        partition: {},
        record_count: 1,
        file_size_in_bytes: 1,
      },
      specId: 0,
      sequenceNumber: 1,
      deletes: [],
    } as FileScanTask;
    expect(() => duckdbViewSql('remote', ordersSchema, [s3Task])).toThrow(
      /s3:\/\/bucket\/t\/data\/x\.parquet is not a local file/,
    );
    expect(duckdbViewSql('remote', ordersSchema, [s3Task], (l) => l.replace('s3://bucket', '/mnt')).files).toEqual([
      '/mnt/t/data/x.parquet',
    ]);
  });
});

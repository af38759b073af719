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
import { append, orders, ordersSchema, ordersSpec, tempWarehouse, writePartitioned } from './fixture-table.js';
import { commitRowDelta, writeEqualityDeletes, writePositionDeletes } from './row-delta.js';

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

  it('applies position deletes by anti-join and refuses equality deletes', async () => {
    let t = await catalog.createTable({ namespace: 'shop', name: 'mor' }, { schema: ordersSchema });
    const [a] = await writePartitioned(t, orders(0, 20));
    t = await commitRowDelta(catalog, t, { data: [a!] });
    const pos = await writePositionDeletes(t, `${t.metadata.location}/data/pos.parquet`, a!.file_path, [0, 3, 19]);
    t = await commitRowDelta(catalog, t, { deletes: [pos] });
    const view = await createDuckDBView(conn, 'mor', t);
    expect(view.positionDeletes).toHaveLength(1);
    const got = (await conn.runAndReadAll(`SELECT order_id FROM mor ORDER BY order_id`))
      .getRows()
      .map((r) => Number(r[0]));
    expect(got).toEqual((await readRows(t)).map((r) => Number(r.order_id)).sort((x, y) => x - y));
    expect(got).not.toContain(0);
    expect(got).not.toContain(19);
    expect(got).toHaveLength(17);
    const eqd = await writeEqualityDeletes(
      t,
      `${t.metadata.location}/data/eq.parquet`,
      ['order_id'],
      [{ order_id: 5 }],
    );
    t = await commitRowDelta(catalog, t, { deletes: [eqd] });
    await expect(createDuckDBView(conn, 'mor2', t)).rejects.toThrow(/equality delete file .*eq\.parquet.*readRows/);
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

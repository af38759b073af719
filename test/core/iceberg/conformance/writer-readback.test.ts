// Conformance: a table written by our writer (Parquet data files, manifests, manifest lists, metadata, Hadoop
// layout) is read back by independent readers, with row counts and checksums asserted:
// - DuckDB: read_parquet over the planned files, and parquet_schema() for field ids and logical types;
// - icebird: the whole table, from its folder (version-hint.text -> vN.metadata.json -> manifests -> Parquet).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { icebergRead } from 'icebird';
import { LocalCatalog } from '../../../../core/iceberg/catalog/local-catalog.js';
import type { LoadedTable } from '../../../../core/iceberg/catalog/catalog.js';
import { Transaction } from '../../../../core/iceberg/transaction/transaction.js';
import { createDuckDBView } from '../../../../core/iceberg/scan/duckdb-view.js';
import { planFiles } from '../../../../core/iceberg/scan/plan-files.js';
import { readRows } from '../../../../core/iceberg/scan/read-rows.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import { writePartitioned } from '../scan/fixture-table.js';
import { installLocalFetch } from './local-fetch.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'qty', required: false, type: 'int' },
    { id: 3, name: 'total', required: false, type: 'decimal(12,2)' },
    { id: 4, name: 'ts', required: true, type: 'timestamptz' },
    { id: 5, name: 'day', required: false, type: 'date' },
    { id: 6, name: 'paid', required: false, type: 'boolean' },
    { id: 7, name: 'weight', required: false, type: 'double' },
    { id: 8, name: 'ref', required: false, type: 'uuid' },
    { id: 9, name: 'shop', required: true, type: 'string' },
    {
      id: 10,
      name: 'tags',
      required: false,
      type: { type: 'list', 'element-id': 11, 'element-required': false, element: 'string' },
    },
    {
      id: 12,
      name: 'addr',
      required: false,
      type: { type: 'struct', fields: [{ id: 13, name: 'city', required: false, type: 'string' }] },
    },
  ],
};
const spec = {
  'spec-id': 0,
  fields: [
    { 'source-id': 4, 'field-id': 1000, name: 'ts_day', transform: 'day' },
    { 'source-id': 9, 'field-id': 1001, name: 'shop_bucket', transform: 'bucket[3]' },
  ],
};

type Row = Record<string, unknown>;
const T0_MS = Date.UTC(2024, 4, 1);
function row(i: number): Row {
  const nulls = i % 11 === 0;
  return {
    id: i,
    qty: nulls ? null : i % 9,
    total: nulls ? null : `${i * 3}.${String(i % 100).padStart(2, '0')}`,
    ts: (T0_MS + (i % 4) * 86_400_000 + i * 1000) * 1000,
    day: nulls ? null : 19844 + (i % 30),
    paid: nulls ? null : i % 2 === 0,
    weight: nulls ? null : i / 4,
    ref: nulls ? null : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    shop: `shop-${i % 7}`,
    tags: nulls ? null : i % 3 === 0 ? [] : [`t${i % 5}`, i % 2 ? null : 'x'],
    addr: nulls ? null : { city: i % 4 ? `city-${i % 4}` : null },
  };
}

let dir: string;
let table: LoadedTable;
const model: Row[] = [];
let duck: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'readback-'));
  const catalog = new LocalCatalog(dir);
  await catalog.createNamespace('shop');
  table = await catalog.createTable({ namespace: 'shop', name: 'orders' }, { schema, partitionSpec: spec });
  for (const [from, n] of [
    [1, 150],
    [151, 100],
  ] as const) {
    const rows = Array.from({ length: n }, (_, k) => row(from + k));
    table = await new Transaction(catalog, table).fastAppend(await writePartitioned(table, rows)).commit();
    model.push(...rows);
  }
  duck = await DuckDBInstance.create(':memory:');
  conn = await duck.connect();
});
afterAll(async () => {
  conn.closeSync();
  duck.closeSync();
  await fs.rm(dir, { recursive: true, force: true });
});

/** Checksums of the model (once written), each computed as the readers will. */
const sum = (f: (r: Row) => number) => model.reduce((s, r) => s + f(r), 0);
const checksums = () => ({
  count: model.length,
  ids: sum((r) => r.id as number),
  qty: sum((r) => (r.qty as number | null) ?? 0),
  cents: sum((r) => (r.total === null ? 0 : Math.round(Number(r.total) * 100))),
  tsMs: sum((r) => (r.ts as number) / 1000),
  days: sum((r) => (r.day as number | null) ?? 0),
  paid: model.filter((r) => r.paid === true).length,
  weight: sum((r) => (r.weight as number | null) ?? 0),
  refs: model.filter((r) => r.ref !== null).length,
  shopChars: sum((r) => (r.shop as string).length),
  tags: sum((r) => (r.tags as unknown[] | null)?.length ?? 0),
  cities: model.filter((r) => (r.addr as Row | null)?.city != null).length,
});

describe('our tables read back by DuckDB', () => {
  it('has field ids and Iceberg logical types in every data file (parquet_schema)', async () => {
    const plan = await planFiles(table);
    expect(plan.tasks.length).toBeGreaterThan(3);
    for (const task of plan.tasks) {
      const rows = (
        await conn.runAndReadAll(
          `SELECT name, field_id, type, logical_type, repetition_type FROM parquet_schema('${task.file.file_path}')`,
        )
      ).getRows();
      const col = (name: string) => rows.find((r) => r[0] === name)!;
      const ids: [string, number][] = [
        ['id', 1],
        ['qty', 2],
        ['total', 3],
        ['ts', 4],
        ['day', 5],
        ['paid', 6],
        ['weight', 7],
        ['ref', 8],
        ['shop', 9],
        ['tags', 10],
        ['element', 11],
        ['addr', 12],
        ['city', 13],
      ];
      for (const [name, id] of ids) expect([name, Number(col(name)[1])]).toEqual([name, id]);
      expect(col('id').slice(2)).toEqual(['INT64', null, 'REQUIRED']);
      expect(col('qty').slice(2)).toEqual(['INT32', null, 'OPTIONAL']);
      expect(col('total')[3]).toBe('DecimalType(scale=2, precision=12)');
      expect(String(col('ts')[3])).toMatch(/^TimestampType\(isAdjustedToUTC=1, unit=.*MICROS=MicroSeconds\(\)/);
      expect(col('day')[3]).toBe('DateType()');
      expect(col('ref').slice(2, 4)).toEqual(['FIXED_LEN_BYTE_ARRAY', 'UUIDType()']);
      expect(col('shop').slice(2, 5)).toEqual(['BYTE_ARRAY', 'StringType()', 'REQUIRED']);
      expect(col('tags')[3]).toBe('ListType()');
      expect(task.file.record_count).toBe(
        Number(
          (await conn.runAndReadAll(`SELECT count(*) FROM read_parquet('${task.file.file_path}')`)).getRows()[0]![0],
        ),
      );
    }
  });

  it('returns the same rows through read_parquet over the planned files (count and checksums)', async () => {
    const expected = checksums();
    await createDuckDBView(conn, 'orders', table);
    const [r] = (
      await conn.runAndReadAll(`SELECT count(*), sum(id), sum(coalesce(qty, 0)), sum(total * 100)::BIGINT,
        sum(epoch_ms(ts)), sum(coalesce(day - DATE '1970-01-01', 0)), count(*) FILTER (WHERE paid),
        sum(coalesce(weight, 0)), count(ref), sum(length(shop)), sum(coalesce(len(tags), 0)), count(addr.city)
        FROM orders`)
    ).getRows();
    expect(r!.map(Number)).toEqual([
      expected.count,
      expected.ids,
      expected.qty,
      expected.cents,
      expected.tsMs,
      expected.days,
      expected.paid,
      expected.weight,
      expected.refs,
      expected.shopChars,
      expected.tags,
      expected.cities,
    ]);
    const [u] = (await conn.runAndReadAll(`SELECT ref::VARCHAR FROM orders WHERE id = 7`)).getRows();
    expect(u![0]).toBe(model.find((m) => m.id === 7)!.ref);
  });
});

describe('our tables read back by icebird (the whole table, from its folder)', () => {
  it('reads the same rows: count and checksums', async () => {
    const expected = checksums();
    const restore = installLocalFetch((url) => (url.startsWith(`${dir}/`) ? url : undefined));
    let rows: Row[];
    try {
      rows = await icebergRead({ tableUrl: table.metadata.location });
    } finally {
      restore();
    }
    const s = (f: (r: Row) => number) => rows.reduce((acc, r) => acc + f(r), 0);
    expect(rows).toHaveLength(expected.count);
    expect(s((r) => Number(r.id))).toBe(expected.ids);
    expect(s((r) => (r.qty as number | null) ?? 0)).toBe(expected.qty);
    expect(s((r) => (r.total == null ? 0 : Math.round(Number(r.total) * 100)))).toBe(expected.cents);
    expect(s((r) => (r.ts as Date).getTime())).toBe(expected.tsMs);
    expect(s((r) => (r.day == null ? 0 : (r.day as Date).getTime() / 86_400_000))).toBe(expected.days);
    expect(rows.filter((r) => r.paid === true)).toHaveLength(expected.paid);
    expect(s((r) => (r.weight as number | null) ?? 0)).toBe(expected.weight);
    expect(rows.filter((r) => r.ref != null)).toHaveLength(expected.refs);
    expect(s((r) => (r.shop as string).length)).toBe(expected.shopChars);
    expect(s((r) => (r.tags as unknown[] | null | undefined)?.length ?? 0)).toBe(expected.tags);
    expect(rows.filter((r) => (r.addr as Row | null | undefined)?.city != null)).toHaveLength(expected.cities);
  });

  it('agrees with our own reader row for row', async () => {
    const ours = await readRows(table);
    expect(ours).toHaveLength(model.length);
    const norm = (r: Row) => JSON.stringify({ ...r, id: Number(r.id) });
    expect(ours.map(norm).sort()).toEqual(model.map(norm).sort());
  });
});

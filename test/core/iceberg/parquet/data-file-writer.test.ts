import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetMetadata } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaMismatchError } from '../../../../core/iceberg/parquet/column-buffers.js';
import { loadCompression, type Compression } from '../../../../core/iceberg/parquet/compression.js';
import { DataFileWriter } from '../../../../core/iceberg/parquet/data-file-writer.js';
import { DataFileReadError, readDataFile } from '../../../../core/iceberg/parquet/read-data-file.js';
import type { DataFile } from '../../../../core/iceberg/spec/manifest.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import { decimalToUnscaled, fromBinary } from '../../../../core/iceberg/spec/values.js';
import { MemoryFileIO } from '../../../support/memory-file-io.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'flag', required: false, type: 'boolean' },
    { id: 3, name: 'qty', required: false, type: 'int' },
    { id: 4, name: 'ratio', required: false, type: 'float' },
    { id: 5, name: 'score', required: false, type: 'double' },
    { id: 6, name: 'price', required: false, type: 'decimal(9,2)' },
    { id: 7, name: 'amount', required: true, type: 'decimal(12,2)' },
    { id: 8, name: 'huge', required: false, type: 'decimal(30,4)' },
    { id: 9, name: 'day', required: false, type: 'date' },
    { id: 10, name: 'at', required: true, type: 'timestamptz' },
    { id: 11, name: 'local', required: false, type: 'timestamp' },
    { id: 12, name: 'tod', required: false, type: 'time' },
    { id: 13, name: 'name', required: false, type: 'string' },
    { id: 14, name: 'uid', required: false, type: 'uuid' },
    { id: 15, name: 'blob', required: false, type: 'binary' },
    { id: 16, name: 'code', required: false, type: 'fixed[3]' },
    {
      id: 17,
      name: 'tags',
      required: false,
      type: { type: 'list', 'element-id': 18, 'element-required': false, element: 'string' },
    },
    {
      id: 19,
      name: 'attrs',
      required: false,
      type: { type: 'map', 'key-id': 20, key: 'string', 'value-id': 21, 'value-required': false, value: 'long' },
    },
    {
      id: 22,
      name: 'customer',
      required: false,
      type: {
        type: 'struct',
        fields: [
          { id: 23, name: 'country', required: false, type: 'string' },
          { id: 24, name: 'zip code', required: true, type: 'int' },
          {
            id: 25,
            name: 'lines',
            required: false,
            type: {
              type: 'list',
              'element-id': 26,
              'element-required': true,
              element: {
                type: 'struct',
                fields: [
                  { id: 27, name: 'sku', required: true, type: 'string' },
                  { id: 28, name: 'price', required: true, type: 'decimal(12,2)' },
                ],
              },
            },
          },
        ],
      },
    },
  ],
};

const T = Date.UTC(2026, 10, 22, 12, 30) * 1000;

function row(i: number): Record<string, unknown> {
  const n = i % 7 === 3; // some nulls everywhere optional
  return {
    id: i === 5 ? 2n ** 60n : i,
    flag: n ? null : i % 2 === 0,
    qty: n ? null : i - 10,
    ratio: n ? null : i === 4 ? NaN : i / 8,
    score: n ? null : i === 6 ? -0 : i * 1.5 - 20,
    price: n ? null : `${i}.${String(i % 100).padStart(2, '0')}`,
    amount: i % 2 ? BigInt(i * 1234 - 5000) : `${(i * 12.34 - 50).toFixed(2)}`,
    huge: n ? null : `-1234567890123456789012345.${String(i).padStart(4, '0')}`,
    day: n ? null : 20000 + i,
    at: T + i * 1_000_001,
    local: n ? null : T - i,
    tod: n ? null : i * 60_000_000 + 7,
    name: n ? null : i === 2 ? 'ünïcødé 😀 and more than sixteen characters' : `name-${i}`,
    uid: n ? null : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    blob: n ? null : Uint8Array.from({ length: i % 5 }, (_, k) => (k * 37 + i) & 255),
    code: n ? null : new Uint8Array([i, 255 - i, 7]),
    tags: n ? null : i % 4 === 0 ? [] : ['a', null, `t${i}`],
    attrs: n
      ? null
      : new Map<string, number | null>([
          ['x', i],
          ['y', null],
        ]),
    customer: n
      ? null
      : {
          country: i % 3 ? 'NZ' : null,
          'zip code': 1000 + i,
          lines:
            i % 5 === 0
              ? null
              : [
                  { sku: `S${i}`, price: '9.99' },
                  { sku: 'S0', price: '-0.01' },
                ],
        },
  };
}

const ROWS = Array.from({ length: 40 }, (_, i) => row(i));

/** The row representation readers return: decimals as strings, longs as numbers when safe. */
function expected(r: Record<string, unknown>): Record<string, unknown> {
  const dec = (v: unknown, p: number, s: number): unknown => {
    if (v === null) return null;
    const u = decimalToUnscaled(v, p, s);
    const neg = u < 0n;
    const digits = (neg ? -u : u).toString().padStart(s + 1, '0');
    return `${neg ? '-' : ''}${digits.slice(0, -s)}.${digits.slice(-s)}`;
  };
  const c = r.customer as Record<string, unknown> | null;
  return {
    ...r,
    id: typeof r.id === 'bigint' ? r.id : r.id,
    ratio: r.ratio === null ? null : Math.fround(r.ratio as number),
    price: dec(r.price, 9, 2),
    amount: dec(r.amount, 12, 2),
    huge: dec(r.huge, 30, 4),
    customer: c && {
      ...c,
      lines:
        c.lines && (c.lines as { sku: string; price: string }[]).map((l) => ({ ...l, price: dec(l.price, 12, 2) })),
    },
  };
}

let dir: string;
let db: DuckDBConnection;
let compression: Compression;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoplake-parquet-'));
  db = await (await DuckDBInstance.create(':memory:')).connect();
  compression = await loadCompression('ZSTD');
});
afterAll(async () => {
  db.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function writeRows(rows: Record<string, unknown>[], options: { rowGroupBytes?: number } = {}) {
  const io = new MemoryFileIO();
  const location = join(dir, `f-${Math.random().toString(36).slice(2)}.parquet`);
  const w = new DataFileWriter({ io, schema, location, compression, ...options });
  for (const r of rows) w.write(r);
  const [file] = await w.close();
  const bytes = io.files.get(location)!;
  await writeFile(location, bytes); // for DuckDB
  return { io, location, file: file!, bytes };
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

describe('DataFileWriter + readDataFile', () => {
  it('round-trips every type, nested ones included', async () => {
    const { io, location } = await writeRows(ROWS);
    const back = await readDataFile(io, location, { schema });
    expect(back).toEqual(ROWS.map(expected));
  });

  it('puts a field id on every column (hyparquet metadata and DuckDB parquet_schema)', async () => {
    const { bytes, location } = await writeRows(ROWS);
    const md = parquetMetadata(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    const withoutId = md.schema.filter((e) => e.field_id === undefined).map((e) => e.name);
    expect(withoutId.sort()).toEqual(['key_value', 'list', 'list', 'table']); // root and 3-level wrappers
    const ids = md.schema.flatMap((e) => (e.field_id === undefined ? [] : [e.field_id])).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    expect(md.key_value_metadata?.find((k) => k.key === 'iceberg.schema')?.value).toBe(JSON.stringify(schema));
    expect(md.row_groups.every((rg) => rg.columns.every((c) => c.meta_data?.codec === 'ZSTD'))).toBe(true);

    const duck = await query(
      `select name, type, field_id, logical_type, converted_type from parquet_schema('${location}')`,
    );
    const byName = new Map(duck.reverse().map((r) => [r.name, r])); // first (top-level) wins
    expect(
      duck
        .filter((r) => r.field_id === null)
        .map((r) => r.name)
        .sort(),
    ).toEqual(withoutId.sort());
    expect(String(byName.get('at')!.logical_type)).toMatch(
      /TimestampType\(isAdjustedToUTC=1, .*MICROS=MicroSeconds\(\)/,
    );
    expect(String(byName.get('local')!.logical_type)).toMatch(
      /TimestampType\(isAdjustedToUTC=0, .*MICROS=MicroSeconds\(\)/,
    );
    expect(String(byName.get('tod')!.logical_type)).toMatch(/TimeType\(isAdjustedToUTC=0, .*MICROS=MicroSeconds\(\)/);
    expect(byName.get('price')).toMatchObject({
      type: 'INT32',
      converted_type: 'DECIMAL',
      logical_type: 'DecimalType(scale=2, precision=9)',
    });
    expect(byName.get('amount')).toMatchObject({ type: 'INT64', logical_type: 'DecimalType(scale=2, precision=12)' });
    expect(byName.get('huge')).toMatchObject({
      type: 'FIXED_LEN_BYTE_ARRAY',
      logical_type: 'DecimalType(scale=4, precision=30)',
    });
    expect(byName.get('uid')).toMatchObject({ type: 'FIXED_LEN_BYTE_ARRAY', logical_type: 'UUIDType()' });
    expect(byName.get('day')).toMatchObject({ type: 'INT32', logical_type: 'DateType()' });
    expect(byName.get('name')).toMatchObject({ converted_type: 'UTF8', logical_type: 'StringType()' });
    expect(byName.get('zip_x20code')).toMatchObject({ field_id: '24' });
  });

  it('is read by DuckDB with the same row count and checksums', async () => {
    const { location } = await writeRows(ROWS);
    const [r] = await query(`select count(*) as n, sum(id)::varchar as ids, sum(amount)::varchar as amount,
        sum(huge)::varchar as huge, count(name) as names, sum(epoch_us("at"))::varchar as at, sum(len(tags)) as tags,
        sum(customer.zip_x20code) as zips, count(uid) as uids, sum(day - date '1970-01-01') as days
      from read_parquet('${location}')`);
    const sum = (f: (x: Record<string, unknown>) => bigint | number | null): bigint =>
      ROWS.reduce<bigint>((a, x) => a + BigInt(f(x) ?? 0), 0n);
    expect(r).toMatchObject({
      n: '40',
      ids: String(sum((x) => x.id as number)),
      amount: (Number(sum((x) => decimalToUnscaled(x.amount, 12, 2))) / 100).toFixed(2),
      names: String(ROWS.filter((x) => x.name !== null).length),
      at: String(sum((x) => x.at as number)),
      tags: String(ROWS.reduce((a, x) => a + ((x.tags as unknown[] | null)?.length ?? 0), 0)),
      zips: String(sum((x) => (x.customer as { 'zip code': number } | null)?.['zip code'] ?? null)),
      uids: String(ROWS.filter((x) => x.uid !== null).length),
      days: String(sum((x) => x.day as number | null)),
    });
    expect(r!.huge).toBe(
      (() => {
        const u = sum((x) => (x.huge === null ? null : decimalToUnscaled(x.huge, 30, 4)));
        const s = (-u).toString();
        return `-${s.slice(0, -4)}.${s.slice(-4)}`;
      })(),
    );
  });
});

describe('metrics from the writer’s own statistics', () => {
  let file: DataFile;
  let bytes: Uint8Array;
  beforeAll(async () => {
    ({ file, bytes } = await writeRows(ROWS, { rowGroupBytes: 600 }));
  });

  it('counts records, values, nulls and NaNs per field id', () => {
    expect(file.record_count).toBe(40);
    expect(file.file_size_in_bytes).toBe(bytes.length);
    const nulls = ROWS.filter((r) => r.name === null).length;
    expect(file.value_counts!.get(13)).toBe(40);
    expect(file.null_value_counts!.get(13)).toBe(nulls);
    expect(file.null_value_counts!.get(1)).toBe(0);
    expect(file.nan_value_counts!.get(4)).toBe(1);
    expect(file.nan_value_counts!.get(5)).toBe(0);
    expect(file.nan_value_counts!.has(3)).toBe(false);
    // struct children count per row; a null struct counts as a null child
    expect(file.value_counts!.get(23)).toBe(40);
    expect(file.null_value_counts!.get(23)).toBe(
      ROWS.filter((r) => !(r.customer as { country?: unknown } | null)?.country).length,
    );
    expect(file.null_value_counts!.get(24)).toBe(nulls);
    // no counts or bounds inside lists and maps (as Iceberg Java)
    for (const id of [18, 20, 21, 27, 28]) {
      expect(file.value_counts!.has(id)).toBe(false);
      expect(file.lower_bounds!.has(id)).toBe(false);
    }
  });

  it('stores lower/upper bounds in Appendix D form, equal to the values’ min and max', () => {
    const bound = (id: number, type: string) => [
      fromBinary(type as never, file.lower_bounds!.get(id)!),
      fromBinary(type as never, file.upper_bounds!.get(id)!),
    ];
    const present = (k: string) => ROWS.map((r) => r[k]).filter((v) => v !== null);
    expect(bound(1, 'long')).toEqual([0, 2n ** 60n]);
    expect(bound(3, 'int')).toEqual([
      Math.min(...(present('qty') as number[])),
      Math.max(...(present('qty') as number[])),
    ]);
    const ratios = (present('ratio') as number[]).filter((x) => !Number.isNaN(x)).map(Math.fround);
    expect(bound(4, 'float')).toEqual([Math.min(...ratios), Math.max(...ratios)]);
    const scores = present('score') as number[];
    expect(bound(5, 'double')).toEqual([Math.min(...scores), Math.max(...scores)]);
    const amounts = ROWS.map((r) => decimalToUnscaled(r.amount, 12, 2)).sort((a, b) => (a < b ? -1 : 1));
    expect(bound(7, 'decimal(12,2)').map((s) => decimalToUnscaled(s, 12, 2))).toEqual([amounts[0], amounts.at(-1)]);
    const ats = ROWS.map((r) => r.at as number);
    expect(bound(10, 'timestamptz')).toEqual([Math.min(...ats), Math.max(...ats)]);
    expect(bound(9, 'date')).toEqual([20000, 20039]);
    expect(bound(2, 'boolean')).toEqual([false, true]);
    expect(bound(23, 'string')).toEqual(['NZ', 'NZ']);
    expect(bound(14, 'uuid')).toEqual(['00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000039']);
  });

  it('truncates string bounds to 16 characters, the upper one incremented', () => {
    const names = (ROWS.map((r) => r.name).filter((v) => v !== null) as string[]).sort();
    const lower = fromBinary('string', file.lower_bounds!.get(13)!) as string;
    const upper = fromBinary('string', file.upper_bounds!.get(13)!) as string;
    expect(lower).toBe(names[0]!.slice(0, 16));
    expect(names.every((n) => n >= lower && n <= upper)).toBe(true);
    expect([...upper].length).toBeLessThanOrEqual(16);
    expect(names.at(-1)).toBe('ünïcødé 😀 and more than sixteen characters');
    expect(upper).toBe('ünïcødé 😀 and mp');
  });

  it('reports split offsets and column sizes that match the footer', () => {
    const md = parquetMetadata(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    expect(md.row_groups.length).toBeGreaterThan(1);
    expect(file.split_offsets).toEqual(
      md.row_groups.map((rg) =>
        Number(rg.columns[0]!.meta_data!.dictionary_page_offset ?? rg.columns[0]!.meta_data!.data_page_offset),
      ),
    );
    const sizes = new Map<number, number>();
    const leafIds = md.schema.filter((e) => e.type && e.field_id !== undefined).map((e) => e.field_id!);
    md.row_groups.forEach((rg) =>
      rg.columns.forEach((c, j) =>
        sizes.set(leafIds[j]!, (sizes.get(leafIds[j]!) ?? 0) + Number(c.meta_data!.total_compressed_size)),
      ),
    );
    expect(file.column_sizes).toEqual(sizes);
    expect(Number(md.num_rows)).toBe(40);
  });
});

describe('schema mismatches', () => {
  it('names the column and the row, writes nothing of the row, and keeps the writer usable', async () => {
    const io = new MemoryFileIO();
    const location = join(dir, 'mismatch.parquet');
    const w = new DataFileWriter({ io, schema, location, compression });
    w.write(ROWS[0]!);
    expect(() => w.write({ ...ROWS[1]!, amount: 'twelve' })).toThrow(
      /row 1: column "amount": invalid decimal "twelve"/,
    );
    expect(() => w.write({ ...ROWS[1]!, at: null })).toThrow(/row 2: column "at": required value is missing/);
    expect(() => w.write({ ...ROWS[1]!, qty: 1.5 })).toThrow(SchemaMismatchError);
    expect(() => w.write({ ...ROWS[1]!, price: '12345678.90' })).toThrow(
      /column "price": decimal 12345678.90 does not fit decimal\(9,2\)/,
    );
    expect(() =>
      w.write({
        ...ROWS[1]!,
        customer: {
          'zip code': 1,
          lines: [
            { sku: 'a', price: '1.00' },
            { sku: 5, price: '1' },
          ],
        },
      }),
    ).toThrow(/column "customer.lines\[1\].sku": expected a string, got number 5/);
    expect(() => w.write({ ...ROWS[1]!, customer: { country: 'NZ' } })).toThrow(
      /column "customer.zip code": required value/,
    );
    expect(() => w.write({ ...ROWS[1]!, attrs: new Map([['k', 'v']]) })).toThrow(
      /column "attrs\{k\}": expected an integer/,
    );
    w.write(ROWS[2]!);
    const [f] = await w.close();
    expect(f!.record_count).toBe(2);
    expect(await readDataFile(io, location, { schema })).toEqual([expected(ROWS[0]!), expected(ROWS[2]!)]);
  });
});

describe('readDataFile', () => {
  it('projects by field id: renamed, reordered, dropped and added columns', async () => {
    const { io, location } = await writeRows(ROWS.slice(0, 3));
    const evolved: Schema = {
      type: 'struct',
      'schema-id': 1,
      fields: [
        { id: 13, name: 'full_name', required: false, type: 'string' },
        { id: 1, name: 'id', required: true, type: 'long' },
        { id: 3, name: 'qty', required: false, type: 'long' }, // int promoted to long
        { id: 99, name: 'added', required: false, type: 'string' },
        {
          id: 22,
          name: 'buyer',
          required: false,
          type: { type: 'struct', fields: [{ id: 24, name: 'zip', required: true, type: 'int' }] },
        },
      ],
    };
    expect(await readDataFile(io, location, { schema: evolved })).toEqual(
      ROWS.slice(0, 3).map((r) => ({
        full_name: r.name,
        id: r.id,
        qty: r.qty,
        added: null,
        buyer: { zip: (r.customer as Record<string, unknown>)['zip code'] },
      })),
    );
    expect(await readDataFile(io, location, { columns: ['id', 'name'] })).toEqual(
      ROWS.slice(0, 3).map((r) => ({ id: r.id, name: r.name })),
    );
  });

  it('reads the Athena, Spark and Java fixture files by field id', async () => {
    const root = join(process.cwd(), '..', 'shared', 'fixtures', 'iceberg'); // shared/ sits beside the repo
    const local = new MemoryFileIO();
    const load = async (rel: string): Promise<string> => {
      const p = join(root, rel);
      local.files.set(p, new Uint8Array(await readFile(p)));
      return p;
    };
    const athena = await load(
      'athena/example/data/sNoYhg/20250401_023623_00108_u4nkm-ee75816e-a3dd-4356-97b3-1c6d0128a41f.parquet',
    );
    const athenaSchema: Schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [
        { id: 1, name: 'id', required: false, type: 'int' },
        { id: 2, name: 'name', required: false, type: 'string' },
      ],
    };
    expect(await readDataFile(local, athena, { schema: athenaSchema })).toEqual([
      { id: 1, name: 'Alice' },
      { id: 2, name: 'Bob' },
    ]);
    const spark = await readDataFile(
      local,
      await load('spark/bunnies/data/00000-1-6cd7611f-0ceb-4cf3-8b8e-8c856356df3e-00001.parquet'),
    );
    expect(spark.length).toBe(20);
    expect(Object.keys(spark[0]!)).toContain('Breed Name'); // iceberg.schema footer names, sanitized Parquet names
    expect(spark.every((r) => typeof r['Breed Name'] === 'string')).toBe(true);
    const java = await readDataFile(local, await load('java/bunnies/data/bunnies-initial.parquet'));
    expect(java.length).toBe(21);
  });

  it('names the file when it is truncated or missing', async () => {
    const { io, location, bytes } = await writeRows(ROWS.slice(0, 3));
    io.files.set(location, bytes.subarray(0, bytes.length - 100));
    await expect(readDataFile(io, location, { schema })).rejects.toThrow(DataFileReadError);
    await expect(readDataFile(io, location, { schema })).rejects.toThrow(`cannot read Parquet data file ${location}`);
    io.files.set(location, bytes.subarray(0, 10));
    await expect(readDataFile(io, location, { schema })).rejects.toThrow(`cannot read Parquet data file ${location}`);
    await expect(readDataFile(io, '/nope.parquet', { schema })).rejects.toThrow(
      'cannot read Parquet data file /nope.parquet',
    );
  });
});

// The Parquet layout the encoder writes: dictionary pages where they pay (read back by DuckDB and hyparquet),
// v1 data pages and statistics shaped like the Athena-written fixture, multi-page chunks cut at row starts with
// an offset index, and files streamed to storage row group by row group (local temp file, S3 multipart).
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetMetadata, readOffsetIndex, type FileMetaData } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFileIO } from '../../../../core/iceberg/io/local-file-io.js';
import { S3FileIO } from '../../../../core/iceberg/io/s3-file-io.js';
import { loadCompression, type Compression } from '../../../../core/iceberg/parquet/compression.js';
import { DataFileWriter } from '../../../../core/iceberg/parquet/data-file-writer.js';
import { readDataFile } from '../../../../core/iceberg/parquet/read-data-file.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import { MemoryFileIO } from '../../../support/memory-file-io.js';
import { startS3Server, type S3TestServer } from '../../../support/s3-server.js';

type Row = Record<string, unknown>;

let dir: string;
let db: DuckDBConnection;
let zstd: Compression;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoplake-encoder-'));
  db = await (await DuckDBInstance.create(':memory:')).connect();
  zstd = await loadCompression('ZSTD');
});
afterAll(async () => {
  db.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

function metadataOf(bytes: Uint8Array): FileMetaData {
  return parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** Writes rows to a local file through LocalFileIO; returns the DataFile, the bytes and the footer. */
async function writeLocal(schema: Schema, rows: Row[], options: { rowGroupBytes?: number; pageSize?: number } = {}) {
  const location = join(dir, `f-${Math.random().toString(36).slice(2)}.parquet`);
  const w = new DataFileWriter({ io: new LocalFileIO(), schema, location, compression: zstd, ...options });
  for (const r of rows) w.write(r);
  const [file] = await w.close();
  const bytes = new Uint8Array(await readFile(location));
  return { location, file: file!, bytes, md: metadataOf(bytes) };
}

const columnsByName = (md: FileMetaData, rg = 0) =>
  new Map(md.row_groups[rg]!.columns.map((c) => [c.meta_data!.path_in_schema.join('.'), c.meta_data!]));

describe('dictionary encoding', () => {
  const schema: Schema = {
    type: 'struct',
    'schema-id': 0,
    fields: [
      { id: 1, name: 'id', required: true, type: 'long' },
      { id: 2, name: 'shop_id', required: true, type: 'long' },
      { id: 3, name: 'status', required: true, type: 'string' },
      { id: 4, name: 'note', required: false, type: 'string' },
      { id: 5, name: 'qty', required: false, type: 'int' },
      { id: 6, name: 'price', required: true, type: 'decimal(9,2)' },
      { id: 7, name: 'big', required: true, type: 'long' },
      {
        id: 8,
        name: 'tags',
        required: false,
        type: { type: 'list', 'element-id': 9, 'element-required': false, element: 'string' },
      },
      { id: 10, name: 'city', required: false, type: 'string' },
    ],
  };
  const STATUS = ['pending', 'paid', 'fulfilled', 'cancelled', 'refunded'];
  const CITY = ['Zürich', 'Åre', '東京', 'Ōtautahi 🥝', ''];
  const rows: Row[] = Array.from({ length: 6000 }, (_, i) => ({
    id: i * 7919,
    shop_id: 1 + ((i * 31) % 40),
    status: STATUS[(i * 13) % 5],
    note: i % 9 === 0 ? null : `note ${i} ${'x'.repeat(i % 13)}`,
    qty: i % 11 === 0 ? null : 1 + (i % 3),
    price: `${(i % 7) + 1}.${String((i * 3) % 100).padStart(2, '0')}`,
    big: i % 2 ? 2n ** 60n + BigInt(i % 3) : -(2n ** 55n), // past 2^53, still four distinct values
    tags: i % 5 === 0 ? null : i % 5 === 1 ? [] : ['a', i % 4 === 0 ? null : 'b', 'c'],
    city: i % 6 === 5 ? null : CITY[i % 5],
  }));

  let written: Awaited<ReturnType<typeof writeLocal>>;
  beforeAll(async () => {
    written = await writeLocal(schema, rows);
  });

  it('dictionary-encodes low-cardinality columns and keeps the others PLAIN', () => {
    const cols = columnsByName(written.md);
    const dict = (name: string) => cols.get(name)!.encodings.includes('RLE_DICTIONARY');
    for (const name of ['shop_id', 'status', 'qty', 'price', 'big', 'tags.list.element', 'city']) {
      expect(dict(name), name).toBe(true);
      const c = cols.get(name)!;
      expect(c.dictionary_page_offset, name).toBeDefined();
      expect(c.encoding_stats).toEqual([
        { page_type: 'DICTIONARY_PAGE', encoding: 'PLAIN', count: 1 },
        { page_type: 'DATA_PAGE', encoding: 'RLE_DICTIONARY', count: 1 },
      ]);
    }
    for (const name of ['id', 'note']) {
      expect(dict(name), name).toBe(false);
      expect(cols.get(name)!.dictionary_page_offset, name).toBeUndefined();
    }
  });

  it('reads back exactly through hyparquet', async () => {
    const io = new LocalFileIO();
    const back = await readDataFile(io, written.location, { schema });
    expect(back).toEqual(rows);
  });

  it('reads back exactly through DuckDB', async () => {
    const got =
      await query(`select status, count(*)::int as n, sum(shop_id)::bigint as shops, count(note)::int as notes,
        sum(qty)::int as qty, sum(price)::varchar as price, coalesce(sum(len(tags)), 0)::int as tags,
        count(city)::int as cities, string_agg(distinct city, '|' order by city) as city_names,
        sum(big::hugeint)::varchar as big
      from read_parquet('${written.location}') group by status order by status`);
    const expected = STATUS.slice()
      .sort()
      .map((status) => {
        const g = rows.filter((r) => r.status === status);
        const cents = g.reduce((a, r) => a + Math.round(Number(r.price) * 100), 0);
        const cities = [...new Set(g.map((r) => r.city).filter((c) => c !== null) as string[])].sort();
        return {
          status,
          n: g.length,
          shops: String(g.reduce((a, r) => a + (r.shop_id as number), 0)),
          notes: g.filter((r) => r.note !== null).length,
          qty: g.reduce((a, r) => a + ((r.qty as number | null) ?? 0), 0),
          price: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
          tags: g.reduce((a, r) => a + ((r.tags as unknown[] | null)?.length ?? 0), 0),
          cities: g.filter((r) => r.city !== null).length,
          city_names: cities.join('|'),
          big: String(g.reduce((a, r) => a + (r.big as bigint), 0n)),
        };
      });
    expect(got).toEqual(expected);
    const [nulls] = await query(
      `select count(*) filter (where tags is null)::int as null_lists, count(*) filter (where len(tags) = 0)::int as empty,
         count(*) filter (where tags[2] is null and len(tags) = 3)::int as null_elements
       from read_parquet('${written.location}')`,
    );
    expect(nulls).toEqual({
      null_lists: rows.filter((r) => r.tags === null).length,
      empty: rows.filter((r) => Array.isArray(r.tags) && r.tags.length === 0).length,
      null_elements: rows.filter((r) => Array.isArray(r.tags) && r.tags.length === 3 && r.tags[1] === null).length,
    });
  });

  it('keeps the manifest bounds of dictionary columns (strings in UTF-8 order)', () => {
    const { file } = written;
    const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
    expect(text(file.lower_bounds!.get(3))).toBe('cancelled');
    expect(text(file.upper_bounds!.get(3))).toBe('refunded');
    expect(text(file.lower_bounds!.get(10))).toBe('');
    expect(text(file.upper_bounds!.get(10))).toBe('東京'); // U+6771 sorts after the Latin strings
    expect(file.null_value_counts!.get(10)).toBe(rows.filter((r) => r.city === null).length);
  });
});

describe('a rejected row', () => {
  it('leaves no trace in values, dictionaries or bounds', async () => {
    const schema: Schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [
        { id: 1, name: 'code', required: true, type: 'string' },
        { id: 2, name: 'n', required: true, type: 'long' },
        {
          id: 3,
          name: 'items',
          required: false,
          type: { type: 'list', 'element-id': 4, 'element-required': true, element: 'string' },
        },
      ],
    };
    const location = join(dir, 'rejected.parquet');
    const w = new DataFileWriter({ io: new LocalFileIO(), schema, location, compression: zstd });
    const rows = Array.from({ length: 300 }, (_, i) => ({ code: `m${i % 3}`, n: i, items: [`x${i % 2}`] }));
    for (const r of rows.slice(0, 150)) w.write(r);
    // 'a' would become the lower bound and a new dictionary entry; the row fails at its last column
    expect(() => w.write({ code: 'a', n: -5, items: ['zz', null] })).toThrow(/column "items\[1\]": required value/);
    for (const r of rows.slice(150)) w.write(r);
    const [file] = await w.close();
    const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
    expect(file!.record_count).toBe(300);
    expect(text(file!.lower_bounds!.get(1))).toBe('m0');
    expect(new DataView(file!.lower_bounds!.get(2)!.buffer).getBigInt64(0, true)).toBe(0n);
    expect(await readDataFile(new LocalFileIO(), location, { schema })).toEqual(rows);
    const [r] = await query(`select count(*)::int as n, count(distinct code)::int as codes, min(n)::int as lo,
        sum(len(items))::int as items from read_parquet('${location}')`);
    expect(r).toEqual({ n: 300, codes: 3, lo: 0, items: 300 });
  });
});

describe('Athena-compatible layout', () => {
  // the Athena-written fixture: `table` root, OPTIONAL id int (1) and name string (2), two rows, ZSTD
  const fixture = join(
    process.cwd(),
    '..',
    'shared/fixtures/iceberg/athena/example/data/sNoYhg/20250401_023623_00108_u4nkm-ee75816e-a3dd-4356-97b3-1c6d0128a41f.parquet',
  );
  const schema: Schema = {
    type: 'struct',
    'schema-id': 0,
    fields: [
      { id: 1, name: 'id', required: false, type: 'int' },
      { id: 2, name: 'name', required: false, type: 'string' },
    ],
  };

  it('writes the schema, v1 data pages, codec and statistics the way Athena does', async () => {
    const athenaBytes = new Uint8Array(await readFile(fixture));
    const athena = metadataOf(athenaBytes);
    const ours = await writeLocal(schema, [
      { id: 1, name: 'Alice' },
      { id: 2, name: 'Bob' },
    ]);
    expect(ours.md.schema).toEqual(athena.schema);
    expect(ours.md.num_rows).toBe(athena.num_rows);
    expect(ours.md.row_groups.length).toBe(1);
    const mine = ours.md.row_groups[0]!.columns;
    const theirs = athena.row_groups[0]!.columns;
    for (let i = 0; i < theirs.length; i++) {
      const a = theirs[i]!.meta_data!;
      const b = mine[i]!.meta_data!;
      expect(b.type).toBe(a.type);
      expect(b.path_in_schema).toEqual(a.path_in_schema);
      expect(b.codec).toBe(a.codec);
      expect(b.num_values).toBe(a.num_values);
      expect(b.statistics).toEqual(a.statistics); // min_value/max_value, null_count, legacy min/max for the int
      expect(b.encoding_stats).toEqual(a.encoding_stats); // one PLAIN DATA_PAGE (v1), like Athena's
      // the first page header: Thrift field 1 (i32) = page type 0 (DATA_PAGE) in both files
      const page = (bytes: Uint8Array, offset: bigint) =>
        Array.from(bytes.subarray(Number(offset), Number(offset) + 2));
      expect(page(ours.bytes, b.data_page_offset)).toEqual([0x15, 0x00]);
      expect(page(athenaBytes, a.data_page_offset)).toEqual([0x15, 0x00]);
    }
    // DuckDB reads both the same
    const rowsOf = (f: string) => query(`select id, name from read_parquet('${f}') order by id`);
    expect(await rowsOf(ours.location)).toEqual(await rowsOf(fixture));
  });
});

describe('pages', () => {
  const schema: Schema = {
    type: 'struct',
    'schema-id': 0,
    fields: [
      { id: 1, name: 'id', required: true, type: 'long' },
      { id: 2, name: 's', required: false, type: 'string' },
      { id: 3, name: 'flag', required: false, type: 'boolean' },
      {
        id: 4,
        name: 'lines',
        required: false,
        type: {
          type: 'list',
          'element-id': 5,
          'element-required': true,
          element: {
            type: 'struct',
            fields: [
              { id: 6, name: 'sku', required: true, type: 'string' },
              { id: 7, name: 'qty', required: true, type: 'int' },
            ],
          },
        },
      },
      {
        id: 8,
        name: 'attrs',
        required: false,
        type: { type: 'map', 'key-id': 9, key: 'string', 'value-id': 10, 'value-required': false, value: 'double' },
      },
    ],
  };
  const rows: Row[] = Array.from({ length: 20000 }, (_, i) => ({
    id: i,
    s: i % 17 === 0 ? null : `value-${i}-${(i * 2654435761) % 1000003}`,
    // long runs of equal values and of nulls exercise the RLE runs next to bit-packed groups
    flag: Math.floor(i / 100) % 3 === 2 ? null : Math.floor(i / 37) % 2 === 0,
    lines: i % 10 === 9 ? null : Array.from({ length: i % 4 }, (_, k) => ({ sku: `SKU-${(i + k) % 977}`, qty: 1 + k })),
    attrs:
      i % 7 === 0
        ? null
        : i % 7 === 1
          ? new Map()
          : new Map<string, number | null>([
              ['w', i / 3],
              ['h', i % 2 ? null : -i],
            ]),
  }));

  it('cuts chunks into pages at row starts and indexes them (offset index)', async () => {
    const { location, bytes, md } = await writeLocal(schema, rows, { pageSize: 4096 });
    expect(md.row_groups.length).toBe(1);
    for (const c of md.row_groups[0]!.columns) {
      const m = c.meta_data!;
      const pages = m.encoding_stats!.find((e) => e.page_type === 'DATA_PAGE')!.count;
      expect(pages, m.path_in_schema.join('.')).toBeGreaterThan(1);
      expect(c.offset_index_offset).toBeDefined();
      const start = Number(c.offset_index_offset);
      const index = readOffsetIndex({
        view: new DataView(bytes.buffer, bytes.byteOffset + start, c.offset_index_length!),
        offset: 0,
      });
      const locations = index.page_locations;
      expect(locations.length).toBe(pages);
      expect(locations[0]!.offset).toBe(m.data_page_offset);
      expect(locations[0]!.first_row_index).toBe(0n);
      for (let k = 1; k < locations.length; k++) {
        const prev = locations[k - 1]!;
        expect(locations[k]!.offset).toBe(prev.offset + BigInt(prev.compressed_page_size));
        expect(locations[k]!.first_row_index).toBeGreaterThan(prev.first_row_index);
      }
    }
    const [r] = await query(`select count(*)::int as n, sum(id)::bigint as ids, count(s)::int as s,
        count(flag)::int as flags, sum(flag::int)::int as trues,
        (select sum(qty)::int from (select unnest(lines, recursive := true) from read_parquet('${location}'))) as qty,
        sum(len(lines))::int as lines, sum(cardinality(attrs))::int as attrs,
        sum(list_sum(map_values(attrs)))::double as attr_sum
      from read_parquet('${location}')`);
    const present = (k: string) => rows.filter((x) => x[k] !== null);
    const lineRows = present('lines').flatMap((x) => x.lines as { qty: number }[]);
    const attrValues = present('attrs').flatMap((x) => [...(x.attrs as Map<string, number | null>).values()]);
    expect(r).toMatchObject({
      n: rows.length,
      ids: String(rows.reduce((a, x) => a + (x.id as number), 0)),
      s: present('s').length,
      flags: present('flag').length,
      trues: rows.filter((x) => x.flag === true).length,
      qty: lineRows.reduce((a, l) => a + l.qty, 0),
      lines: lineRows.length,
      attrs: attrValues.length,
    });
    const sum = attrValues.reduce<number>((a, v) => a + (v ?? 0), 0);
    expect(r!.attr_sum as number).toBeCloseTo(sum, 3);
    expect(await readDataFile(new LocalFileIO(), location, { schema })).toEqual(rows);
  });

  it('splits row groups by buffered bytes, reported as split offsets', async () => {
    const { file, md } = await writeLocal(schema, rows, { rowGroupBytes: 256 * 1024 });
    expect(md.row_groups.length).toBeGreaterThan(3);
    expect(file.split_offsets).toEqual(
      md.row_groups.map((rg) =>
        Number(rg.columns[0]!.meta_data!.dictionary_page_offset ?? rg.columns[0]!.meta_data!.data_page_offset),
      ),
    );
    expect(md.row_groups.reduce((a, rg) => a + Number(rg.num_rows), 0)).toBe(rows.length);
  });
});

describe('streaming to storage', () => {
  const schema: Schema = {
    type: 'struct',
    'schema-id': 0,
    fields: [
      { id: 1, name: 'id', required: true, type: 'long' },
      { id: 2, name: 'payload', required: true, type: 'binary' },
    ],
  };
  /** Incompressible rows of 10 KiB (xorshift32 bytes). */
  const row = (i: number): Row => {
    const payload = new Uint8Array(10 * 1024);
    let s = (Math.imul(i + 1, 2654435761) >>> 0) | 1;
    for (let k = 0; k < payload.length; k++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      payload[k] = s & 255;
    }
    return { id: i, payload };
  };

  it('writes each row group to a temp file as it is encoded; the file appears whole at close', async () => {
    const folder = await mkdtemp(join(dir, 'stream-'));
    const location = join(folder, 'data.parquet');
    const w = new DataFileWriter({
      io: new LocalFileIO(),
      schema,
      location,
      compression: zstd,
      rowGroupBytes: 200 * 1024,
    });
    for (let i = 0; i < 100; i++) w.write(row(i));
    await w.drain();
    const temps = (await readdir(folder)).filter((n) => n.endsWith('.tmp'));
    expect(temps.length).toBe(1);
    expect((await stat(join(folder, temps[0]!))).size).toBe(w.encodedBytes); // every encoded row group is on disk
    expect(w.encodedBytes).toBeGreaterThan(900 * 1024);
    expect(w.bufferedBytes).toBeLessThan(200 * 1024);
    await expect(stat(location)).rejects.toThrow(/ENOENT/);
    const [file] = await w.close();
    expect(await readdir(folder)).toEqual(['data.parquet']);
    expect((await stat(location)).size).toBe(file!.file_size_in_bytes);
    expect(file!.split_offsets!.length).toBeGreaterThan(4);
    const back = await readDataFile(new LocalFileIO(), location, { schema });
    expect(back.length).toBe(100);
    expect(back[42]).toEqual(row(42));
  });

  it('abort() leaves nothing behind', async () => {
    const folder = await mkdtemp(join(dir, 'abort-'));
    const w = new DataFileWriter({
      io: new LocalFileIO(),
      schema,
      location: join(folder, 'data.parquet'),
      compression: zstd,
      rowGroupBytes: 100 * 1024,
    });
    for (let i = 0; i < 30; i++) w.write(row(i));
    await w.drain();
    expect((await readdir(folder)).length).toBe(1); // the temp file
    await w.abort();
    expect(await readdir(folder)).toEqual([]);
  });

  it('surfaces a storage failure at the next write or at close, naming the file', async () => {
    const folder = await mkdtemp(join(dir, 'fail-'));
    await writeFile(join(folder, 'blocker'), 'a file where a folder should be');
    const location = join(folder, 'blocker', 'data.parquet');
    const w = new DataFileWriter({
      io: new LocalFileIO(),
      schema,
      location,
      compression: zstd,
      rowGroupBytes: 50 * 1024,
    });
    for (let i = 0; i < 10; i++) w.write(row(i));
    await expect(w.drain()).rejects.toThrow(/blocker\/data\.parquet/);
    expect(() => w.write(row(99))).toThrow(/blocker\/data\.parquet/);
    await expect(w.close()).rejects.toThrow(/blocker\/data\.parquet/);
    expect(await readdir(folder)).toEqual(['blocker']);
  });

  it('falls back to one write at close for a FileIO without create()', async () => {
    const io = new MemoryFileIO();
    const w = new DataFileWriter({
      io,
      schema,
      location: '/m/data.parquet',
      compression: zstd,
      rowGroupBytes: 50 * 1024,
    });
    for (let i = 0; i < 20; i++) w.write(row(i));
    await w.drain();
    expect(io.files.size).toBe(0);
    const [file] = await w.close();
    expect(io.files.get('/m/data.parquet')!.length).toBe(file!.file_size_in_bytes);
  });

  describe('on S3 (s3rver on loopback)', () => {
    let s3: S3TestServer;
    let io: S3FileIO;
    beforeAll(async () => {
      s3 = await startS3Server();
      await s3.createBucket('lake');
      io = new S3FileIO({ clientConfig: s3.clientConfig, partSize: 5 * 1024 * 1024 });
    });
    afterAll(async () => {
      io.client.destroy();
      await s3.close();
    });

    it('streams a multi-row-group file as a multipart upload and reads it back', async () => {
      const location = 's3://lake/t/data/00000-0-x-00001.parquet';
      const before = s3.requests.length;
      const w = new DataFileWriter({ io, schema, location, compression: zstd, rowGroupBytes: 512 * 1024 });
      for (let i = 0; i < 700; i++) {
        w.write(row(i));
        if (w.needsDrain) await w.drain();
      }
      const [file] = await w.close();
      const sent = s3.requests.slice(before);
      expect(sent.filter((r) => r.method === 'POST').length).toBe(2); // create + complete
      expect(sent.filter((r) => r.method === 'PUT').length).toBe(2); // 5 MiB + the rest
      expect(file!.file_size_in_bytes).toBeGreaterThan(700 * 10 * 1024); // incompressible payloads
      expect(await io.size(location)).toBe(file!.file_size_in_bytes);
      const back = await readDataFile(io, location, { schema });
      expect(back.length).toBe(700);
      expect(back[699]).toEqual(row(699));
      const local = join(dir, 'from-s3.parquet');
      await writeFile(local, await io.read(location));
      const [r] = await query(`select count(*)::int as n, sum(id)::int as ids, sum(octet_length(payload))::int as bytes
        from read_parquet('${local}')`);
      expect(r).toEqual({ n: 700, ids: (699 * 700) / 2, bytes: 700 * 10 * 1024 });
    });
  });
});

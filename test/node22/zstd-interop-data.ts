// What both sides of the zstd interop test write and check: one table schema, deterministic rows that spread over
// several row groups and pages (dictionary and plain encoded columns, nulls, lists), and digests of what the
// readers return, so that a Node 20 process and a Node 22 process can compare results as plain strings.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Compression } from '../../core/iceberg/parquet/compression.js';
import { DataFileWriter } from '../../core/iceberg/parquet/data-file-writer.js';
import { readDataFile } from '../../core/iceberg/parquet/read-data-file.js';
import { LocalFileIO } from '../../core/iceberg/io/local-file-io.js';
import type { Schema } from '../../core/iceberg/spec/types.js';

export const REPORT_FILE = 'node22-report.json';

/** Two page layouts: many small pages and row groups (many zstd frames), and one page per column chunk (frames of
 * several MB: beyond zstd's 2 MB window at level 3, and past node:zlib's 16 KB output chunks). */
export const LAYOUTS = {
  small: { pageSize: 16 * 1024, rowGroupBytes: 1024 * 1024 },
  large: { pageSize: 64 * 1024 * 1024, rowGroupBytes: 64 * 1024 * 1024 },
} as const;
export type Layout = keyof typeof LAYOUTS;

export function fileName(zstd: 'wasm' | 'native', layout: Layout): string {
  return `${zstd}-zstd-${layout}.parquet`;
}

export const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'shop', required: true, type: 'string' },
    { id: 3, name: 'note', required: false, type: 'string' },
    { id: 4, name: 'amount', required: false, type: 'decimal(12,2)' },
    { id: 5, name: 'score', required: false, type: 'double' },
    { id: 6, name: 'paid', required: false, type: 'boolean' },
    { id: 7, name: 'at', required: true, type: 'timestamptz' },
    { id: 8, name: 'day', required: false, type: 'date' },
    {
      id: 9,
      name: 'tags',
      required: false,
      type: { type: 'list', 'element-id': 10, 'element-required': false, element: 'string' },
    },
    { id: 11, name: 'payload', required: true, type: 'string' },
  ],
};

const T0 = Date.UTC(2026, 0, 1) * 1000;

let lcg = 1;

/** 200 pseudo-random characters of 40 from one LCG stream (the same on both sides): compresses about 3:2. */
function payload(): string {
  let out = '';
  for (let k = 0; k < 200; k++) {
    lcg = (Math.imul(lcg, 1103515245) + 12345) >>> 0;
    out += String.fromCharCode(48 + ((lcg >>> 24) % 40));
  }
  return out;
}

/** Rows in the representation readDataFile returns (decimals as strings, timestamps as epoch microseconds). */
export const rows: Record<string, unknown>[] = Array.from({ length: 30_000 }, (_, i) => ({
  id: i * 7919,
  shop: `shop-${i % 37}`,
  note: i % 5 === 0 ? null : `order ${i} ${'x'.repeat(i % 61)} ${(i * 2654435761) % 1_000_003}`,
  amount: i % 11 === 0 ? null : `${Math.floor(i / 3)}.${String(i % 100).padStart(2, '0')}`,
  score: i % 13 === 0 ? null : Math.sin(i) * 1e3,
  paid: i % 7 === 0 ? null : i % 2 === 0,
  at: T0 + i * 1_000_003,
  day: i % 17 === 0 ? null : 20_454 + (i % 400),
  tags: i % 9 === 0 ? null : i % 4 === 0 ? [] : [`t${i % 5}`, null, `u${i % 1000}`],
  payload: payload(),
}));

export async function writeFile(location: string, compression: Compression, layout: Layout): Promise<void> {
  const w = new DataFileWriter({ io: new LocalFileIO(), schema, location, compression, ...LAYOUTS[layout] });
  for (const r of rows) w.write(r);
  await w.close();
}

export function digest(value: unknown): string {
  const json = JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );
  return createHash('sha256').update(json).digest('hex');
}

/** Digest of the rows hyparquet returns through readDataFile (the reader the pipeline and the tests use). */
export async function readDigest(location: string): Promise<string> {
  return digest(await readDataFile(new LocalFileIO(), location, { schema }));
}

/** Row count and a digest of every row as DuckDB reads it (each row cast to text, in id order). */
export async function duckDigest(db: DuckDBConnection, location: string): Promise<{ rows: number; md5: string }> {
  const [r] = (
    await db.runAndReadAll(
      `select count(*)::integer as rows, md5(string_agg(t::varchar, e'\\n' order by id)) as md5
       from read_parquet('${location}') t`,
    )
  ).getRowObjectsJson();
  return { rows: Number(r!.rows), md5: String(r!.md5) };
}

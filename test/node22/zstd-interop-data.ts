// What both sides of the zstd interop test write and check: deterministic rows in two page layouts, and digests
// of what the readers return, so that a Node 20 process and a Node 22 process can compare results as strings.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Compression } from '../../core/iceberg/parquet/compression.js';
import { DataFileWriter } from '../../core/iceberg/parquet/data-file-writer.js';
import { readDataFile } from '../../core/iceberg/parquet/read-data-file.js';
import { LocalFileIO } from '../../core/iceberg/io/local-file-io.js';
import type { Schema } from '../../core/iceberg/spec/types.js';
import { ORDER_SCHEMA, orders } from '../../bench/parquet.bench.js';

export const REPORT_FILE = 'node22-report.json';

const interopSchema: Schema = {
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

/** 32 pseudo-random characters of 40 from one LCG stream (the same on both sides): a column that barely compresses. */
function payload(): string {
  let out = '';
  for (let k = 0; k < 32; k++) {
    lcg = (Math.imul(lcg, 1103515245) + 12345) >>> 0;
    out += String.fromCharCode(48 + ((lcg >>> 24) % 40));
  }
  return out;
}

/** Rows in the representation readDataFile returns (decimals as strings, timestamps as epoch microseconds). */
const interopRows: Record<string, unknown>[] = Array.from({ length: 30_000 }, (_, i) => ({
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

export interface Case {
  schema: Schema;
  rows: Record<string, unknown>[];
  options: { pageSize?: number; rowGroupBytes?: number };
}

/**
 * small: the rows above in 16 KiB pages and 1 MiB row groups (many frames); orders: bench/parquet.bench.ts's order
 * rows with the writer's defaults (1 MiB pages), where today's wasm and node:zlib zstd emit different bytes.
 */
export const CASES: Record<'small' | 'orders', () => Case> = {
  small: () => ({
    schema: interopSchema,
    rows: interopRows,
    options: { pageSize: 16 * 1024, rowGroupBytes: 1024 ** 2 },
  }),
  orders: () => ({ schema: ORDER_SCHEMA, rows: [...orders(35_000)], options: {} }),
};
export type CaseName = keyof typeof CASES;

export function fileName(zstd: 'wasm' | 'native', name: CaseName): string {
  return `${zstd}-zstd-${name}.parquet`;
}

export async function writeFile(location: string, compression: Compression, c: Case): Promise<void> {
  const w = new DataFileWriter({ io: new LocalFileIO(), schema: c.schema, location, compression, ...c.options });
  for (const r of c.rows) w.write(r);
  await w.close();
}

export function digest(value: unknown): string {
  const json = JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );
  return createHash('sha256').update(json).digest('hex');
}

/** Digest of the rows hyparquet returns through readDataFile (the reader the pipeline and the tests use). */
export async function readDigest(location: string, c: Case): Promise<string> {
  return digest(await readDataFile(new LocalFileIO(), location, { schema: c.schema }));
}

/** Row count and a digest of every row as DuckDB reads it (each row cast to text, in file order). */
export async function duckDigest(db: DuckDBConnection, location: string): Promise<{ rows: number; md5: string }> {
  const [r] = (
    await db.runAndReadAll(
      `select count(*)::integer as rows, md5(string_agg(t::varchar, e'\\n' order by file_row_number)) as md5
       from read_parquet('${location}', file_row_number = true) t`,
    )
  ).getRowObjectsJson();
  return { rows: Number(r!.rows), md5: String(r!.md5) };
}

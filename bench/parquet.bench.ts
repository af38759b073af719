// `npm run bench -- parquet`: order-like rows (15 columns: longs, strings, decimals, timestamptz, a nested list)
// through core/iceberg/parquet's writers to files, against parquet-wasm and parquetjs-lite writing the same rows.
// Prints medians and same-run ratios; the 1M-row peak RSS runs in a child process of its own (clean heap).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RollingDataFileWriter } from '../core/iceberg/parquet/rolling-data-file-writer.js';
import { PartitionedDataFileWriter } from '../core/iceberg/parquet/partitioned-data-file-writer.js';
import { loadCompression, nativeZstdAvailable, type Compression } from '../core/iceberg/parquet/compression.js';
import { LocalFileIO } from '../core/iceberg/io/local-file-io.js';
import type { PartitionSpec } from '../core/iceberg/spec/partition-spec.js';
import type { Schema } from '../core/iceberg/spec/types.js';
import type { DataType, Vector } from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm';
import { fmt, mb, median, rssSampler } from './lib.js';
import { folderLocationProvider } from '../core/iceberg/spec/location-provider.js';

export const ORDER_SCHEMA: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'order_id', required: true, type: 'string' },
    { id: 2, name: 'shop_id', required: true, type: 'long' },
    { id: 3, name: 'customer_id', required: true, type: 'long' },
    { id: 4, name: 'customer_email', required: false, type: 'string' },
    { id: 5, name: 'status', required: true, type: 'string' },
    { id: 6, name: 'currency', required: true, type: 'string' },
    { id: 7, name: 'subtotal', required: true, type: 'decimal(12,2)' },
    { id: 8, name: 'tax', required: true, type: 'decimal(12,2)' },
    { id: 9, name: 'shipping', required: false, type: 'decimal(12,2)' },
    { id: 10, name: 'total', required: true, type: 'decimal(12,2)' },
    { id: 11, name: 'item_count', required: true, type: 'int' },
    { id: 12, name: 'created_at', required: true, type: 'timestamptz' },
    { id: 13, name: 'updated_at', required: false, type: 'timestamptz' },
    { id: 14, name: 'channel', required: true, type: 'string' },
    {
      id: 15,
      name: 'line_items',
      required: false,
      type: {
        type: 'list',
        'element-id': 16,
        'element-required': true,
        element: {
          type: 'struct',
          fields: [
            { id: 17, name: 'sku', required: true, type: 'string' },
            { id: 18, name: 'quantity', required: true, type: 'int' },
            { id: 19, name: 'price', required: true, type: 'decimal(12,2)' },
          ],
        },
      },
    },
  ],
};

export const ORDER_SPEC: PartitionSpec = {
  'spec-id': 0,
  fields: [
    { 'source-id': 12, 'field-id': 1000, name: 'created_at_day', transform: 'day' },
    { 'source-id': 2, 'field-id': 1001, name: 'shop_id_bucket', transform: 'bucket[16]' },
  ],
};

const STATUS = ['pending', 'paid', 'fulfilled', 'cancelled', 'refunded'];
const CURRENCY = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'NZD'];
const CHANNEL = ['web', 'pos', 'mobile', 'marketplace'];
const T0 = Date.UTC(2026, 10, 20) * 1000;

/** Deterministic order-like rows, generated on the fly (never all in memory). */
export function* orders(n: number, seed = 42): Generator<Record<string, unknown>> {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const cents = (c: number): string => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
  for (let i = 0; i < n; i++) {
    const items = 1 + Math.floor(rnd() * 4);
    const lineItems = [];
    let sub = 0;
    for (let k = 0; k < items; k++) {
      const price = 100 + Math.floor(rnd() * 20000);
      const qty = 1 + Math.floor(rnd() * 3);
      sub += price * qty;
      lineItems.push({ sku: `SKU-${Math.floor(rnd() * 5000)}`, quantity: qty, price: cents(price) });
    }
    const tax = Math.floor(sub * 0.15);
    const ship = rnd() < 0.2 ? null : Math.floor(rnd() * 2000);
    const created = T0 + Math.floor((i * 2_592_000_000) / Math.max(n, 1)) * 1000 + Math.floor(rnd() * 1000);
    yield {
      order_id: `ord_${(1e9 + i).toString(36)}_${Math.floor(rnd() * 1e6).toString(36)}`,
      shop_id: 1 + Math.floor(rnd() * 500),
      customer_id: 1_000_000 + Math.floor(rnd() * 200_000),
      customer_email: rnd() < 0.1 ? null : `c${Math.floor(rnd() * 200_000)}@example.com`,
      status: STATUS[Math.floor(rnd() * STATUS.length)],
      currency: CURRENCY[Math.floor(rnd() * CURRENCY.length)],
      subtotal: cents(sub),
      tax: cents(tax),
      shipping: ship === null ? null : cents(ship),
      total: cents(sub + tax + (ship ?? 0)),
      item_count: items,
      created_at: created,
      updated_at: rnd() < 0.5 ? null : created + Math.floor(rnd() * 3_600_000_000),
      channel: CHANNEL[Math.floor(rnd() * CHANNEL.length)],
      line_items: lineItems,
    };
  }
}

const io = new LocalFileIO();

async function writeRolling(n: number, dir: string, compression: Compression): Promise<number> {
  const w = new RollingDataFileWriter({ io, schema: ORDER_SCHEMA, directory: dir, compression });
  for (const row of orders(n)) {
    w.write(row);
    if (w.needsDrain) await w.drain();
  }
  const files = await w.close();
  return files.reduce((a, f) => a + f.file_size_in_bytes, 0);
}

async function writePartitioned(n: number, dir: string, compression: Compression): Promise<number> {
  const w = new PartitionedDataFileWriter({
    io,
    schema: ORDER_SCHEMA,
    spec: ORDER_SPEC,
    locations: folderLocationProvider(dir),
    compression,
  });
  for (const row of orders(n)) {
    w.write(row);
    if (w.needsDrain) await w.drain();
  }
  const files = await w.close();
  return files.length;
}

// ---- comparison writers -----------------------------------------------------------------------------------

export async function writeParquetWasm(n: number, file: string): Promise<void> {
  const arrow = await import('apache-arrow');
  const pw = (await import('parquet-wasm' + '/node')) as typeof ParquetWasm;
  const cols: Record<string, unknown[]> = {};
  for (const f of ORDER_SCHEMA.fields) cols[f.name] = [];
  for (const row of orders(n)) for (const f of ORDER_SCHEMA.fields) cols[f.name]!.push(row[f.name]);
  // Arrow has no decimal builder from strings in JS: decimals go as float64, timestamps as Timestamp(µs, UTC)
  const lineType = new arrow.List(
    new arrow.Field(
      'item',
      new arrow.Struct([
        new arrow.Field('sku', new arrow.Utf8()),
        new arrow.Field('quantity', new arrow.Int32()),
        new arrow.Field('price', new arrow.Float64()),
      ]),
    ),
  );
  const vec = (type: DataType, values: unknown[]): Vector => arrow.vectorFromArray(values as never[], type);
  const dec = (xs: unknown[]): number[] => xs.map((x) => (x === null ? (null as unknown as number) : Number(x)));
  const table = new arrow.Table({
    order_id: vec(new arrow.Utf8(), cols.order_id!),
    shop_id: vec(
      new arrow.Int64(),
      cols.shop_id!.map((x) => BigInt(x as number)),
    ),
    customer_id: vec(
      new arrow.Int64(),
      cols.customer_id!.map((x) => BigInt(x as number)),
    ),
    customer_email: vec(new arrow.Utf8(), cols.customer_email!),
    status: vec(new arrow.Utf8(), cols.status!),
    currency: vec(new arrow.Utf8(), cols.currency!),
    subtotal: vec(new arrow.Float64(), dec(cols.subtotal!)),
    tax: vec(new arrow.Float64(), dec(cols.tax!)),
    shipping: vec(new arrow.Float64(), dec(cols.shipping!)),
    total: vec(new arrow.Float64(), dec(cols.total!)),
    item_count: vec(new arrow.Int32(), cols.item_count!),
    created_at: vec(
      new arrow.TimestampMicrosecond('UTC'),
      cols.created_at!.map((x) => Number(x) / 1000),
    ),
    updated_at: vec(
      new arrow.TimestampMicrosecond('UTC'),
      cols.updated_at!.map((x) => (x === null ? null : Number(x) / 1000)),
    ),
    channel: vec(new arrow.Utf8(), cols.channel!),
    line_items: vec(
      lineType,
      (cols.line_items as { sku: string; quantity: number; price: string }[][]).map((items) =>
        items.map((it) => ({ ...it, price: Number(it.price) })),
      ),
    ),
  });
  const ipc = arrow.tableToIPC(table, 'stream');
  const wasmTable = pw.Table.fromIPCStream(ipc);
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).build();
  const bytes = pw.writeParquet(wasmTable, props);
  await io.write(file, bytes);
}

export async function writeParquetjsLite(n: number, file: string): Promise<void> {
  // parquetjs-lite has no typings; it cannot write field ids, decimals or zstd (gzip here)
  const mod = (await import('parquetjs-lite' as string)) as { default?: unknown };
  const parquet = (mod.default ?? mod) as {
    ParquetSchema: new (s: unknown) => unknown;
    ParquetWriter: {
      openFile(
        s: unknown,
        path: string,
        o?: unknown,
      ): Promise<{ appendRow(r: unknown): Promise<void>; close(): Promise<void> }>;
    };
  };
  const schema = new parquet.ParquetSchema({
    order_id: { type: 'UTF8' },
    shop_id: { type: 'INT64' },
    customer_id: { type: 'INT64' },
    customer_email: { type: 'UTF8', optional: true },
    status: { type: 'UTF8' },
    currency: { type: 'UTF8' },
    subtotal: { type: 'DOUBLE' },
    tax: { type: 'DOUBLE' },
    shipping: { type: 'DOUBLE', optional: true },
    total: { type: 'DOUBLE' },
    item_count: { type: 'INT32' },
    created_at: { type: 'TIMESTAMP_MICROS' },
    updated_at: { type: 'TIMESTAMP_MICROS', optional: true },
    channel: { type: 'UTF8' },
    line_items: {
      repeated: true,
      fields: { sku: { type: 'UTF8' }, quantity: { type: 'INT32' }, price: { type: 'DOUBLE' } },
    },
  });
  const w = await parquet.ParquetWriter.openFile(schema, file, { compression: 'GZIP' } as unknown);
  for (const row of orders(n)) {
    await w.appendRow({
      ...row,
      subtotal: Number(row.subtotal),
      tax: Number(row.tax),
      shipping: row.shipping === null ? undefined : Number(row.shipping),
      total: Number(row.total),
      customer_email: row.customer_email ?? undefined,
      updated_at: row.updated_at ?? undefined,
      line_items: (row.line_items as { price: string }[]).map((it) => ({ ...it, price: Number(it.price) })),
    });
  }
  await w.close();
}

// ---- 1M rows peak RSS, in a child process -----------------------------------------------------------------

async function rssChild(n: number, mode: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shoplake-pq-rss-'));
  const compression = await loadCompression('ZSTD');
  global.gc?.();
  const base = process.memoryUsage.rss();
  const sampler = rssSampler(5);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result =
    mode === 'partitioned' ? await writePartitioned(n, dir, compression) : await writeRolling(n, dir, compression);
  const c = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  const peak = sampler.stop();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ ms, cpu: (c.user + c.system) / 1000, peak, base, result }));
}

interface ChildResult {
  ms: number;
  cpu: number;
  peak: number;
  base: number;
  result: number;
}

function runChild(n: number, mode: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', self, '--rss-child', String(n), mode], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`rss child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shoplake-pq-bench-'));
  let k = 0;
  const next = (): string => join(dir, `run-${k++}`);
  try {
    const zstd = await loadCompression('ZSTD');
    const wasmZstd = await loadCompression('ZSTD', { forceFallback: true });
    console.log(`zstd: ${zstd.implementation} (native zstd in node:zlib: ${nativeZstdAvailable()})`);
    const N = 100_000;
    const RUNS = 3;

    const size = await writeRolling(N, next(), zstd);
    console.log(
      `\n### ${fmt(N)} order rows (15 columns incl. list<struct>), median of ${RUNS} (machine: 2 shared cores)\n`,
    );
    console.log('| writer | median wall ms | rows/s (wall) | median CPU ms | rows/CPU-s | CPU vs rolling |');
    console.log('|---|---|---|---|---|---|');
    let baseCpu = 0;
    const measure = async (name: string, runs: number, fn: () => Promise<unknown>, warmup = 1): Promise<void> => {
      for (let i = 0; i < warmup; i++) await fn();
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < runs; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await fn();
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      const w = median(wall);
      const c = median(cpu);
      if (!baseCpu) baseCpu = c;
      console.log(
        `| ${name} | ${fmt(w)} | ${fmt((N / w) * 1000)} | ${fmt(c)} | ${fmt((N / c) * 1000)} | ${(c / baseCpu).toFixed(2)}x |`,
      );
    };
    await measure(`RollingDataFileWriter, ZSTD (${zstd.implementation})`, RUNS, () => writeRolling(N, next(), zstd));
    await measure('RollingDataFileWriter, ZSTD (forced wasm fallback)', RUNS, () => writeRolling(N, next(), wasmZstd));
    const snappyC = await loadCompression('SNAPPY');
    await measure('RollingDataFileWriter, SNAPPY', RUNS, () => writeRolling(N, next(), snappyC));
    const nFiles = await writePartitioned(N, next(), zstd);
    await measure(
      `PartitionedDataFileWriter day x bucket[16] (${nFiles} files), ZSTD`,
      RUNS,
      () => writePartitioned(N, next(), zstd),
      0,
    );
    await measure('row generation only (included in every line above)', RUNS, async () => {
      for (const _ of orders(N));
    });
    await measure('parquet-wasm 0.8 (apache-arrow build + write), ZSTD', 2, () =>
      writeParquetWasm(N, next() + '.parquet'),
    );
    await measure('parquetjs-lite 0.8 (appendRow), GZIP', 1, () => writeParquetjsLite(N, next() + '.parquet'), 0);
    console.log(`\nfile size (rolling, ZSTD): ${mb(size)}`);

    const M = 1_000_000;
    const r1 = runChild(M, 'rolling');
    const p1 = runChild(M, 'partitioned');
    console.log(`\n### ${fmt(M)} rows, child process each\n`);
    console.log('| writer | wall ms | CPU ms | rows/CPU-s | peak RSS | RSS before |');
    console.log('|---|---|---|---|---|---|');
    const child = (name: string, x: ChildResult): void =>
      console.log(
        `| ${name} | ${fmt(x.ms)} | ${fmt(x.cpu)} | ${fmt((M / x.cpu) * 1000)} | ${mb(x.peak)} | ${mb(x.base)} |`,
      );
    child(`RollingDataFileWriter (${mb(r1.result)} file)`, r1);
    child(`PartitionedDataFileWriter (${p1.result} files)`, p1);
    console.log(
      `\npeak RSS target for 1M rows through the rolling writer: < 400 MB -> ${r1.peak < 400 * 1024 * 1024 ? 'met' : 'MISSED'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('parquet.bench.ts') && process.argv[2] === '--rss-child') {
  await rssChild(Number(process.argv[3]), process.argv[4] ?? 'rolling');
} else if (process.argv[1]?.endsWith('parquet.bench.ts')) {
  await main();
}

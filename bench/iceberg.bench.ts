// `npm run bench -- iceberg`: the Iceberg write path end to end on the local catalog.
// (a) append of 100k order events (15 columns incl. a list of structs, bench/parquet.bench.ts's rows, event times
//     over 2 days) into a table partitioned by day(created_at) and bucket[16](shop_id): rows -> Parquet data
//     files -> manifest -> manifest list -> metadata.json commit, rows/s median; the same with parquet-wasm and
//     parquetjs-lite as the data file writer (fan-out per partition done here, no column metrics), same run.
// (b) commit latency p50/p99 of a one-file append on a table that already has 1,000 snapshots.
// (c) metadata.json size as snapshots accumulate: the metadata-log is capped (write.metadata.previous-versions-max),
//     the snapshot list and snapshot-log grow until expiry; with expiry (retain 100) the file stays bounded.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DataType, Vector } from 'apache-arrow';
import type { Catalog, LoadedTable } from '../core/iceberg/catalog/catalog.js';
import { LocalCatalog } from '../core/iceberg/catalog/local-catalog.js';
import type { FileIO } from '../core/iceberg/io/file-io.js';
import { PartitionedDataFileWriter } from '../core/iceberg/parquet/partitioned-data-file-writer.js';
import { DataContent } from '../core/iceberg/spec/manifest.js';
import type { DataFile, PartitionValues } from '../core/iceberg/spec/manifest.js';
import { bindPartitionSpec, partitionToPath, partitionValuesOf } from '../core/iceberg/spec/transform.js';
import { Transaction } from '../core/iceberg/transaction/transaction.js';
import { fmt, median, percentile } from './lib.js';
import { ORDER_SCHEMA, ORDER_SPEC, orders } from './parquet.bench.js';
import { locationProvider } from '../core/iceberg/spec/location-provider.js';

type Row = Record<string, unknown>;
const N = 100_000;
const RUNS = 5;
const DAY_US = 86_400_000_000;
const TWO_DAYS_START = Date.UTC(2026, 10, 20) * 1000;

/** 100k order events with event times spread over 2 days (what one ingest batch sees), built before timing. */
function orderEvents(n: number): Row[] {
  const rows: Row[] = [];
  let i = 0;
  for (const r of orders(n)) {
    const created = TWO_DAYS_START + Math.floor((i++ * 2 * DAY_US) / n);
    rows.push({ ...r, created_at: created, updated_at: r.updated_at === null ? null : created + 60_000_000 });
  }
  return rows;
}

// ---- (a) rows -> committed snapshot ------------------------------------------------------------------------

type Writer = (table: LoadedTable, rows: Row[]) => Promise<DataFile[]>;

const shoplakeWriter: Writer = async (table, rows) => {
  const w = await PartitionedDataFileWriter.open({
    io: table.io,
    schema: ORDER_SCHEMA,
    spec: ORDER_SPEC,
    locations: locationProvider(table.metadata),
  });
  for (const r of rows) {
    w.write(r);
    if (w.needsDrain) await w.drain();
  }
  return w.close();
};

/** Fan-out by partition for the comparison writers: one file per partition tuple. */
function byPartition(rows: Row[]): Map<string, { values: PartitionValues; rows: Row[] }> {
  const fields = bindPartitionSpec(ORDER_SPEC, ORDER_SCHEMA);
  const out = new Map<string, { values: PartitionValues; rows: Row[] }>();
  for (const r of rows) {
    const values = partitionValuesOf(fields, r);
    const key = JSON.stringify(values);
    let p = out.get(key);
    if (!p) out.set(key, (p = { values, rows: [] }));
    p.rows.push(r);
  }
  return out;
}

/** A DataFile without column metrics (these writers give none, and no field ids either). */
async function plainDataFile(io: FileIO, path: string, values: PartitionValues, rows: number): Promise<DataFile> {
  return {
    content: DataContent.Data,
    file_path: path,
    file_format: 'PARQUET',
    partition: values,
    record_count: rows,
    file_size_in_bytes: await io.size(path),
  };
}

let fileNo = 0;
const comparisonWriter =
  (encode: (rows: Row[], path: string, io: FileIO) => Promise<void>): Writer =>
  async (table, rows) => {
    const files: DataFile[] = [];
    for (const { values, rows: part } of byPartition(rows).values()) {
      const path = `${table.metadata.location}/data/${partitionToPath(ORDER_SPEC, ORDER_SCHEMA, values)}/cmp-${fileNo++}.parquet`;
      await encode(part, path, table.io);
      files.push(await plainDataFile(table.io, path, values, part.length));
    }
    return files;
  };

const parquetWasmWriter = comparisonWriter(async (rows, path, io) => {
  const arrow = await import('apache-arrow');
  const pw = await import('parquet-wasm/node');
  const col = (name: string): unknown[] => rows.map((r) => r[name]);
  const vec = (type: DataType, values: unknown[]): Vector => arrow.vectorFromArray(values as never[], type);
  // Arrow JS has no decimal-from-string builder: decimals go as float64.
  const dec = (xs: unknown[]): unknown[] => xs.map((x) => (x === null ? null : Number(x)));
  const line = new arrow.Struct([
    new arrow.Field('sku', new arrow.Utf8()),
    new arrow.Field('quantity', new arrow.Int32()),
    new arrow.Field('price', new arrow.Float64()),
  ]);
  const table = new arrow.Table({
    order_id: vec(new arrow.Utf8(), col('order_id')),
    shop_id: vec(
      new arrow.Int64(),
      col('shop_id').map((x) => BigInt(x as number)),
    ),
    customer_id: vec(
      new arrow.Int64(),
      col('customer_id').map((x) => BigInt(x as number)),
    ),
    customer_email: vec(new arrow.Utf8(), col('customer_email')),
    status: vec(new arrow.Utf8(), col('status')),
    currency: vec(new arrow.Utf8(), col('currency')),
    subtotal: vec(new arrow.Float64(), dec(col('subtotal'))),
    tax: vec(new arrow.Float64(), dec(col('tax'))),
    shipping: vec(new arrow.Float64(), dec(col('shipping'))),
    total: vec(new arrow.Float64(), dec(col('total'))),
    item_count: vec(new arrow.Int32(), col('item_count')),
    created_at: vec(
      new arrow.TimestampMicrosecond('UTC'),
      col('created_at').map((x) => Number(x) / 1000),
    ),
    updated_at: vec(
      new arrow.TimestampMicrosecond('UTC'),
      col('updated_at').map((x) => (x === null ? null : Number(x) / 1000)),
    ),
    channel: vec(new arrow.Utf8(), col('channel')),
    line_items: vec(
      new arrow.List(new arrow.Field('item', line)),
      (col('line_items') as { sku: string; quantity: number; price: string }[][]).map((items) =>
        items.map((it) => ({ ...it, price: Number(it.price) })),
      ),
    ),
  });
  const wasmTable = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).build();
  await io.write(path, pw.writeParquet(wasmTable, props));
});

interface LiteWriter {
  appendRow(r: unknown): Promise<void>;
  close(): Promise<void>;
}
const parquetjsLiteWriter = comparisonWriter(async (rows, path, io) => {
  // parquetjs-lite has no typings and cannot write field ids, decimals or ZSTD (GZIP here).
  const parquet = createRequire(import.meta.url)('parquetjs-lite') as {
    ParquetSchema: new (s: unknown) => unknown;
    ParquetWriter: { openFile(s: unknown, path: string, o?: unknown): Promise<LiteWriter> };
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
  await io.write(path, new Uint8Array()); // creates the partition directory
  const w = await parquet.ParquetWriter.openFile(schema, path, { compression: 'GZIP' });
  for (const row of rows) {
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
});

interface AppendRun {
  files: number;
  /** wall ms and CPU ms (user + system) of the whole append, and of the commit alone */
  wall: number;
  cpu: number;
  commitWall: number;
  commitCpu: number;
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

async function appendRun(catalog: Catalog, name: string, rows: Row[], write: Writer): Promise<AppendRun> {
  const table = await catalog.createTable(
    { namespace: 'bench', name },
    { schema: ORDER_SCHEMA, partitionSpec: ORDER_SPEC },
  );
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const files = await write(table, rows);
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  const summary = { 'shoplake.offsets.orders.0': String(rows.length) };
  await new Transaction(catalog, table).fastAppend(files, { summary }).commit();
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  return {
    files: files.length,
    wall: t2 - t0,
    cpu: cpuMs(process.cpuUsage(c0)),
    commitWall: t2 - t1,
    commitCpu: cpuMs(c2) - cpuMs(c1),
  };
}

/** `runs` appends after one untimed warm-up. */
async function appendRuns(
  catalog: Catalog,
  rows: Row[],
  write: Writer,
  runs: number,
  warmup = 1,
): Promise<AppendRun[]> {
  const out: AppendRun[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const r = await appendRun(catalog, `t${tableNo++}`, rows, write);
    if (i >= warmup) out.push(r);
  }
  return out;
}
let tableNo = 0;

// ---- (b) and (c): a table with many snapshots --------------------------------------------------------------

const offsets = (i: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: 6 }, (_, p) => [`shoplake.offsets.orders.${p}`, String(i * 1000 + p)]));

/** Appends `count` one-file snapshots (10 rows each); returns each commit's latency in ms and the table. */
async function commits(catalog: Catalog, table: LoadedTable, rows: Row[], count: number, from: number) {
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < count; i++) {
    const files = await shoplakeWriter(table, rows);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    table = await new Transaction(catalog, table).fastAppend(files, { summary: offsets(from + i) }).commit();
    ms.push(performance.now() - t0);
    cpu.push(cpuMs(process.cpuUsage(c0)));
  }
  return { table, ms, cpu };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shoplake-bench-iceberg-'));
  try {
    const catalog = new LocalCatalog(dir);
    await catalog.createNamespace('bench');
    const rows = orderEvents(N);

    // (a)
    const ours = await appendRuns(catalog, rows, shoplakeWriter, RUNS);
    const wasm = await appendRuns(catalog, rows, parquetWasmWriter, RUNS);
    const lite = await appendRuns(catalog, rows, parquetjsLiteWriter, 3, 0);
    const med = (xs: AppendRun[], k: keyof AppendRun): number => median(xs.map((x) => x[k]));
    const rps = (ms: number): string => fmt((N / ms) * 1000);
    console.log(`### (a) append ${fmt(N)} order events, rows -> committed snapshot (${ours[0]!.files} data files)\n`);
    console.log(
      '| data file writer | median wall ms | rows/s (wall) | median CPU ms | rows/s per CPU-second | commit CPU ms | CPU vs shoplake |',
    );
    console.log('|---|---|---|---|---|---|---|');
    const line = (name: string, xs: AppendRun[]): void =>
      console.log(
        `| ${name} | ${fmt(med(xs, 'wall'))} | ${rps(med(xs, 'wall'))} | ${fmt(med(xs, 'cpu'))} | ${rps(med(xs, 'cpu'))} | ` +
          `${fmt(med(xs, 'commitCpu'), 1)} | ${(med(xs, 'cpu') / med(ours, 'cpu')).toFixed(2)}x |`,
      );
    line(`parquet/ PartitionedDataFileWriter (ZSTD, field ids, metrics), ${RUNS} runs`, ours);
    line(`parquet-wasm 0.8 via apache-arrow (ZSTD, no ids/metrics), ${RUNS} runs`, wasm);
    line('parquetjs-lite 0.8 (GZIP, no ids/metrics), 3 runs', lite);
    const best = Math.max((N / med(ours, 'wall')) * 1000, (N / med(ours, 'cpu')) * 1000);
    console.log(`\ntarget >= 150,000 rows/s on one core: ${best >= 150_000 ? 'met' : 'MISSED'}`);
    console.log(`commit (manifest + manifest list + metadata.json) median: ${fmt(med(ours, 'commitWall'), 1)} ms wall`);

    // (b) + (c)
    const small = rows.slice(0, 10);
    let table = await catalog.createTable(
      { namespace: 'bench', name: 'history' },
      { schema: ORDER_SCHEMA, partitionSpec: ORDER_SPEC },
    );
    const sizes: [number, number][] = [];
    const size = (t: LoadedTable): number => statSync(t.metadataLocation).size;
    let done = 0;
    for (const upTo of [10, 100, 1000]) {
      ({ table } = await commits(catalog, table, small, upTo - done, done));
      done = upTo;
      sizes.push([upTo, size(table)]);
    }
    const measured = await commits(catalog, table, small, 200, done);
    const latency = measured.ms;
    table = measured.table;
    console.log(`\n### (b) commit latency, one-file append on a table with 1,000 snapshots (200 commits)\n`);
    const p = (xs: number[], q: number): string => percentile(xs, q).toFixed(1);
    console.log(`wall: p50 ${p(latency, 50)} ms, p99 ${p(latency, 99)} ms, max ${Math.max(...latency).toFixed(1)} ms`);
    console.log(
      `CPU:  p50 ${p(measured.cpu, 50)} ms, p99 ${p(measured.cpu, 99)} ms (p99 = the commits that merge ~100 manifests)`,
    );
    console.log(`target p50 < 50 ms: ${percentile(latency, 50) < 50 ? 'met' : 'MISSED'}`);

    let expiring = await catalog.createTable(
      { namespace: 'bench', name: 'expiring' },
      { schema: ORDER_SCHEMA, partitionSpec: ORDER_SPEC },
    );
    const bounded: [number, number][] = [];
    done = 0;
    for (const upTo of [10, 100, 1000]) {
      while (done < upTo) {
        const step = Math.min(upTo, done + 100) - done;
        ({ table: expiring } = await commits(catalog, expiring, small, step, done));
        done += step;
        expiring = await new Transaction(catalog, expiring)
          .expireSnapshots({ olderThanMs: Date.now() + 1, retainLast: 100 })
          .commit();
      }
      bounded.push([upTo, size(expiring)]);
    }
    const m = table.metadata;
    console.log(`\n### (c) metadata.json size (write.metadata.previous-versions-max=100)\n`);
    console.log('| snapshots committed | no expiry | expire after every 100 commits, retain 100 |');
    console.log('|---|---|---|');
    sizes.forEach(([k, s], i) =>
      console.log(`| ${fmt(k)} | ${fmt(s / 1024, 1)} KiB | ${fmt(bounded[i]![1] / 1024, 1)} KiB |`),
    );
    console.log(
      `\nat 1,200 snapshots without expiry: ${m.snapshots?.length} snapshots, ${m['snapshot-log']?.length} snapshot-log entries, ` +
        `${m['metadata-log']?.length} metadata-log entries (capped); ~${fmt((size(table) - sizes[1]![1]) / ((m.snapshots?.length ?? 0) - 100))} bytes per snapshot`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

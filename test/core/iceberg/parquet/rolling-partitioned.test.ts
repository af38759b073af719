import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadCompression, type Compression } from '../../../../core/iceberg/parquet/compression.js';
import { PartitionedDataFileWriter } from '../../../../core/iceberg/parquet/partitioned-data-file-writer.js';
import { DataFileNamer, RollingDataFileWriter } from '../../../../core/iceberg/parquet/rolling-data-file-writer.js';
import { readDataFile } from '../../../../core/iceberg/parquet/read-data-file.js';
import type { PartitionSpec } from '../../../../core/iceberg/spec/partition-spec.js';
import { applyTransform } from '../../../../core/iceberg/spec/transform.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import { MemoryFileIO } from '../../../support/memory-file-io.js';
import { folderLocationProvider } from '../../../../core/iceberg/spec/location-provider.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'order_id', required: true, type: 'string' },
    { id: 2, name: 'shop_id', required: true, type: 'long' },
    { id: 3, name: 'event_time', required: true, type: 'timestamptz' },
    { id: 4, name: 'total', required: false, type: 'decimal(12,2)' },
  ],
};
const spec: PartitionSpec = {
  'spec-id': 0,
  fields: [
    { 'source-id': 3, 'field-id': 1000, name: 'event_time_day', transform: 'day' },
    { 'source-id': 2, 'field-id': 1001, name: 'shop_id_bucket', transform: 'bucket[4]' },
  ],
};
const DAY0 = Date.UTC(2026, 10, 22) * 1000;
const rows = Array.from({ length: 3000 }, (_, i) => ({
  order_id: `ord-${i}-${'x'.repeat(i % 50)}`,
  shop_id: (i * 7919) % 97,
  event_time: DAY0 + (i % 3) * 86_400_000_000 + i * 1000,
  total: `${i}.${i % 10}0`,
}));

let compression: Compression;
let dir: string;
let db: DuckDBConnection;
beforeAll(async () => {
  compression = await loadCompression('ZSTD');
  dir = await mkdtemp(join(tmpdir(), 'shoplake-rolling-'));
  db = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(async () => {
  db.closeSync();
  await rm(dir, { recursive: true, force: true });
});

describe('RollingDataFileWriter', () => {
  it('starts a new file at the target size; the files hold every row once, in order', async () => {
    const io = new MemoryFileIO();
    const w = new RollingDataFileWriter({
      io,
      schema,
      compression,
      directory: '/t/data',
      rowGroupBytes: 4 * 1024,
      targetFileBytes: 8 * 1024,
      namer: new DataFileNamer('op'),
    });
    for (const r of rows) w.write(r);
    const files = await w.close();
    expect(files.length).toBeGreaterThan(2);
    expect(files.map((f) => f.file_path)).toEqual(
      files.map((_, i) => `/t/data/00000-0-op-${String(i + 1).padStart(5, '0')}.parquet`),
    );
    expect(files.reduce((a, f) => a + f.record_count, 0)).toBe(rows.length);
    for (const f of files.slice(0, -1)) expect(f.file_size_in_bytes).toBeGreaterThanOrEqual(8 * 1024);
    for (const f of files) expect(f.split_offsets!.length).toBeGreaterThan(0);
    const back = (await Promise.all(files.map((f) => readDataFile(io, f.file_path, { schema })))).flat();
    expect(back.map((r) => r.order_id)).toEqual(rows.map((r) => r.order_id));
    expect(files.every((f) => f.value_counts!.get(1) === f.record_count)).toBe(true);
  });

  it('surfaces an upload failure at close', async () => {
    const io = new MemoryFileIO();
    io.write = async () => {
      throw new Error('disk full');
    };
    const w = new RollingDataFileWriter({ io, schema, compression, directory: '/t' });
    w.write(rows[0]!);
    await expect(w.close()).rejects.toThrow('disk full');
  });
});

describe('PartitionedDataFileWriter', () => {
  it('fans rows out by partition tuple into <data>/<partition path>/ with partition values on each DataFile', async () => {
    const io = new MemoryFileIO();
    const w = new PartitionedDataFileWriter({
      io,
      schema,
      spec,
      compression,
      locations: folderLocationProvider('/t/data'),
    });
    for (const r of rows) w.write(r);
    const files = await w.close();
    expect(files.length).toBe(12); // 3 days x 4 buckets
    expect(files.reduce((a, f) => a + f.record_count, 0)).toBe(rows.length);
    for (const f of files) {
      const day = f.partition.event_time_day as number;
      const bucket = f.partition.shop_id_bucket as number;
      const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
      expect(f.file_path).toMatch(
        new RegExp(`^/t/data/event_time_day=${date}/shop_id_bucket=${bucket}/[^/]+\\.parquet$`),
      );
      const back = await readDataFile(io, f.file_path, { schema });
      expect(back.length).toBe(f.record_count);
      for (const r of back) {
        expect(applyTransform('day', 'timestamptz', r.event_time)).toBe(day);
        expect(applyTransform('bucket[4]', 'long', r.shop_id)).toBe(bucket);
      }
    }
    // DuckDB reads all files together: same count and checksum
    const paths: string[] = [];
    for (const f of files) {
      const p = join(dir, f.file_path.replace(/\//g, '_'));
      await writeFile(p, io.files.get(f.file_path)!);
      paths.push(p);
    }
    const [r] = (
      await db.runAndReadAll(
        `select count(*) n, sum(shop_id) s from read_parquet([${paths.map((p) => `'${p}'`).join(',')}])`,
      )
    ).getRowObjectsJson();
    expect(r).toEqual({ n: '3000', s: String(rows.reduce((a, x) => a + x.shop_id, 0)) });
  });

  it('bounds open files by closing the largest', async () => {
    const io = new MemoryFileIO();
    const w = new PartitionedDataFileWriter({
      io,
      schema,
      spec,
      compression,
      locations: folderLocationProvider('/t/data'),
      maxOpenFiles: 6,
    });
    for (const r of rows.slice(0, 600)) {
      w.write(r);
      expect(w.openFiles).toBeLessThanOrEqual(6);
    }
    const files = await w.close();
    expect(files.length).toBeGreaterThan(12); // partitions were closed and reopened
    expect(files.reduce((a, f) => a + f.record_count, 0)).toBe(600);
    expect(new Set(files.map((f) => f.file_path)).size).toBe(files.length);
    const back = (await Promise.all(files.map((f) => readDataFile(io, f.file_path, { schema })))).flat();
    expect(back.map((r) => r.order_id).sort()).toEqual(
      rows
        .slice(0, 600)
        .map((r) => r.order_id)
        .sort(),
    );
  });

  it('bounds the bytes buffered over all partitions by encoding the largest buffer early', async () => {
    const io = new MemoryFileIO();
    const w = new PartitionedDataFileWriter({
      io,
      schema,
      spec,
      compression,
      locations: folderLocationProvider('/t/data'),
      maxBufferedBytes: 32 * 1024,
    });
    for (const r of rows) w.write(r);
    const files = await w.close();
    expect(files).toHaveLength(12);
    expect(files.every((f) => f.split_offsets!.length > 1)).toBe(true);
    expect(files.reduce((a, f) => a + f.record_count, 0)).toBe(rows.length);
  });

  it('rejects a row whose partition source has the wrong type, naming column and row', async () => {
    const w = new PartitionedDataFileWriter({
      io: new MemoryFileIO(),
      schema,
      spec,
      compression,
      locations: folderLocationProvider('/t'),
    });
    w.write(rows[0]!);
    expect(() => w.write({ ...rows[1]!, event_time: '2026-11-22' })).toThrow(
      /row 1: column "event_time": partition event_time_day: expected microseconds/,
    );
    expect(() => w.write({ ...rows[1]!, total: 'abc' })).toThrow(/row 2: column "total": invalid decimal/);
    const files = await w.close();
    expect(files.reduce((a, f) => a + f.record_count, 0)).toBe(1);
  });

  it('writes unpartitioned tables straight into the data directory', async () => {
    const io = new MemoryFileIO();
    const w = new PartitionedDataFileWriter({
      io,
      schema,
      spec: { 'spec-id': 0, fields: [] },
      compression,
      locations: folderLocationProvider('/t/data'),
    });
    for (const r of rows.slice(0, 10)) w.write(r);
    const files = await w.close();
    expect(files).toHaveLength(1);
    expect(files[0]!.partition).toEqual({});
    expect(files[0]!.file_path).toMatch(/^\/t\/data\/[^/]+\.parquet$/);
  });
});

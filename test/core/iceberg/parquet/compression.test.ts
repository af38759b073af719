import zlib from 'node:zlib';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressors } from 'hyparquet-compressors';
import {
  codecFromProperty,
  loadCompression,
  nativeZstdAvailable,
} from '../../../../core/iceberg/parquet/compression.js';
import { DataFileWriter } from '../../../../core/iceberg/parquet/data-file-writer.js';
import { readDataFile } from '../../../../core/iceberg/parquet/read-data-file.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import { MemoryFileIO } from '../../../support/memory-file-io.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 's', required: false, type: 'string' },
  ],
};
const rows = Array.from({ length: 2000 }, (_, i) => ({
  id: i,
  s: i % 3 ? `value ${i % 17} ${'z'.repeat(i % 40)}` : null,
}));
const sample = new TextEncoder().encode('shoplake '.repeat(500));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoplake-zstd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ZSTD compression', () => {
  it('uses the wasm build by default, node:zlib only when asked and the runtime has zstd', async () => {
    expect((await loadCompression('ZSTD')).implementation).toBe('@hpcc-js/wasm-zstd');
    const native = await loadCompression('ZSTD', { native: true });
    expect(native.implementation).toBe(nativeZstdAvailable() ? 'node:zlib' : '@hpcc-js/wasm-zstd');
    expect((await loadCompression('ZSTD', { native: true, forceFallback: true })).implementation).toBe(
      '@hpcc-js/wasm-zstd',
    );
    expect(nativeZstdAvailable()).toBe(
      typeof (zlib as unknown as Record<string, unknown>).zstdCompressSync === 'function',
    );
  });

  for (const forceFallback of [false, true]) {
    it(`writes standard zstd frames that DuckDB and hyparquet read (forceFallback: ${forceFallback})`, async () => {
      const c = await loadCompression('ZSTD', { native: true, forceFallback });
      if (forceFallback) expect(c.implementation).toBe('@hpcc-js/wasm-zstd');
      const frame = c.compress!(sample);
      expect(Array.from(frame.subarray(0, 4))).toEqual([0x28, 0xb5, 0x2f, 0xfd]); // zstd magic
      expect(frame.length).toBeLessThan(sample.length / 10);
      expect(compressors.ZSTD!(frame, sample.length)).toEqual(sample);
      const again = c.compress!(new Uint8Array(10));
      expect(compressors.ZSTD!(frame, sample.length)).toEqual(sample); // output is not a reused view
      expect(again.length).toBeGreaterThan(0);

      const io = new MemoryFileIO();
      const location = join(dir, `z-${forceFallback}.parquet`);
      const w = new DataFileWriter({ io, schema, location, compression: c });
      for (const r of rows) w.write(r);
      await w.close();
      expect(await readDataFile(io, location, { schema })).toEqual(rows);
      await writeFile(location, io.files.get(location)!);
      const db = await (await DuckDBInstance.create(':memory:')).connect();
      const meta = (
        await db.runAndReadAll(`select distinct compression from parquet_metadata('${location}')`)
      ).getRowObjectsJson();
      expect(meta).toEqual([{ compression: 'ZSTD' }]);
      const [r] = (
        await db.runAndReadAll(`select count(*) n, sum(id) s, count(s) c from read_parquet('${location}')`)
      ).getRowObjectsJson();
      expect(r).toEqual({
        n: '2000',
        s: String((1999 * 2000) / 2),
        c: String(rows.filter((x) => x.s !== null).length),
      });
      db.closeSync();
    });
  }

  it('also writes SNAPPY, GZIP and UNCOMPRESSED, and maps the table property', async () => {
    for (const codec of ['SNAPPY', 'GZIP', 'UNCOMPRESSED'] as const) {
      const io = new MemoryFileIO();
      const w = await DataFileWriter.open({ io, schema, location: '/f.parquet', codec });
      for (const r of rows.slice(0, 50)) w.write(r);
      await w.close();
      expect(await readDataFile(io, '/f.parquet', { schema })).toEqual(rows.slice(0, 50));
    }
    expect(codecFromProperty(undefined)).toBe('ZSTD');
    expect(codecFromProperty('snappy')).toBe('SNAPPY');
    expect(() => codecFromProperty('lz4')).toThrow(/not supported/);
  });
});

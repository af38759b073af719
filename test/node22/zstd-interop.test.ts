// Parquet zstd across runtimes: this process (Node 20 here and in CI) writes a file with the WebAssembly zstd
// (the fallback Node 20 uses), a Node 22 child writes the same rows with node:zlib's native zstd (what Lambda and
// ECS use), and each side reads the other's file with hyparquet (readDataFile) and DuckDB. The two files must mean
// the same bytes: identical pages once decompressed and the same footer apart from compressed sizes and offsets.
// Both sides are zstd 1.5.7 at level 3 today and these files come out byte-identical, but the two compress through
// different zstd entry points (one-shot vs streaming) and may legitimately differ: the test asks for the meaning.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import type { FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompression } from '../../core/iceberg/parquet/compression.js';
import { runNode22 } from './node22.js';
import {
  digest,
  duckDigest,
  fileName,
  LAYOUTS,
  readDigest,
  REPORT_FILE,
  rows,
  writeFile,
} from './zstd-interop-data.js';
import type { Layout } from './zstd-interop-data.js';

interface Report {
  node: string;
  zlibZstd: boolean;
  nativeZstdAvailable: boolean;
  implementation: string;
  read: Record<string, { hyparquet: string; duckdb: { rows: number; md5: string } }>;
}

let dir: string;
let db: DuckDBConnection;
let report: Report;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shoplake-node22-zstd-'));
  db = await (await DuckDBInstance.create(':memory:')).connect();
  const wasm = await loadCompression('ZSTD', { forceFallback: true });
  expect(wasm.implementation).toBe('@hpcc-js/wasm-zstd');
  for (const layout of Object.keys(LAYOUTS) as Layout[])
    await writeFile(join(dir, fileName('wasm', layout)), wasm, layout);
  await runNode22(['--import', 'tsx', 'test/node22/zstd-interop-child.ts', dir]);
  report = JSON.parse(await readFile(join(dir, REPORT_FILE), 'utf8')) as Report;
});
afterAll(async () => {
  db?.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function bytes(name: string): Promise<ArrayBuffer> {
  const b = await readFile(join(dir, name));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** sha256 of every page as the reader sees it after decompression (dictionary and data pages), sorted. */
async function decompressedPages(name: string): Promise<string[]> {
  const pages: string[] = [];
  const zstd = compressors.ZSTD!;
  await parquetReadObjects({
    file: await bytes(name),
    compressors: {
      ZSTD: (input: Uint8Array, outputLength: number) => {
        const out = zstd(input, outputLength);
        pages.push(createHash('sha256').update(out).digest('hex'));
        return out;
      },
    },
  });
  return pages.sort();
}

const PLACEMENT = new Set([
  'total_compressed_size',
  'file_offset',
  'data_page_offset',
  'dictionary_page_offset',
  'index_page_offset',
  'offset_index_offset',
  'offset_index_length',
  'column_index_offset',
  'column_index_length',
  'bloom_filter_offset',
  'bloom_filter_length',
  'metadata_length',
]);

/** The footer without what depends on compressed sizes (sizes, offsets, the footer's own length). */
function meaning(md: FileMetaData): unknown {
  return JSON.parse(
    JSON.stringify(md, (k, v: unknown) => (PLACEMENT.has(k) ? undefined : typeof v === 'bigint' ? `${v}n` : v)),
  );
}

describe('zstd Parquet between Node 20 (wasm zstd) and Node 22 (node:zlib zstd)', () => {
  it('the child really is Node 22 and writes with node:zlib', () => {
    expect(report.node).toMatch(/^v22\./);
    expect(report.zlibZstd).toBe(true);
    expect(report.nativeZstdAvailable).toBe(true);
    expect(report.implementation).toBe('node:zlib');
  });

  describe.each(Object.keys(LAYOUTS) as Layout[])('%s pages', (layout) => {
    const wasmFile = fileName('wasm', layout);
    const nativeFile = fileName('native', layout);

    it('Node 22 reads the wasm-zstd file written here, with hyparquet and DuckDB', async () => {
      expect(report.read[wasmFile]!.hyparquet).toBe(digest(rows));
      expect(report.read[wasmFile]!.duckdb).toEqual(await duckDigest(db, join(dir, wasmFile)));
      expect(report.read[wasmFile]!.duckdb.rows).toBe(rows.length);
    });

    it('this runtime reads the native-zstd file written on Node 22, with hyparquet and DuckDB', async () => {
      const native = join(dir, nativeFile);
      expect(await readDigest(native)).toBe(digest(rows));
      expect(report.read[nativeFile]!.hyparquet).toBe(digest(rows));
      const duck = await duckDigest(db, native);
      expect(duck).toEqual(await duckDigest(db, join(dir, wasmFile)));
      expect(report.read[nativeFile]!.duckdb).toEqual(duck);
      const codecs = (
        await db.runAndReadAll(`select distinct compression from parquet_metadata('${native}')`)
      ).getRowObjectsJson();
      expect(codecs).toEqual([{ compression: 'ZSTD' }]);
    });

    it('both files hold the same pages once decompressed, and the same footer apart from sizes and offsets', async () => {
      const [wasm, native] = await Promise.all([bytes(wasmFile), bytes(nativeFile)]);
      const mdWasm = parquetMetadata(wasm);
      const mdNative = parquetMetadata(native);
      const chunks = mdNative.row_groups.flatMap((rg) => rg.columns.map((c) => c.meta_data!));
      expect(chunks.every((c) => c.codec === 'ZSTD')).toBe(true);
      // compressed for real: every chunk smaller than its pages uncompressed
      expect(chunks.every((c) => c.total_compressed_size < c.total_uncompressed_size)).toBe(true);
      expect(meaning(mdNative)).toEqual(meaning(mdWasm));

      const pages = await decompressedPages(wasmFile);
      const columns = mdWasm.row_groups.length * mdWasm.row_groups[0]!.columns.length;
      if (layout === 'small') expect(mdWasm.row_groups.length).toBeGreaterThan(1);
      if (layout === 'small') expect(pages.length).toBeGreaterThan(2 * columns);
      if (layout === 'large')
        expect(Math.max(...chunks.map((c) => Number(c.total_uncompressed_size)))).toBeGreaterThan(4e6);
      expect(await decompressedPages(nativeFile)).toEqual(pages);
    });
  });
});

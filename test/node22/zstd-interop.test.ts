// Parquet zstd across runtimes: this process (Node 20 here and in CI) writes files with the WebAssembly zstd
// (the fallback Node 20 uses), a Node 22 child writes the same rows with node:zlib's native zstd (what Lambda and
// ECS use), and each side reads the other's files with hyparquet (readDataFile) and DuckDB. Each pair must mean
// the same bytes: identical pages once decompressed and the same footer apart from compressed sizes and offsets.
// Both sides are zstd 1.5.7 at level 3, through different entry points (one-shot vs streaming): the small-page files
// come out byte-identical today, the order rows with 1 MiB pages do not. The test asks for the meaning only.
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
import { CASES, digest, duckDigest, fileName, readDigest, REPORT_FILE, writeFile } from './zstd-interop-data.js';
import type { Case, CaseName } from './zstd-interop-data.js';

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
  for (const name of Object.keys(CASES) as CaseName[]) {
    await writeFile(join(dir, fileName('wasm', name)), wasm, CASES[name]());
  }
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

  describe.each(Object.keys(CASES) as CaseName[])('%s', (name) => {
    const wasmFile = fileName('wasm', name);
    const nativeFile = fileName('native', name);
    let c: Case;
    let expected: string; // digest of the rows as readDataFile returns them from the wasm-zstd file, here
    beforeAll(async () => {
      c = CASES[name]();
      expected = await readDigest(join(dir, wasmFile), c);
    });

    it('Node 22 reads the wasm-zstd file written here, with hyparquet and DuckDB', async () => {
      if (name === 'small') expect(expected).toBe(digest(c.rows)); // these rows read back exactly as written
      expect(report.read[wasmFile]!.hyparquet).toBe(expected);
      expect(report.read[wasmFile]!.duckdb).toEqual(await duckDigest(db, join(dir, wasmFile)));
      expect(report.read[wasmFile]!.duckdb.rows).toBe(c.rows.length);
    });

    it('this runtime reads the native-zstd file written on Node 22, with hyparquet and DuckDB', async () => {
      const native = join(dir, nativeFile);
      expect(await readDigest(native, c)).toBe(expected);
      expect(report.read[nativeFile]!.hyparquet).toBe(expected);
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
      const chunks = mdNative.row_groups.flatMap((rg) => rg.columns.map((col) => col.meta_data!));
      expect(chunks.every((col) => col.codec === 'ZSTD')).toBe(true);
      expect(native.byteLength).toBeLessThan(chunks.reduce((n, col) => n + Number(col.total_uncompressed_size), 0));
      expect(meaning(mdNative)).toEqual(meaning(mdWasm));

      const pages = await decompressedPages(wasmFile);
      if (name === 'small') expect(mdWasm.row_groups.length).toBeGreaterThan(1);
      expect(pages.length).toBeGreaterThan(mdWasm.row_groups.length * mdWasm.row_groups[0]!.columns.length);
      expect(await decompressedPages(nativeFile)).toEqual(pages);
    });
  });
});

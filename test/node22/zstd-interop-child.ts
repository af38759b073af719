// Run by zstd-interop.test.ts on Node 22 (`node --import tsx zstd-interop-child.ts <dir>`): writes the native-zstd
// file next to the wasm-zstd one its parent wrote, reads both with hyparquet (readDataFile) and DuckDB, and leaves
// what it saw in <dir>/node22-report.json for the parent to compare.
import { writeFile as writeText } from 'node:fs/promises';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadCompression, nativeZstdAvailable } from '../../core/iceberg/parquet/compression.js';
import { duckDigest, NATIVE_FILE, readDigest, REPORT_FILE, WASM_FILE, writeFile } from './zstd-interop-data.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: zstd-interop-child.ts <dir holding wasm-zstd.parquet>');
const wasm = join(dir, WASM_FILE);
const native = join(dir, NATIVE_FILE);

const compression = await loadCompression('ZSTD');
await writeFile(native, compression);
const db = await (await DuckDBInstance.create(':memory:')).connect();
const report = {
  node: process.version,
  zlibZstd: typeof (zlib as unknown as Record<string, unknown>).zstdCompressSync === 'function',
  nativeZstdAvailable: nativeZstdAvailable(),
  implementation: compression.implementation,
  read: {
    wasm: { hyparquet: await readDigest(wasm), duckdb: await duckDigest(db, wasm) },
    native: { hyparquet: await readDigest(native), duckdb: await duckDigest(db, native) },
  },
};
db.closeSync();
await writeText(join(dir, REPORT_FILE), JSON.stringify(report, null, 2));

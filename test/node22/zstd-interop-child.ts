// Run by zstd-interop.test.ts on Node 22 (`node --import tsx zstd-interop-child.ts <dir>`): writes the native-zstd
// files next to the wasm-zstd ones its parent wrote, reads all of them with hyparquet (readDataFile) and DuckDB,
// and leaves what it saw in <dir>/node22-report.json for the parent to compare.
import { writeFile as writeText } from 'node:fs/promises';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadCompression, nativeZstdAvailable } from '../../core/iceberg/parquet/compression.js';
import { CASES, duckDigest, fileName, readDigest, REPORT_FILE, writeFile } from './zstd-interop-data.js';
import type { CaseName } from './zstd-interop-data.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: zstd-interop-child.ts <dir holding the wasm-zstd files>');

const compression = await loadCompression('ZSTD', { native: true });
const db = await (await DuckDBInstance.create(':memory:')).connect();
const read: Record<string, { hyparquet: string; duckdb: { rows: number; md5: string } }> = {};
for (const name of Object.keys(CASES) as CaseName[]) {
  const c = CASES[name]();
  await writeFile(join(dir, fileName('native', name)), compression, c);
  for (const zstd of ['wasm', 'native'] as const) {
    const file = join(dir, fileName(zstd, name));
    read[fileName(zstd, name)] = { hyparquet: await readDigest(file, c), duckdb: await duckDigest(db, file) };
  }
}
db.closeSync();
const report = {
  node: process.version,
  zlibZstd: typeof (zlib as unknown as Record<string, unknown>).zstdCompressSync === 'function',
  nativeZstdAvailable: nativeZstdAvailable(),
  implementation: compression.implementation,
  read,
};
await writeText(join(dir, REPORT_FILE), JSON.stringify(report, null, 2));

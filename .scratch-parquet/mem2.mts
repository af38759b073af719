import { RollingDataFileWriter } from '../core/iceberg/parquet/rolling-data-file-writer.js';
import { loadCompression } from '../core/iceberg/parquet/compression.js';
import { MemoryFileIO } from '../test/support/memory-file-io.js';
import { ORDER_SCHEMA as FULL, orders } from '../bench/parquet.bench.js';
const ORDER_SCHEMA = process.env.NOLIST ? { ...FULL, fields: FULL.fields.filter(f => f.id !== 15) } : FULL;
const codec = process.argv[2] as 'ZSTD' | 'SNAPPY';
const n = Number(process.argv[3]);
const compression = await loadCompression(codec);
const io = new MemoryFileIO();
const t0 = performance.now(); const c0 = process.cpuUsage();
let peak = 0;
const w = new RollingDataFileWriter({ io, schema: ORDER_SCHEMA, directory: '/x', compression, rowGroupBytes: Number(process.env.RG ?? 128) * 1024 * 1024 });
let i = 0;
for (const row of orders(n)) { w.write(row); if ((++i % 10000) === 0) { const m = process.memoryUsage(); peak = Math.max(peak, m.rss); if (i % 100000 === 0) console.log(i, (m.rss/1e6).toFixed(0), (m.heapUsed/1e6).toFixed(0), (m.external/1e6).toFixed(0), (m.arrayBuffers/1e6).toFixed(0)); } }
const files = await w.close();
const m = process.memoryUsage();
console.log('done', performance.now() - t0, 'cpu', (process.cpuUsage(c0).user/1000).toFixed(0), 'rss', (m.rss/1e6).toFixed(0), 'heap', (m.heapUsed/1e6).toFixed(0), 'ext', (m.external/1e6).toFixed(0), 'peak', (peak/1e6).toFixed(0), files.length, files[0]?.file_size_in_bytes);

import { DataFileWriter } from '../core/iceberg/parquet/data-file-writer.js';
import { loadCompression } from '../core/iceberg/parquet/compression.js';
import { MemoryFileIO } from '../test/support/memory-file-io.js';
import { ORDER_SCHEMA, orders } from '../bench/parquet.bench.js';
const compression = await loadCompression('SNAPPY');
const w = new DataFileWriter({ io: new MemoryFileIO(), schema: ORDER_SCHEMA, location: '/x', compression, rowGroupBytes: Number(process.env.RG ?? 32) * 1024 * 1024 });
const orig = w.flushRowGroup.bind(w);
let n = 0;
(w as any).flushRowGroup = () => { global.gc?.(); const m0 = process.memoryUsage(); const t0 = performance.now(); const rows = (w as any).buffers.rows; const est = (w as any).buffers.bytes; orig(); const m1 = process.memoryUsage(); console.log('rg rows', rows, 'est MB', (est/1e6).toFixed(1), 'heap before', (m0.heapUsed/1e6).toFixed(0), 'rss', (m0.rss/1e6).toFixed(0), 'after rss', (m1.rss/1e6).toFixed(0), 'ms', (performance.now()-t0).toFixed(0), 'encoded', (w.encodedBytes/1e6).toFixed(1)); };
for (const row of orders(Number(process.argv[2]))) { w.write(row); }
await w.close();

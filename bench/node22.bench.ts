// `npm run bench -- node22`: the Parquet write on Node 20 (wasm zstd) against Node 22 with node:zlib zstd (the
// opt-in SHOPLAKE_PARQUET_ZSTD=native) and Node 22 on the wasm zstd (the default everywhere), in one run. The Node 22
// binary comes from scripts/node22.sh. Each case runs in child processes of its own, and the rounds interleave the
// cases so that the load of the shared machine falls on all of them alike.
// (a) bench/parquet.bench.ts's 100k order rows: RollingDataFileWriter (one file), PartitionedDataFileWriter day x
//     bucket[16] (480 small files), and zstd alone over the rolling file's pages, whole and cut into 8 KiB pieces
//     (the page sizes of small Lambda batches). Medians of CPU time, same-run ratios.
// (b) peak RSS of 1M rows through each writer, and of core/pipeline on 20k generated events in MSK batches of
//     2,000 (lib/config/dev.ts's Lambda batch size), one process each.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalFileIO } from '../core/iceberg/io/local-file-io.js';
import { loadCompression, type Compression } from '../core/iceberg/parquet/compression.js';
import { PartitionedDataFileWriter } from '../core/iceberg/parquet/partitioned-data-file-writer.js';
import { RollingDataFileWriter } from '../core/iceberg/parquet/rolling-data-file-writer.js';
import zlib from 'node:zlib';
import { fmt, mb, median, rssSampler } from './lib.js';
import { ORDER_SCHEMA, ORDER_SPEC, orders } from './parquet.bench.js';
import { folderLocationProvider } from '../core/iceberg/spec/location-provider.js';

const N = 100_000;
const ROUNDS = 3; // children per case
const RUNS = 3; // measured runs per child (after one warm-up)
const io = new LocalFileIO();

interface Sample {
  wall: number;
  cpu: number;
}
interface ChildResult {
  node: string;
  implementation: string;
  rolling: Sample[];
  partitioned: Sample[];
  zstd: Sample[];
  zstdSmall: Sample[];
  smallPieces: number;
  pages: number;
  pageBytes: number;
  fileBytes: number;
  files: number;
  maxRss: number;
}

async function timed(fn: () => Promise<unknown> | unknown): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

async function writeRolling(dir: string, compression: Compression, n = N): Promise<{ bytes: number; files: number }> {
  const w = new RollingDataFileWriter({ io, schema: ORDER_SCHEMA, directory: dir, compression });
  for (const row of orders(n)) {
    w.write(row);
    if (w.needsDrain) await w.drain();
  }
  const files = await w.close();
  return { bytes: files.reduce((a, f) => a + f.file_size_in_bytes, 0), files: files.length };
}

async function writePartitioned(dir: string, compression: Compression, n = N): Promise<number> {
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
  return (await w.close()).length;
}

/** The zstd of a case; for `wasm`, node:zlib's compressor is hidden from the whole process (core/pipeline too). */
async function caseCompression(impl: string): Promise<Compression> {
  if (impl === 'wasm') delete (zlib as { zstdCompressSync?: unknown }).zstdCompressSync;
  // the native case turns node:zlib's zstd on process-wide (core/pipeline too), as SHOPLAKE_PARQUET_ZSTD=native does
  if (impl !== 'wasm') process.env.SHOPLAKE_PARQUET_ZSTD = 'native';
  const compression = await loadCompression('ZSTD');
  const expected = impl === 'wasm' ? '@hpcc-js/wasm-zstd' : 'node:zlib';
  if (compression.implementation !== expected) {
    throw new Error(`${process.version}: zstd is ${compression.implementation}, this case needs ${expected}`);
  }
  return compression;
}

async function child(impl: string): Promise<void> {
  const compression = await caseCompression(impl);
  const dir = mkdtempSync(join(tmpdir(), 'shoplake-node22-bench-'));
  let k = 0;
  const next = (): string => join(dir, `run-${k++}`);
  try {
    // warm-up, and the uncompressed pages of one rolling file for the zstd-only measurement
    const pages: Uint8Array[] = [];
    const recording: Compression = {
      ...compression,
      compress: (b) => {
        pages.push(b.slice());
        return compression.compress!(b);
      },
    };
    const { bytes, files } = await writeRolling(next(), recording);
    const partitionedFiles = await writePartitioned(next(), compression);
    const result: ChildResult = {
      node: process.version,
      implementation: compression.implementation,
      rolling: [],
      partitioned: [],
      zstd: [],
      zstdSmall: [],
      smallPieces: 0,
      pages: pages.length,
      pageBytes: pages.reduce((n, p) => n + p.length, 0),
      fileBytes: bytes,
      files: files + partitionedFiles,
      maxRss: process.resourceUsage().maxRSS * 1024,
    };
    for (let i = 0; i < RUNS; i++) {
      result.rolling.push(await timed(() => writeRolling(next(), compression)));
      result.partitioned.push(await timed(() => writePartitioned(next(), compression)));
      result.zstd.push(await timed(() => pages.forEach((p) => compression.compress!(p))));
      result.zstdSmall.push(await timed(() => (result.smallPieces = compressPieces(pages, compression))));
    }
    result.maxRss = process.resourceUsage().maxRSS * 1024;
    console.log(JSON.stringify(result));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compresses the pages cut into 8 KiB pieces; returns the number of pieces. */
function compressPieces(pages: Uint8Array[], compression: Compression): number {
  let n = 0;
  for (const p of pages) {
    for (let at = 0; at < p.length; at += 8192, n++) compression.compress!(p.subarray(at, at + 8192));
  }
  return n;
}

interface Peak {
  cpu: number;
  wall: number;
  peak: number;
}

/** (b): one workload, once, in this process; prints its CPU, wall time and peak RSS. */
async function peakChild(impl: string, workload: string): Promise<void> {
  const compression = await caseCompression(impl);
  const dir = mkdtempSync(join(tmpdir(), 'shoplake-node22-peak-'));
  try {
    let run: () => Promise<unknown>;
    if (workload === 'rolling') run = () => writeRolling(dir, compression, 1_000_000);
    else if (workload === 'partitioned') run = () => writePartitioned(dir, compression, 1_000_000);
    else {
      const { generateEvents } = await import('../core/generator/generate-events.js');
      const { toMskBatches } = await import('../core/generator/to-msk-batches.js');
      const { LocalCatalog } = await import('../core/iceberg/catalog/local-catalog.js');
      const { createPipeline, fromMskEvent } = await import('../core/pipeline/index.js');
      const generated = [...generateEvents({ events: 20_000, seed: 7, badShare: 0.02, duplicateShare: 0.02 })];
      const batches = [...toMskBatches(generated, { batchSize: 2000 })];
      const pipeline = createPipeline({ catalog: new LocalCatalog(dir), piiSalt: 'bench-salt-0123456789abcdef' });
      run = async () => {
        for (const b of batches) await pipeline.process(fromMskEvent(b));
      };
    }
    global.gc?.();
    const sampler = rssSampler(5);
    const s = await timed(run);
    console.log(JSON.stringify({ ...s, peak: sampler.stop() } satisfies Peak));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Case {
  name: string;
  node: string;
  impl: 'default' | 'wasm';
  results: ChildResult[];
  peaks: Record<string, Peak>;
}

const PEAK_WORKLOADS = ['rolling', 'partitioned', 'pipeline'] as const;

async function main(): Promise<void> {
  const repo = fileURLToPath(new URL('../', import.meta.url));
  const node22 = execFileSync('bash', [join(repo, 'scripts/node22.sh')], { encoding: 'utf8' }).trim();
  const self = fileURLToPath(import.meta.url);
  const cases: Case[] = [
    { name: `Node ${process.version}, wasm zstd`, node: process.execPath, impl: 'wasm', results: [], peaks: {} },
    { name: 'Node 22, node:zlib zstd', node: node22, impl: 'default', results: [], peaks: {} },
    { name: 'Node 22, wasm zstd (forced)', node: node22, impl: 'wasm', results: [], peaks: {} },
  ];
  const run = (c: Case, args: string[]): string => {
    const r = spawnSync(c.node, ['--import', 'tsx', '--expose-gc', self, ...args], { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${c.name} ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim().split('\n').pop()!;
  };
  const load0 = loadavg();
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) c.results.push(JSON.parse(run(c, ['--child', c.impl])) as ChildResult);
  }
  for (const w of PEAK_WORKLOADS) {
    for (const c of cases) c.peaks[w] = JSON.parse(run(c, ['--peak', c.impl, w])) as Peak;
  }
  const load1 = loadavg();
  const la = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`load average (1/5/15 min): ${la(load0)} before, ${la(load1)} after; machine: 2 shared cores`);
  console.log(`node: ${cases.map((c) => `${c.name} = ${c.results[0]!.node}`).join('; ')}`);
  const all = (c: Case, k: 'rolling' | 'partitioned' | 'zstd' | 'zstdSmall', f: 'wall' | 'cpu'): number =>
    median(c.results.flatMap((r) => r[k].map((s) => s[f])));
  const [base] = cases;
  const first = base!.results[0]!;
  console.log(
    `\n### ${fmt(N)} order rows, median of ${ROUNDS} processes x ${RUNS} runs per case (rounds interleaved)\n`,
  );
  console.log(
    '| case | rolling CPU ms | rows/CPU-s | vs Node 20 | partitioned CPU ms | vs Node 20 | zstd pages CPU ms | ' +
      'vs Node 20 | zstd 8 KiB pieces CPU ms | vs Node 20 | max RSS |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const ratio = (c: Case, k: 'rolling' | 'partitioned' | 'zstd' | 'zstdSmall'): string =>
    `${(all(c, k, 'cpu') / all(base!, k, 'cpu')).toFixed(2)}x`;
  for (const c of cases) {
    const rolling = all(c, 'rolling', 'cpu');
    console.log(
      `| ${c.name} | ${fmt(rolling)} | ${fmt((N / rolling) * 1000)} | ${ratio(c, 'rolling')} | ` +
        `${fmt(all(c, 'partitioned', 'cpu'))} | ${ratio(c, 'partitioned')} | ${fmt(all(c, 'zstd', 'cpu'), 1)} | ` +
        `${ratio(c, 'zstd')} | ${fmt(all(c, 'zstdSmall', 'cpu'), 1)} | ${ratio(c, 'zstdSmall')} | ` +
        `${mb(Math.max(...c.results.map((r) => r.maxRss)))} |`,
    );
  }
  console.log('\n### peak RSS (sampled every 5 ms) and CPU, one process each\n');
  console.log('| case | 1M rows rolling | 1M rows partitioned | pipeline, 20k events in batches of 2,000 |');
  console.log('|---|---|---|---|');
  for (const c of cases) {
    const cell = (w: string): string => `${mb(c.peaks[w]!.peak)}, ${fmt(c.peaks[w]!.cpu)} CPU ms`;
    console.log(`| ${c.name} | ${PEAK_WORKLOADS.map(cell).join(' | ')} |`);
  }
  console.log(
    '\nwall ms (median): ' + cases.map((c) => `${c.name}: rolling ${fmt(all(c, 'rolling', 'wall'))}`).join('; '),
  );
  console.log(
    `rolling file: ${mb(first.fileBytes)}, ${first.pages} zstd pages holding ${mb(first.pageBytes)} uncompressed; ` +
      `sizes per case: ${cases.map((c) => fmt(c.results[0]!.fileBytes)).join(' / ')} bytes; ` +
      `${first.smallPieces} pieces of 8 KiB; partitioned: ${first.files - 1} files`,
  );
}

if (process.argv[1]?.endsWith('node22.bench.ts') && process.argv[2] === '--child') {
  await child(process.argv[3] ?? 'default');
} else if (process.argv[1]?.endsWith('node22.bench.ts') && process.argv[2] === '--peak') {
  await peakChild(process.argv[3] ?? 'default', process.argv[4] ?? 'rolling');
} else if (process.argv[1]?.endsWith('node22.bench.ts')) {
  await main();
}

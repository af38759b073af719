// `npm run bench -- node22`: the Parquet write on Node 20 (wasm zstd, what runs locally and in CI) against Node 22
// (node:zlib zstd, what Lambda and ECS run) and Node 22 forced onto the wasm zstd, in one run. The Node 22 binary
// comes from scripts/node22.sh. Each case runs in a child process of its own, and the rounds interleave the cases
// so that the load of the shared machine falls on all of them alike. Workloads (bench/parquet.bench.ts's 100k
// order rows): RollingDataFileWriter (one file), PartitionedDataFileWriter day x bucket[16] (many small files),
// and zstd alone over the pages of the rolling file. Prints medians of CPU time and same-run ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalFileIO } from '../core/iceberg/io/local-file-io.js';
import { loadCompression, type Compression } from '../core/iceberg/parquet/compression.js';
import { PartitionedDataFileWriter } from '../core/iceberg/parquet/partitioned-data-file-writer.js';
import { RollingDataFileWriter } from '../core/iceberg/parquet/rolling-data-file-writer.js';
import { fmt, mb, median } from './lib.js';
import { ORDER_SCHEMA, ORDER_SPEC, orders } from './parquet.bench.js';

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

async function writeRolling(dir: string, compression: Compression): Promise<{ bytes: number; files: number }> {
  const w = new RollingDataFileWriter({ io, schema: ORDER_SCHEMA, directory: dir, compression });
  for (const row of orders(N)) {
    w.write(row);
    if (w.needsDrain) await w.drain();
  }
  const files = await w.close();
  return { bytes: files.reduce((a, f) => a + f.file_size_in_bytes, 0), files: files.length };
}

async function writePartitioned(dir: string, compression: Compression): Promise<number> {
  const w = new PartitionedDataFileWriter({
    io,
    schema: ORDER_SCHEMA,
    spec: ORDER_SPEC,
    dataLocation: dir,
    compression,
  });
  for (const row of orders(N)) {
    w.write(row);
    if (w.needsDrain) await w.drain();
  }
  return (await w.close()).length;
}

async function child(impl: string): Promise<void> {
  const compression = await loadCompression('ZSTD', { forceFallback: impl === 'wasm' });
  const expected = impl === 'wasm' ? '@hpcc-js/wasm-zstd' : 'node:zlib';
  if (compression.implementation !== expected) {
    throw new Error(`${process.version}: zstd is ${compression.implementation}, this case needs ${expected}`);
  }
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
    }
    result.maxRss = process.resourceUsage().maxRSS * 1024;
    console.log(JSON.stringify(result));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Case {
  name: string;
  node: string;
  impl: 'default' | 'wasm';
  results: ChildResult[];
}

async function main(): Promise<void> {
  const repo = fileURLToPath(new URL('../', import.meta.url));
  const node22 = execFileSync('bash', [join(repo, 'scripts/node22.sh')], { encoding: 'utf8' }).trim();
  const self = fileURLToPath(import.meta.url);
  const cases: Case[] = [
    { name: `Node ${process.version}, wasm zstd`, node: process.execPath, impl: 'wasm', results: [] },
    { name: 'Node 22, node:zlib zstd', node: node22, impl: 'default', results: [] },
    { name: 'Node 22, wasm zstd (forced)', node: node22, impl: 'wasm', results: [] },
  ];
  const load0 = loadavg();
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      const r = spawnSync(c.node, ['--import', 'tsx', self, '--child', c.impl], { cwd: repo, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${c.name} failed: ${r.stderr}`);
      c.results.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult);
    }
  }
  const load1 = loadavg();
  const la = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`load average (1/5/15 min): ${la(load0)} before, ${la(load1)} after; machine: 2 shared cores`);
  console.log(`node: ${cases.map((c) => `${c.name} = ${c.results[0]!.node}`).join('; ')}`);
  const all = (c: Case, k: 'rolling' | 'partitioned' | 'zstd', f: 'wall' | 'cpu'): number =>
    median(c.results.flatMap((r) => r[k].map((s) => s[f])));
  const [base] = cases;
  const first = base!.results[0]!;
  console.log(
    `\n### ${fmt(N)} order rows, median of ${ROUNDS} processes x ${RUNS} runs per case (rounds interleaved)\n`,
  );
  console.log(
    '| case | rolling CPU ms | rows/CPU-s | partitioned CPU ms | zstd only CPU ms | rolling vs Node 20 | zstd vs Node 20 | peak RSS |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const c of cases) {
    const rolling = all(c, 'rolling', 'cpu');
    const zstd = all(c, 'zstd', 'cpu');
    console.log(
      `| ${c.name} | ${fmt(rolling)} | ${fmt((N / rolling) * 1000)} | ${fmt(all(c, 'partitioned', 'cpu'))} | ${fmt(zstd, 1)} | ` +
        `${(rolling / all(base!, 'rolling', 'cpu')).toFixed(2)}x | ${(zstd / all(base!, 'zstd', 'cpu')).toFixed(2)}x | ` +
        `${mb(Math.max(...c.results.map((r) => r.maxRss)))} |`,
    );
  }
  console.log(
    '\nwall ms (median): ' + cases.map((c) => `${c.name}: rolling ${fmt(all(c, 'rolling', 'wall'))}`).join('; '),
  );
  console.log(
    `rolling file: ${mb(first.fileBytes)}, ${first.pages} zstd pages holding ${mb(first.pageBytes)} uncompressed; ` +
      `sizes per case: ${cases.map((c) => mb(c.results[0]!.fileBytes)).join(' / ')}; partitioned: ${first.files - 1} files`,
  );
}

if (process.argv[1]?.endsWith('node22.bench.ts') && process.argv[2] === '--child') {
  await child(process.argv[3] ?? 'default');
} else if (process.argv[1]?.endsWith('node22.bench.ts')) {
  await main();
}

// The default `npm start` (`shoplake local run`, 200k events into a fresh warehouse), measured as a user runs it:
// the real CLI in a child process, wall time from spawn to exit (startup included), with the run's own CPU time and
// phase split from its --json summary. Next to it, in the same run: generating the same events into MSK events and
// decoding them back (the floor this command cannot go under without the pipeline), and one CPU-profiled run whose
// samples are grouped by component, to show where the time goes.
// Usage: npm run bench -- local   (LOCAL_BENCH_EVENTS, LOCAL_BENCH_RUNS, LOCAL_BENCH_PROFILE=0 override)
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { generateEvents } from '../core/generator/generate-events.js';
import { toMskBatches } from '../core/generator/to-msk-batches.js';
import { fromMskEvent } from '../core/pipeline/index.js';
import type { LocalRunResult } from '../core/local/run-local.js';
import { fmt, median } from './lib.js';

const EVENTS = Number(process.env.LOCAL_BENCH_EVENTS ?? 200_000);
const RUNS = Number(process.env.LOCAL_BENCH_RUNS ?? 3);
const PROFILE = process.env.LOCAL_BENCH_PROFILE !== '0';
const REPO = fileURLToPath(new URL('..', import.meta.url));

interface CliRun {
  wallMs: number;
  result: LocalRunResult;
}

async function cliRun(warehouse: string, nodeArgs: string[] = []): Promise<CliRun> {
  const args = [
    ...nodeArgs,
    '--import',
    'tsx',
    'bin/shoplake.ts',
    'local',
    'run',
    '--reset',
    '--no-progress',
    '--json',
  ];
  args.push('--warehouse', warehouse, '--events', String(EVENTS));
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - t0;
  if (code !== 0) throw new Error(`shoplake local run exited ${code}`);
  const result = JSON.parse(out) as LocalRunResult;
  if (!result.reconciliation.ok) throw new Error('the run did not reconcile');
  return { wallMs, result };
}

/** Generating the events into MSK events and back, in this process (no pipeline). */
function generateOnly(): { wallMs: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  for (const ev of toMskBatches(generateEvents({ events: EVENTS }), { batchSize: 10_000 }))
    n += fromMskEvent(ev).length;
  if (n !== EVENTS) throw new Error(`generated ${n} records, expected ${EVENTS}`);
  const c = process.cpuUsage(c0);
  return { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

/** Where a sample's self time goes, by the file it is in. */
const COMPONENTS: [string, RegExp][] = [
  ['Parquet encoding (hyparquet-writer)', /node_modules\/hyparquet-writer\//],
  ['zstd compression (wasm)', /node_modules\/@hpcc-js\/wasm-zstd\/|^wasm:\/\//],
  ['Parquet column buffers/stats (core/iceberg/parquet)', /core\/iceberg\/parquet\//],
  ['Avro manifests, metadata, commits (core/iceberg)', /core\/iceberg\//],
  ['pipeline: decode, validate, route, dedup (core/pipeline, core/contracts)', /core\/(pipeline|contracts)\//],
  ['generator (core/generator, faker)', /core\/generator\/|node_modules\/@faker-js\//],
  ['text encoding, Buffer, base64 (node)', /^node:(buffer|internal\/(encoding|buffer))/],
  ['file system (node)', /^node:(fs|internal\/fs)/],
  ['module loading (tsx, esbuild, node)', /node_modules\/(tsx|esbuild)\/|^node:internal\/modules/],
];

async function profileBreakdown(dir: string): Promise<[string, number][]> {
  const file = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort()[0];
  if (!file) throw new Error('no CPU profile written');
  const p = JSON.parse(await readFile(join(dir, file), 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const { url, functionName } = n.callFrame;
    let component: string;
    if (functionName === '(garbage collector)') component = 'garbage collection';
    else if (functionName === '(idle)') component = 'idle (waiting for I/O)';
    else if (url === '') component = `native: ${functionName || '(program)'}`;
    else
      component =
        COMPONENTS.find(([, re]) => re.test(url.replace(/^file:\/\//, '').replace(REPO, '')))?.[0] ?? 'other JS';
    totals.set(component, (totals.get(component) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  // Small native buckets (fs syscalls, compile…) are folded into one line.
  const out = new Map<string, number>();
  for (const [k, ms] of totals) {
    const key = k.startsWith('native: ') && ms < 500 ? 'native: other' : k;
    out.set(key, (out.get(key) ?? 0) + ms);
  }
  return [...out].sort((a, b) => b[1] - a[1]);
}

const root = await mkdtemp(join(tmpdir(), 'shoplake-bench-local-'));
try {
  console.log(`default local run: ${fmt(EVENTS)} events, --batch-size 10000, fresh warehouse, ${RUNS} runs (median)\n`);
  const runs: CliRun[] = [];
  const floors: { wallMs: number; cpuMs: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await cliRun(join(root, 'warehouse')));
    floors.push(generateOnly());
  }
  const m = (f: (r: CliRun) => number): number => median(runs.map(f));
  const wall = m((r) => r.wallMs);
  const cpu = m((r) => r.result.timings.cpuMs);
  const floorWall = median(floors.map((f) => f.wallMs));
  const floorCpu = median(floors.map((f) => f.cpuMs));
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const r0 = runs[0]!.result;
  console.log('| measure | median |');
  console.log('|---|---|');
  console.log(`| \`shoplake local run\` wall, spawn to exit | ${s(wall)} |`);
  console.log(`| of which the run itself (summary timings.totalMs) | ${s(m((r) => r.result.timings.totalMs))} |`);
  console.log(`| run CPU (user + system, main thread and helpers) | ${s(cpu)} |`);
  console.log(`| - generate events + MSK events (base64) | ${s(m((r) => r.result.timings.generateMs))} |`);
  console.log(`| - fromMskEvent (base64 back to bytes) | ${s(m((r) => r.result.timings.decodeMskMs))} |`);
  console.log(`| - pipeline.process (decode..Parquet..commit) | ${s(m((r) => r.result.timings.pipelineMs))} |`);
  console.log(`| -   of which commits | ${s(m((r) => r.result.timings.commitMs))} |`);
  console.log(`| records/s (wall, whole process) | ${fmt(EVENTS / (wall / 1000))} |`);
  console.log(`| generate + MSK round trip only, in process (floor) | ${s(floorWall)} wall, ${s(floorCpu)} CPU |`);
  console.log(`| ratio local run / floor (wall) | ${(wall / floorWall).toFixed(1)}x |`);
  const files = r0.tables.reduce((n, t) => n + t.dataFiles, 0);
  const snapshots = r0.tables.reduce((n, t) => n + t.snapshots, 0);
  const bytes = r0.tables.reduce((n, t) => n + t.bytes, 0);
  console.log(
    `\nper run: ${fmt(r0.batches)} MSK batches, ${fmt(snapshots)} snapshots, ${fmt(files)} data files ` +
      `(${fmt(bytes / 1024 / 1024, 1)} MiB) over ${r0.tables.length} tables; rows written: ` +
      `${fmt(r0.tables.reduce((n, t) => n + t.records, 0))}`,
  );

  if (PROFILE) {
    const dir = join(root, 'profile');
    const p = await cliRun(join(root, 'warehouse'), ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const parts = await profileBreakdown(dir);
    const total = parts.reduce((n, [, ms]) => n + ms, 0);
    console.log(
      `\nwhere the time goes (one --cpu-prof run of the main thread, ${s(p.wallMs)} wall; self time by component):\n`,
    );
    console.log('| component | s | share |');
    console.log('|---|---|---|');
    for (const [k, ms] of parts)
      console.log(`| ${k} | ${(ms / 1000).toFixed(1)} | ${((100 * ms) / total).toFixed(0)}% |`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

// `npm run bench -- ingest`: the Lambda ingest handler on 10k-record MSK batches of mixed generator events,
// landing bronze, silver and quarantine and committing into a local warehouse, against a bare base64 +
// JSON.parse loop over the same batches, in the same run. Targets (issue 5): handler throughput >= 0.5x the bare
// loop; peak RSS < 3x the batch's raw bytes + 150 MB; commit latency p50/p99 reported.
//
// Like Lambda, the measuring process runs the bundled handler (esbuild, as lib/constructs/bundling.ts bundles
// it; no tsx in the process) and holds one batch at a time: this script generates the batches into files, bundles
// itself, and runs the bundle as two children:
// - `--child ratio <dir>` loads the batches one by one and times the bare loop and the handler on each (wall and
//   CPU time, interleaved batch by batch, so both see the same machine load);
// - `--child memory <dir>` runs only the handler over the same batches, as a Lambda container does (no bare loop
//   in the process: its garbage would count against the handler's RSS), samples RSS every 5 ms, and measures what
//   the process retains between batches (heap after a full GC at the end of a pass).
// Both start node with --expose-gc, as the Lambda Node.js runtime does. Every pass lands into a fresh warehouse;
// pass 0 is a warm-up (JIT, table creation, compressors) and is not counted.
//
// The ratio child also times a floor loop (parse + validate + conform/HMAC, then the same + zstd of the raw bytes;
// no Parquet, files or commits): the best ratio any design doing the required per-record work could reach.
//
// BENCH_INGEST_EVENTS (default 60000), BENCH_INGEST_PASSES (default 3), BENCH_INGEST_NODE_ARGS: node flags for both
// children (e.g. `--max-semi-space-size=150 --max-old-space-size=2708`, what the Lambda runtime passes a 3,008 MB
// function), BENCH_INGEST_PROFILE=<dir>:
// instead of the measurement, one memory child of an unminified bundle with --cpu-prof into <dir>, and its self
// time by function and by module; BENCH_INGEST_BATCHES=<dir>: MSK event files (NNNN.json) to use instead of
// generating the data set (the same bytes for a before/after comparison).
import { spawnSync } from 'node:child_process';
import { promises as fs, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MSKEvent } from 'aws-lambda';
import { fmt, mb, median, percentile, profileSummary } from './lib.js';

const EVENTS = Number(process.env.BENCH_INGEST_EVENTS ?? 60_000);
const BATCH = 10_000;
const PASSES = Number(process.env.BENCH_INGEST_PASSES ?? 3);
const NODE_ARGS = (process.env.BENCH_INGEST_NODE_ARGS ?? '').split(' ').filter(Boolean);
const PROFILE = process.env.BENCH_INGEST_PROFILE;
/** A folder of MSK batches (NNNN.json) to use instead of generating them. */
const BATCHES = process.env.BENCH_INGEST_BATCHES;

interface BatchFigures {
  records: number;
  rawBytes: number;
  bareMs: number;
  bareCpuMs: number;
  /** The floor loops (ratio child): the bare loop + validate + conform (PII HMAC); the same + zstd of the raw bytes. */
  floorMs: number;
  floorCpuMs: number;
  floorZstdMs: number;
  floorZstdCpuMs: number;
  handlerMs: number;
  handlerCpuMs: number;
  commitMs: number;
  landed: number;
}

/** process.memoryUsage() at the sample with the highest RSS. */
interface PeakBreakdown {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** Samples process.memoryUsage() every `everyMs` until stopped; returns the sample with the highest RSS. */
function peakSampler(everyMs: number): { stop(): PeakBreakdown } {
  const take = (): PeakBreakdown => {
    const m = process.memoryUsage();
    return {
      rss: m.rss,
      heapTotal: m.heapTotal,
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
    };
  };
  let peak = take();
  const t = setInterval(() => {
    const m = take();
    if (m.rss > peak.rss) peak = m;
  }, everyMs);
  return {
    stop() {
      clearInterval(t);
      const m = take();
      return m.rss > peak.rss ? m : peak;
    },
  };
}

interface PassFigures {
  batches: BatchFigures[];
  peakRss: number;
  peak: PeakBreakdown;
  baselineRss: number;
  /** Heap used after a full GC at the end of the pass, minus the same before it (memory child). */
  retainedHeap: number;
  load: number;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const recordsOf = (e: MSKEvent): number => Object.values(e.records).reduce((n, r) => n + r.length, 0);

/** The bare loop: decode and parse every value (bad records are skipped). */
function bare(e: MSKEvent): number {
  let n = 0;
  for (const records of Object.values(e.records)) {
    for (const r of records) {
      try {
        const v = JSON.parse(Buffer.from(r.value, 'base64').toString('utf8')) as { event_id?: unknown } | null;
        if (v?.event_id !== undefined) n++;
      } catch {
        // a bad record: the pipeline quarantines it; the bare loop only skips it
      }
    }
  }
  return n;
}

/**
 * The floor: the least work the issue makes every design do for a record, with none of the Parquet, dedup, files
 * or commits. The bare loop's decode + parse, then the contract check (core/contracts validate), the silver row
 * with direct PII hashed (conform + HMAC-SHA256, memoized as the pipeline does), and, with `zstd`, compressing the
 * record's raw bytes once (bronze keeps them; level 1 in 1 MiB pages, the ingest writer's codec). No design that
 * lands bronze and silver can be faster than this loop on the same data, so bare / floor bounds the ratio.
 */
async function floorLoop(): Promise<(e: MSKEvent, zstd: boolean) => number> {
  const { validate, conform, createPiiHasher } = await import('../core/contracts/index.js');
  const { loadCompression } = await import('../core/iceberg/parquet/compression.js');
  const compress = (await loadCompression('ZSTD', { level: 1 })).compress!;
  const hash = createPiiHasher('bench-salt-0123456789abcdef');
  const meta = { ingest_time: Date.now() * 1000, is_late: false, kafka_partition: 0, kafka_offset: 0 };
  return (e, zstd) => {
    let n = 0;
    let page: Buffer[] = [];
    let pageBytes = 0;
    const flush = (): void => {
      if (compress(Buffer.concat(page)).length === 0) throw new Error('zstd wrote nothing');
      page = [];
      pageBytes = 0;
    };
    for (const records of Object.values(e.records)) {
      for (const r of records) {
        const bytes = Buffer.from(r.value, 'base64');
        if (zstd) {
          page.push(bytes);
          pageBytes += bytes.length;
          if (pageBytes >= 1 << 20) flush();
        }
        let v: unknown;
        try {
          v = JSON.parse(bytes.toString('utf8'));
        } catch {
          continue;
        }
        const verdict = validate(v, { now: r.timestamp, topic: r.topic });
        if (verdict.ok && conform(v as object, meta, hash).row) n++;
      }
    }
    if (zstd && pageBytes > 0) flush();
    return n;
  };
}

async function child(mode: 'ratio' | 'memory', dir: string): Promise<void> {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  const { createHandler } = await import('../lambdas/ingest/handler.js');
  const gc = (): void => global.gc?.();
  gc();
  const startRss = process.memoryUsage.rss();
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const floor = mode === 'ratio' ? await floorLoop() : undefined;
  const passes: PassFigures[] = [];
  const ids: string[] = [];
  for (let pass = 0; pass <= PASSES; pass++) {
    const warehouse = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-ingest-wh-'));
    const handler = createHandler({
      env: {
        SHOPLAKE_WAREHOUSE: warehouse,
        SHOPLAKE_CATALOG: 'local',
        SHOPLAKE_PII_SALT: 'bench-salt-0123456789abcdef',
      },
    });
    gc();
    const baselineRss = process.memoryUsage.rss();
    const baselineHeap = process.memoryUsage().heapUsed;
    const rss = peakSampler(5);
    const batches: BatchFigures[] = [];
    for (const f of files) {
      const text = await fs.readFile(path.join(dir, f), 'utf8');
      const event = JSON.parse(text) as MSKEvent;
      let t = performance.now();
      let c = cpuMs();
      if (mode === 'ratio' && bare(event) === 0) throw new Error('bare loop parsed nothing');
      const bareMs = performance.now() - t;
      const bareCpuMs = cpuMs() - c;
      t = performance.now();
      c = cpuMs();
      if (floor && floor(event, false) === 0) throw new Error('floor loop conformed nothing');
      const floorMs = performance.now() - t;
      const floorCpuMs = cpuMs() - c;
      t = performance.now();
      c = cpuMs();
      if (floor && floor(event, true) === 0) throw new Error('floor loop conformed nothing');
      const floorZstdMs = performance.now() - t;
      const floorZstdCpuMs = cpuMs() - c;
      t = performance.now();
      c = cpuMs();
      const r = await handler(event);
      const handlerMs = performance.now() - t;
      const handlerCpuMs = cpuMs() - c;
      if (r.bronzeLanded !== r.recordsIn) throw new Error(`bronze landed ${r.bronzeLanded} of ${r.recordsIn}`);
      batches.push({
        records: r.recordsIn,
        rawBytes: Buffer.byteLength(text),
        bareMs,
        bareCpuMs,
        floorMs,
        floorCpuMs,
        floorZstdMs,
        floorZstdCpuMs,
        handlerMs,
        handlerCpuMs,
        commitMs: r.commitLatencyMs,
        landed: r.landed,
      });
      if (mode === 'memory' && pass === 0) ids.push(...eventIds(event));
    }
    const peak = rss.stop();
    const peakRss = peak.rss;
    gc();
    // The handler (its pipeline: table handles, dedup indexes, compiled contracts) is still referenced here.
    const retainedHeap = process.memoryUsage().heapUsed - baselineHeap;
    passes.push({ batches, peakRss, peak, baselineRss, retainedHeap, load: os.loadavg()[0]! });
    await fs.rm(warehouse, { recursive: true, force: true });
  }
  process.stdout.write(`RESULT ${JSON.stringify({ startRss, passes, indexedIds: new Set(ids).size })}\n`);
}

/** The event_ids of an MSK event's valid-looking records (for the dedup index size). */
function eventIds(e: MSKEvent): string[] {
  const out: string[] = [];
  for (const records of Object.values(e.records)) {
    for (const r of records) {
      try {
        const v = JSON.parse(Buffer.from(r.value, 'base64').toString('utf8')) as { event_id?: unknown } | null;
        if (typeof v?.event_id === 'string') out.push(v.event_id);
      } catch {
        // not JSON
      }
    }
  }
  return out;
}

interface ChildResult {
  startRss: number;
  passes: PassFigures[];
  /** Distinct event_ids of the data set: what the dedup indexes hold after a pass. */
  indexedIds: number;
}

function runChild(bundle: string, mode: 'ratio' | 'memory', dir: string, extra: string[] = []): ChildResult {
  const r = spawnSync(process.execPath, ['--expose-gc', ...NODE_ARGS, ...extra, bundle, '--child', mode, dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) throw new Error(`${mode} child failed (${r.status ?? r.signal}):\n${r.stdout}`);
  return JSON.parse(line.slice(7)) as ChildResult;
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-ingest-'));
  try {
    if (BATCHES) {
      // the same batches as an earlier run (before/after comparisons while the generator changes)
      for (const f of (await fs.readdir(BATCHES)).filter((x) => x.endsWith('.json'))) {
        await fs.copyFile(path.join(BATCHES, f), path.join(dir, f));
      }
    } else {
      const { generateEvents } = await import('../core/generator/generate-events.js');
      const { toMskBatches } = await import('../core/generator/to-msk-batches.js');
      let i = 0;
      for (const e of toMskBatches(generateEvents({ events: EVENTS, seed: 20250303 }), {
        batchSize: BATCH,
        maxPayloadBytes: 1 << 30,
      })) {
        await fs.writeFile(path.join(dir, `${String(i++).padStart(4, '0')}.json`), JSON.stringify(e));
        if (recordsOf(e) === 0) throw new Error('empty batch');
      }
    }
    const bundle = path.join(dir, 'ingest-bench.mjs');
    const { build } = await import('esbuild');
    await build({
      entryPoints: [fileURLToPath(import.meta.url)],
      outfile: bundle,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node.split('.')[0]}`,
      mainFields: ['module', 'main'],
      minify: !PROFILE,
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      logLevel: 'error',
    });
    if (PROFILE) {
      await fs.mkdir(PROFILE, { recursive: true });
      const before = new Set(readdirSync(PROFILE));
      runChild(bundle, 'memory', dir, ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`]);
      const file = readdirSync(PROFILE).find((f) => f.endsWith('.cpuprofile') && !before.has(f))!;
      const summary = profileSummary(path.join(PROFILE, file));
      console.log(`${path.join(PROFILE, file)}: self time by function (share of all samples)`);
      for (const line of summary.functions) console.log(`  ${line}`);
      console.log('self time by module:');
      for (const line of summary.modules) console.log(`  ${line}`);
      return;
    }
    const loadBefore = os.loadavg()[0]!;
    const ratio = runChild(bundle, 'ratio', dir);
    const memory = runChild(bundle, 'memory', dir);
    report(ratio, memory, loadBefore);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function report(ratio: ChildResult, memory: ChildResult, loadBefore: number): void {
  const measured = ratio.passes.slice(1);
  const first = measured[0]!.batches;
  const total = first.reduce((n, b) => n + b.records, 0);
  const full = first.filter((b) => b.records === BATCH).length;
  const largest = Math.max(...first.map((b) => b.rawBytes));
  console.log(
    `${fmt(total)} records in ${first.length} MSK batches (${full} of ${fmt(BATCH)} records); largest batch ${mb(largest)} of event JSON`,
  );
  const sum = (p: PassFigures, k: keyof BatchFigures): number => p.batches.reduce((n, b) => n + b[k], 0);
  for (const [k, p] of measured.entries()) {
    console.log(
      `pass ${k + 1}: bare ${fmt(sum(p, 'bareMs'))} ms (CPU ${fmt(sum(p, 'bareCpuMs'))}), handler ${fmt(sum(p, 'handlerMs'))} ms (CPU ${fmt(sum(p, 'handlerCpuMs'))}), load ${p.load.toFixed(1)}`,
    );
  }
  const bareMs = median(measured.map((p) => sum(p, 'bareMs')));
  const handlerMs = median(measured.map((p) => sum(p, 'handlerMs')));
  const bareCpu = median(measured.map((p) => sum(p, 'bareCpuMs')));
  const handlerCpu = median(measured.map((p) => sum(p, 'handlerCpuMs')));
  const fullBatches = measured.flatMap((p) => p.batches.filter((b) => b.records === BATCH));
  const commits = measured.flatMap((p) => p.batches.map((b) => b.commitMs));
  const ratioWall = bareMs / handlerMs;
  const ratioCpu = bareCpu / handlerCpu;
  console.log('');
  console.log(
    `bare base64 + JSON.parse : ${fmt(total / (bareMs / 1000))} records/s wall, ${fmt(total / (bareCpu / 1000))} per CPU-s (median of ${measured.length} passes)`,
  );
  console.log(
    `Lambda handler           : ${fmt(total / (handlerMs / 1000))} records/s wall, ${fmt(total / (handlerCpu / 1000))} per CPU-s; per 10k batch median ${fmt(median(fullBatches.map((b) => b.handlerMs)))} ms (CPU ${fmt(median(fullBatches.map((b) => b.handlerCpuMs)))})`,
  );
  console.log(
    `ratio handler / bare     : ${ratioWall.toFixed(3)} wall, ${ratioCpu.toFixed(3)} CPU (target >= 0.5) ${ratioWall >= 0.5 ? 'MET' : 'MISSED'}`,
  );
  for (const [label, wall, cpu] of [
    ['floor: +validate+conform', 'floorMs', 'floorCpuMs'],
    ['floor: same + zstd raw', 'floorZstdMs', 'floorZstdCpuMs'],
  ] as const) {
    const w = median(measured.map((p) => sum(p, wall)));
    const c = median(measured.map((p) => sum(p, cpu)));
    console.log(
      `${label.padEnd(25)}: ${fmt(total / (w / 1000))} records/s wall, ${fmt(total / (c / 1000))} per CPU-s; bare / floor ${(bareMs / w).toFixed(3)} wall, ${(bareCpu / c).toFixed(3)} CPU (the best ratio any design could reach)`,
    );
  }
  console.log(
    `commit latency           : p50 ${fmt(percentile(commits, 50))} ms, p99 ${fmt(percentile(commits, 99))} ms (all tables of a batch, bronze last)`,
  );
  const limit = 3 * largest + 150 * 1024 * 1024;
  const peak = Math.max(...memory.passes.slice(1).map((p) => p.peakRss));
  const mixedPeak = Math.max(...measured.map((p) => p.peakRss));
  console.log(
    `peak RSS (handler only)  : ${mb(peak)} (limit 3 x ${mb(largest)} + 150 MB = ${mb(limit)}) ${peak < limit ? 'MET' : 'MISSED'}`,
  );
  console.log(
    `  the bundled handler process before any batch: ${mb(memory.startRss)}; peak above it: ${mb(peak - memory.startRss)}`,
  );
  console.log(`  with the bare loop in the same process (ratio child): ${mb(mixedPeak)}`);
  const at = memory.passes.slice(1).reduce((a, p) => (p.peakRss > a.peakRss ? p : a)).peak;
  console.log(
    `  at the peak: V8 heap ${mb(at.heapTotal)} (${mb(at.heapUsed)} used, live or not yet collected), ArrayBuffers ${mb(at.arrayBuffers)} (column buffers, pool, Buffers), other external ${mb(at.external - at.arrayBuffers)}; the rest (${mb(at.rss - at.heapTotal - at.external)}) is code, wasm zstd memory, stacks and the allocator`,
  );
  const retained = memory.passes.slice(1).map((p) => p.retainedHeap);
  console.log(
    `retained between batches : ${mb(median(retained))} of heap after a full GC (table handles and metadata, compiled contracts, dedup indexes holding ${fmt(memory.indexedIds)} event_ids)`,
  );
  console.log(
    `load average             : ${loadBefore.toFixed(1)} at start, ${measured.map((p) => p.load.toFixed(1)).join(' / ')} after each pass`,
  );
}

if (process.argv[2] === '--child') await child(process.argv[3] as 'ratio' | 'memory', process.argv[4]!);
else await main();

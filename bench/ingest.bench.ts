// `npm run bench -- ingest`: the Lambda ingest handler on 10k-record MSK batches of mixed generator events,
// landing bronze, silver and quarantine and committing into a local warehouse, against a bare base64 +
// JSON.parse loop over the same batches, in the same run. Targets (issue 5): handler throughput >= 0.5x the bare
// loop; peak RSS < 3x the batch's raw bytes + 150 MB; commit latency p50/p99 reported.
//
// Like Lambda, the measuring process runs the bundled handler (esbuild, as lib/constructs/bundling.ts bundles
// it; no tsx in the process) and holds one batch at a time: this script generates the batches into files, bundles
// itself, and runs the bundle as a child (`--child <dir>`) that loads the batches one by one, times the bare loop
// and the handler on each, and samples its RSS. Every pass lands into a fresh warehouse; pass 0 is a warm-up (JIT,
// table creation, compressors) and is not counted.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MSKEvent } from 'aws-lambda';
import { fmt, mb, median, percentile, rssSampler } from './lib.js';

const EVENTS = Number(process.env.BENCH_INGEST_EVENTS ?? 60_000);
const BATCH = 10_000;
const PASSES = Number(process.env.BENCH_INGEST_PASSES ?? 3);

interface BatchFigures {
  records: number;
  rawBytes: number;
  bareMs: number;
  handlerMs: number;
  commitMs: number;
  landed: number;
}

interface PassFigures {
  batches: BatchFigures[];
  peakRss: number;
  baselineRss: number;
}

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

async function child(dir: string): Promise<void> {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  const { createHandler } = await import('../lambdas/ingest/handler.js');
  global.gc?.();
  const startRss = process.memoryUsage.rss();
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const passes: PassFigures[] = [];
  for (let pass = 0; pass <= PASSES; pass++) {
    const warehouse = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-ingest-wh-'));
    const handler = createHandler({
      env: {
        SHOPLAKE_WAREHOUSE: warehouse,
        SHOPLAKE_CATALOG: 'local',
        SHOPLAKE_PII_SALT: 'bench-salt-0123456789abcdef',
      },
    });
    global.gc?.();
    const baselineRss = process.memoryUsage.rss();
    const rss = rssSampler(5);
    const batches: BatchFigures[] = [];
    for (const f of files) {
      const text = await fs.readFile(path.join(dir, f), 'utf8');
      const event = JSON.parse(text) as MSKEvent;
      let t = performance.now();
      if (bare(event) === 0) throw new Error('bare loop parsed nothing');
      const bareMs = performance.now() - t;
      t = performance.now();
      const r = await handler(event);
      const handlerMs = performance.now() - t;
      if (r.bronzeLanded !== r.recordsIn) throw new Error(`bronze landed ${r.bronzeLanded} of ${r.recordsIn}`);
      batches.push({
        records: r.recordsIn,
        rawBytes: Buffer.byteLength(text),
        bareMs,
        handlerMs,
        commitMs: r.commitLatencyMs,
        landed: r.landed,
      });
    }
    passes.push({ batches, peakRss: rss.stop(), baselineRss });
    await fs.rm(warehouse, { recursive: true, force: true });
  }
  process.stdout.write(`RESULT ${JSON.stringify({ startRss, passes })}\n`);
}

async function main(): Promise<void> {
  const { generateEvents } = await import('../core/generator/generate-events.js');
  const { toMskBatches } = await import('../core/generator/to-msk-batches.js');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-ingest-'));
  try {
    let i = 0;
    for (const e of toMskBatches(generateEvents({ events: EVENTS, seed: 20250303 }), {
      batchSize: BATCH,
      maxPayloadBytes: 1 << 30,
    })) {
      await fs.writeFile(path.join(dir, `${String(i++).padStart(4, '0')}.json`), JSON.stringify(e));
      if (recordsOf(e) === 0) throw new Error('empty batch');
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
      minify: true,
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      logLevel: 'error',
    });
    const r = spawnSync(process.execPath, ['--expose-gc', bundle, '--child', dir], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (r.status !== 0 || !line) throw new Error(`child failed (${r.status ?? r.signal}):\n${r.stdout}`);
    const { startRss, passes } = JSON.parse(line.slice(7)) as { startRss: number; passes: PassFigures[] };
    report(passes, startRss);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function report(passes: PassFigures[], startRss: number): void {
  const measured = passes.slice(1);
  const first = measured[0]!.batches;
  const total = first.reduce((n, b) => n + b.records, 0);
  const full = first.filter((b) => b.records === BATCH).length;
  const largest = Math.max(...first.map((b) => b.rawBytes));
  console.log(
    `${fmt(total)} records in ${first.length} MSK batches (${full} of ${fmt(BATCH)} records); largest batch ${mb(largest)} of event JSON`,
  );
  const bareMs = measured.map((p) => p.batches.reduce((n, b) => n + b.bareMs, 0));
  const handlerMs = measured.map((p) => p.batches.reduce((n, b) => n + b.handlerMs, 0));
  for (const [k, p] of measured.entries()) {
    console.log(
      `pass ${k + 1}: bare ${fmt(bareMs[k]!)} ms, handler ${fmt(handlerMs[k]!)} ms, peak RSS ${mb(p.peakRss)} (baseline ${mb(p.baselineRss)})`,
    );
  }
  const fullBatches = measured.flatMap((p) => p.batches.filter((b) => b.records === BATCH));
  const commits = measured.flatMap((p) => p.batches.map((b) => b.commitMs));
  const bareRate = total / (median(bareMs) / 1000);
  const handlerRate = total / (median(handlerMs) / 1000);
  const ratio = handlerRate / bareRate;
  const peak = Math.max(...measured.map((p) => p.peakRss));
  const limit = 3 * largest + 150 * 1024 * 1024;
  console.log('');
  console.log(`bare base64 + JSON.parse : ${fmt(bareRate)} records/s (median of ${measured.length} passes)`);
  console.log(
    `Lambda handler           : ${fmt(handlerRate)} records/s; per 10k batch median ${fmt(median(fullBatches.map((b) => b.handlerMs)))} ms`,
  );
  console.log(`ratio handler / bare     : ${ratio.toFixed(3)} (target >= 0.5) ${ratio >= 0.5 ? 'MET' : 'MISSED'}`);
  console.log(
    `commit latency           : p50 ${fmt(percentile(commits, 50))} ms, p99 ${fmt(percentile(commits, 99))} ms (all tables of a batch, bronze last)`,
  );
  console.log(
    `peak RSS                 : ${mb(peak)} (limit 3 x ${mb(largest)} + 150 MB = ${mb(limit)}) ${peak < limit ? 'MET' : 'MISSED'}`,
  );
  console.log(`  the bundled handler process before any batch: ${mb(startRss)}; peak above it: ${mb(peak - startRss)}`);
}

if (process.argv[2] === '--child') await child(process.argv[3]!);
else await main();

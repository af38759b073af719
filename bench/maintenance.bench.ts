// Table maintenance: what a Lambda-style ingest (one small commit per table per batch) costs readers and writers,
// and what compaction + expiry give back, measured in the same run on the same tables:
// - reading silver.page_viewed (planFiles, readRows) over many small files vs the compacted files;
// - an ingest commit (pipeline.process of one batch) with hundreds of snapshots in the metadata vs after expiry;
// - metadata.json size; compaction throughput (rows/s) and a whole `runMaintenance` over every table; peak RSS.
// Usage: npm run bench -- maintenance   (MAINT_BENCH_BATCHES, MAINT_BENCH_BATCH, MAINT_BENCH_RUNS override)
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalCatalog } from '../core/iceberg/catalog/local-catalog.js';
import { planFiles } from '../core/iceberg/scan/plan-files.js';
import { readRows } from '../core/iceberg/scan/read-rows.js';
import { generateEvents } from '../core/generator/generate-events.js';
import { compactTable, runMaintenance } from '../core/maintenance/index.js';
import { createPipeline } from '../core/pipeline/index.js';
import type { PipelineRecord } from '../core/pipeline/index.js';
import { fmt, mb, median, rssSampler, timeRuns } from './lib.js';

const BATCHES = Number(process.env.MAINT_BENCH_BATCHES ?? 200);
const BATCH = Number(process.env.MAINT_BENCH_BATCH ?? 50);
const RUNS = Number(process.env.MAINT_BENCH_RUNS ?? 5);
const PROBE = 10; // ingest batches timed before and after maintenance

/** Behaviour records only (one topic: bronze.behaviour, the behaviour silver tables, quarantine). */
function records(needed: number): PipelineRecord[] {
  const out: PipelineRecord[] = [];
  for (const g of generateEvents({ events: needed * 3, seed: 7, partitions: 3, badShare: 0.01 })) {
    if (g.topic !== 'behaviour') continue;
    out.push({
      topic: g.topic,
      partition: g.partition,
      offset: g.offset,
      timestamp: g.timestamp,
      timestampType: 'CREATE_TIME',
      key: Buffer.from(g.key, 'utf8'),
      value: g.value,
      headers: [],
    });
    if (out.length === needed) return out;
  }
  throw new Error(`only ${out.length} of ${needed} behaviour records generated`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'maintenance-bench-'));
  try {
    const catalog = new LocalCatalog(dir);
    const pipeline = createPipeline({ catalog, piiSalt: 'bench-salt-0123456789abcdef' });
    const all = records((BATCHES + 2 * PROBE) * BATCH);
    const batch = (i: number) => all.slice(i * BATCH, (i + 1) * BATCH);
    const t0 = performance.now();
    for (let i = 0; i < BATCHES; i++) await pipeline.process(batch(i));
    console.log(
      `ingest: ${BATCHES} batches of ${BATCH} behaviour records in ${fmt((performance.now() - t0) / 1000, 1)} s`,
    );

    const id = { namespace: 'silver', name: 'page_viewed' };
    const bronze = { namespace: 'bronze', name: 'behaviour' };
    const probe = async (label: string, from: number) => {
      const table = await catalog.loadTable(id);
      const files = (await planFiles(table)).tasks.length;
      const plan = median(await timeRuns(RUNS, () => planFiles(table)));
      let rows = 0;
      const read = median(
        await timeRuns(RUNS, async () => {
          rows = (await readRows(table)).length;
        }),
      );
      const b = await catalog.loadTable(bronze);
      const meta = (await stat(b.metadataLocation)).size;
      const snapshots = b.metadata.snapshots?.length ?? 0;
      const commits: number[] = [];
      for (let i = 0; i < PROBE; i++) commits.push((await pipeline.process(batch(from + i))).commitLatencyMs);
      console.log(
        `${label}: page_viewed ${fmt(files)} files, ${fmt(rows)} rows: planFiles ${fmt(plan, 1)} ms, readRows ` +
          `${fmt(read, 1)} ms | bronze.behaviour ${fmt(snapshots)} snapshots, metadata.json ${fmt(meta / 1024, 1)} KiB | ` +
          `ingest commit (all tables of a batch) median ${fmt(median(commits), 1)} ms`,
      );
      return { plan, read, commit: median(commits), meta };
    };

    const before = await probe('before', BATCHES);

    const rss = rssSampler();
    const table = await catalog.loadTable(id);
    const c0 = performance.now();
    const one = await compactTable(catalog, table, { minInputFiles: 2 });
    const compactMs = performance.now() - c0;
    console.log(
      `compact silver.page_viewed: ${fmt(one.rewrittenFiles)} files (${mb(one.rewrittenBytes)}) -> ${fmt(one.addedFiles)} ` +
        `(${mb(one.addedBytes)}), ${fmt(one.records)} rows in ${fmt(compactMs)} ms = ` +
        `${fmt(one.records / (compactMs / 1000))} rows/s, ${one.sortedGroups}/${one.groups} groups sorted`,
    );
    const r0 = performance.now();
    const report = await runMaintenance(catalog, {
      compact: { minInputFiles: 2 },
      expire: { maxSnapshotAgeMs: 0, retainLast: 1 },
    });
    const runMs = performance.now() - r0;
    const peak = rss.stop();
    const t = report.totals;
    console.log(
      `runMaintenance (${t.tables} tables): data files ${fmt(t.dataFilesBefore)} -> ${fmt(t.dataFilesAfter)}, ` +
        `${mb(t.bytesBefore)} -> ${mb(t.bytesAfter)}, ${fmt(t.snapshotsExpired)} snapshots expired, ` +
        `${fmt(t.filesExpired)} files deleted, in ${fmt(runMs)} ms; peak RSS ${mb(peak)}`,
    );

    const after = await probe('after', BATCHES + PROBE);
    console.log(
      `ratios (before/after): planFiles ${fmt(before.plan / after.plan, 1)}x, readRows ${fmt(before.read / after.read, 1)}x, ` +
        `ingest commit ${fmt(before.commit / after.commit, 1)}x, metadata.json ${fmt(before.meta / after.meta, 1)}x`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

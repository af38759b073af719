// Compaction of tables landed by the real ingest pipeline: the same rows before and after (read by scan/readRows
// and by DuckDB), fewer files, rows sorted by the table's sort order, the exactly-once offsets carried onto the
// replace snapshot, a concurrent ingest append that the compaction retries over without losing anything, and a
// losing concurrent compaction that leaves nothing behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, LoadedTable } from '../../../core/iceberg/catalog/catalog.js';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { NoSuchTableError } from '../../../core/iceberg/catalog/errors.js';
import { readDataFile } from '../../../core/iceberg/parquet/read-data-file.js';
import { currentSchema, planFiles } from '../../../core/iceberg/scan/plan-files.js';
import { ValidationError } from '../../../core/iceberg/transaction/errors.js';
import { compactTable, maintainedTables, runMaintenance } from '../../../core/maintenance/index.js';
import { committedState } from '../../../core/pipeline/index.js';
import { auditLake, compareAudits } from '../../support/lake-audit.js';
import { promises as fs } from 'node:fs';
import {
  dataFiles,
  duckdbFingerprint,
  filesUnder,
  id,
  ingest,
  lakeRecords,
  newDir,
  rowsFingerprint,
  expectNothingLanded,
} from './lake-fixture.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

const { records, batches } = lakeRecords(500, 17, 50);

async function loadIfExists(catalog: Catalog, qualified: string): Promise<LoadedTable | undefined> {
  try {
    return await catalog.loadTable(id(qualified));
  } catch (e) {
    if (e instanceof NoSuchTableError) return undefined;
    throw e;
  }
}

const shoplakeKeys = (summary: Record<string, string>) =>
  Object.fromEntries(Object.entries(summary).filter(([k]) => k.startsWith('shoplake.')));

describe('compaction of a lake landed by the pipeline', () => {
  let dir: string;
  let catalog: LocalCatalog;
  const before = new Map<
    string,
    {
      rows: Awaited<ReturnType<typeof rowsFingerprint>>;
      duck: Awaited<ReturnType<typeof duckdbFingerprint>>;
      files: number;
      keys: Record<string, string>;
      state: ReturnType<typeof committedState>;
    }
  >();

  beforeAll(async () => {
    dir = await newDir(dirs, 'compact-lake-');
    catalog = new LocalCatalog(dir);
    await ingest(catalog, batches);
    for (const t of maintainedTables()) {
      const q = `${t.namespace}.${t.name}`;
      const table = await loadIfExists(catalog, q);
      if (!table) continue;
      const current = table.metadata.snapshots!.find(
        (s) => s['snapshot-id'] === table.metadata['current-snapshot-id'],
      )!;
      before.set(q, {
        rows: await rowsFingerprint(table),
        duck: await duckdbFingerprint(table),
        files: (await dataFiles(table)).length,
        keys: shoplakeKeys(current.summary),
        state: committedState(table.metadata),
      });
    }
  }, 120_000);

  it('keeps every row (readRows and DuckDB), cuts the files, and carries the offsets onto the replace', async () => {
    expect(before.size).toBeGreaterThan(10);
    const report = await runMaintenance(catalog, { operations: ['compact'], compact: { minInputFiles: 2 } });
    expect(report.totals.failed).toBe(0);
    expect(report.totals.dataFilesAfter).toBeLessThan(report.totals.dataFilesBefore / 3);
    let compacted = 0;
    for (const [q, b] of before) {
      const table = await catalog.loadTable(id(q));
      expect(await rowsFingerprint(table), q).toEqual(b.rows);
      expect(await duckdbFingerprint(table), q).toEqual(b.duck);
      const r = report.tables.find((x) => x.table === q)!.compact!;
      const files = (await dataFiles(table)).length;
      expect(files, q).toBe(r.dataFilesAfter);
      expect(files, q).toBe(b.files - r.rewrittenFiles + r.addedFiles);
      if (r.groups === 0) continue;
      compacted++;
      expect(files, q).toBeLessThan(b.files);
      const current = table.metadata.snapshots!.find(
        (s) => s['snapshot-id'] === table.metadata['current-snapshot-id'],
      )!;
      expect(current.summary.operation).toBe('replace');
      expect(current['snapshot-id']).toBe(r.snapshotId);
      // Every shoplake.* key of the last ingest snapshot, unchanged, and so the same committed state.
      expect(shoplakeKeys(current.summary), q).toEqual(b.keys);
      expect(
        Object.keys(b.keys).some((k) => k.startsWith('shoplake.offsets.')),
        q,
      ).toBe(true);
      expect(committedState(table.metadata), q).toEqual(b.state);
    }
    expect(compacted).toBeGreaterThan(10);

    // Compacted files are sorted by the table's sort order (silver.page_viewed: shop_id, session_id, event_time).
    const pv = await catalog.loadTable(id('silver.page_viewed'));
    const order = pv.metadata['sort-orders'].find((o) => o['order-id'] === pv.metadata['default-sort-order-id'])!;
    const schema = currentSchema(pv.metadata);
    const names = order.fields.map((f) => schema.fields.find((x) => x.id === f['source-id'])!.name);
    const sortedFiles = (await dataFiles(pv)).filter((f) => f.sort_order_id === order['order-id']);
    expect(sortedFiles.length).toBeGreaterThan(0);
    for (const f of sortedFiles) {
      const rows = await readDataFile(pv.io, f.file_path, { schema });
      const keys = rows.map((r) => names.map((n) => r[n] as string | number));
      for (let i = 1; i < keys.length; i++) {
        const [a, b] = [keys[i - 1]!, keys[i]!];
        const cmp = a.map((x, j) => (x < b[j]! ? -1 : x > b[j]! ? 1 : 0)).find((c) => c !== 0) ?? 0;
        expect(cmp, `${f.file_path} row ${i}`).toBeLessThanOrEqual(0);
      }
    }

    // The exactly-once protocol still holds: replaying every record lands nothing twice.
    const replay = await ingest(catalog, [records]);
    const result = await replay.process(records);
    expectNothingLanded(result, records.length);
    for (const [q, b] of before) expect(await rowsFingerprint(await catalog.loadTable(id(q))), q).toEqual(b.rows);
  }, 120_000);

  it('a second run finds nothing more to do', async () => {
    const again = await runMaintenance(catalog, { operations: ['compact'], compact: { minInputFiles: 2 } });
    expect(again.totals.filesRewritten).toBe(0);
    expect(again.totals.dataFilesAfter).toBe(again.totals.dataFilesBefore);
  });
});

describe('compaction racing other writers', () => {
  it(
    'retries over a concurrent ingest append: nothing lost, the new offsets carried, replays skipped',
    { timeout: 120_000 },
    async () => {
      const reference = new LocalCatalog(await newDir(dirs, 'compact-race-ref-'));
      await ingest(reference, batches);
      const catalog = new LocalCatalog(await newDir(dirs, 'compact-race-'));
      const pipeline = await ingest(catalog, batches.slice(0, 8));

      // The ingest of batch 9 lands between the compaction's planning/writing and its first metadata swap.
      let raced = false;
      const racing = new Proxy(catalog, {
        get(target, prop, receiver) {
          if (prop === 'commitTable') {
            return async (...args: Parameters<Catalog['commitTable']>) => {
              if (!raced) {
                raced = true;
                await pipeline.process(batches[8]!);
              }
              return target.commitTable(...args);
            };
          }
          const v: unknown = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const t = id('bronze.behaviour');
      const table = await catalog.loadTable(t);
      const result = await compactTable(racing, table, { minInputFiles: 2 });
      expect(raced).toBe(true);
      expect(result.attempts).toBe(2);
      expect(result.groups).toBeGreaterThan(0);

      const after = await catalog.loadTable(t);
      const current = after.metadata.snapshots!.find(
        (s) => s['snapshot-id'] === after.metadata['current-snapshot-id'],
      )!;
      expect(current.summary.operation).toBe('replace');
      const parent = after.metadata.snapshots!.find((s) => s['snapshot-id'] === current['parent-snapshot-id'])!;
      expect(parent.summary.operation).toBe('append'); // batch 9's commit, landed first
      expect(shoplakeKeys(current.summary)).toEqual(shoplakeKeys(parent.summary));
      // The files batch 9 appended are still live.
      const paths = async (snapshotId: bigint) =>
        (await planFiles(after, { snapshotId })).tasks.map((x) => x.file.file_path);
      const planned = new Set(await paths(table.metadata['current-snapshot-id']!));
      const appended = (await paths(parent['snapshot-id'])).filter((p) => !planned.has(p));
      expect(appended.length).toBeGreaterThan(0);
      const live = new Set((await dataFiles(after)).map((f) => f.file_path));
      for (const p of appended) expect(live.has(p), p).toBe(true);

      await pipeline.process(batches[9]!);
      expect(compareAudits(await auditLake(catalog), await auditLake(reference))).toEqual([]);
      const replay = await ingest(catalog, []);
      const r = await replay.process(records);
      expectNothingLanded(r, records.length);
      expect(compareAudits(await auditLake(catalog), await auditLake(reference))).toEqual([]);
    },
  );

  it(
    'an ingest batch in flight while a compaction commits: the batch commits on top of it, nothing lost',
    { timeout: 120_000 },
    async () => {
      const reference = new LocalCatalog(await newDir(dirs, 'compact-inflight-ref-'));
      await ingest(reference, batches.slice(0, 7));
      const catalog = new LocalCatalog(await newDir(dirs, 'compact-inflight-'));
      await ingest(catalog, batches.slice(0, 6));

      // The pipeline's catalog: just before the batch's first swap of bronze.behaviour, a compaction of that table
      // commits (the batch has read its offsets and written its files by then).
      let compacted: Awaited<ReturnType<typeof compactTable>> | undefined;
      const racing = new Proxy(catalog, {
        get(target, prop, receiver) {
          if (prop === 'commitTable') {
            return async (...args: Parameters<Catalog['commitTable']>) => {
              const [base] = args;
              if (!compacted && base.identifier.namespace === 'bronze' && base.identifier.name === 'behaviour') {
                compacted = await compactTable(target, await target.loadTable(base.identifier), { minInputFiles: 2 });
              }
              return target.commitTable(...args);
            };
          }
          const v: unknown = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const result = await ingest(racing, []).then((p) => p.process(batches[6]!));
      expect(compacted?.groups).toBeGreaterThan(0);
      expect(result.bronze.landed).toBe(batches[6]!.length);
      const after = await catalog.loadTable(id('bronze.behaviour'));
      const current = after.metadata.snapshots!.find(
        (s) => s['snapshot-id'] === after.metadata['current-snapshot-id'],
      )!;
      const parent = after.metadata.snapshots!.find((s) => s['snapshot-id'] === current['parent-snapshot-id'])!;
      expect([parent.summary.operation, current.summary.operation]).toEqual(['replace', 'append']);
      expect(compareAudits(await auditLake(catalog), await auditLake(reference))).toEqual([]);
      const landed = batches.slice(0, 7).flat();
      expectNothingLanded(await (await ingest(catalog, [])).process(landed), landed.length);
    },
  );

  it('a compaction that loses to another compaction of the same files fails cleanly, leaving no file behind', async () => {
    const dir = await newDir(dirs, 'compact-twice-');
    const catalog = new LocalCatalog(dir);
    await ingest(catalog, batches.slice(0, 6));
    const t = id('bronze.behaviour');
    const stale = await catalog.loadTable(t);
    const first = await compactTable(catalog, stale, { minInputFiles: 2 });
    expect(first.groups).toBeGreaterThan(0);
    const disk = await filesUnder(dir);
    const fingerprint = await rowsFingerprint(await catalog.loadTable(t));
    await expect(compactTable(catalog, stale, { minInputFiles: 2 })).rejects.toBeInstanceOf(ValidationError);
    expect(await filesUnder(dir)).toEqual(disk);
    expect(await rowsFingerprint(await catalog.loadTable(t))).toEqual(fingerprint);
  }, 60_000);
});

describe('compaction planning', () => {
  it('honours the thresholds, the window and dry runs', async () => {
    const dir = await newDir(dirs, 'compact-plan-');
    const catalog = new LocalCatalog(dir);
    await ingest(catalog, batches.slice(0, 4));
    const t = id('bronze.behaviour');
    const table = await catalog.loadTable(t);
    const files = (await dataFiles(table)).length;
    expect(files).toBe(4);
    const disk = await filesUnder(dir);

    // 4 small files: below the default of 5 small files per partition, and they do not fill a target-size file.
    expect((await compactTable(catalog, table)).groups).toBe(0);
    // Files at least minFileBytes are not small.
    expect(
      (await compactTable(catalog, table, { minInputFiles: 2, minFileBytes: 1000, targetFileBytes: 1000 })).groups,
    ).toBe(0);
    // Outside the window (the clock a week later, a 3-day window).
    const later = () => Date.now() + 7 * 86_400_000;
    expect(
      (await compactTable(catalog, table, { minInputFiles: 2, windowMs: 3 * 86_400_000, now: later })).groups,
    ).toBe(0);
    // A dry run reports the rewrite and changes nothing.
    const dry = await compactTable(catalog, table, { minInputFiles: 2, dryRun: true });
    expect(dry).toMatchObject({ groups: 1, rewrittenFiles: 4, dataFilesBefore: 4, dataFilesAfter: 1, addedFiles: 0 });
    expect(dry.snapshotId).toBeUndefined();
    expect(await filesUnder(dir)).toEqual(disk);
    expect((await catalog.loadTable(t)).metadataLocation).toBe(table.metadataLocation);
    // Inside the window it runs; with a target of two files' size, as two groups, committed one by one.
    const sizes = (await dataFiles(table)).map((f) => f.file_size_in_bytes).sort((a, b) => b - a);
    const target = sizes[0]! + sizes[1]!;
    const rows = await rowsFingerprint(table);
    const real = await compactTable(catalog, table, {
      minInputFiles: 2,
      windowMs: 3 * 86_400_000,
      targetFileBytes: target,
      minFileBytes: target,
      commitEveryBytes: 1,
    });
    expect(real).toMatchObject({ groups: 2, rewrittenFiles: 4, addedFiles: 2, dataFilesAfter: 2, commits: 2 });
    const after = await catalog.loadTable(t);
    expect(after.metadata.snapshots!.map((s) => s.summary.operation).slice(-2)).toEqual(['replace', 'replace']);
    expect(await rowsFingerprint(after)).toEqual(rows);
  }, 60_000);
});

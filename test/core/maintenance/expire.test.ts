// Snapshot expiry never loses the exactly-once offsets: ingest -> compact -> expire all but the newest snapshot,
// then the pipeline's checkpoint still returns the right offsets and a replayed batch lands 0 duplicates; a foreign
// snapshot without offsets on top (an Athena OPTIMIZE) keeps its ancestors alive; the guard refuses any swap that
// would change the committed state, including one a race would produce; and the retention settings apply.
import { promises as fs } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Catalog, LoadedTable } from '../../../core/iceberg/catalog/catalog.js';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import type { DataFile } from '../../../core/iceberg/spec/manifest.js';
import { Transaction } from '../../../core/iceberg/transaction/transaction.js';
import {
  expireTable,
  guardCatalog,
  maintainedTables,
  ProtocolGuardError,
  runMaintenance,
} from '../../../core/maintenance/index.js';
import { committedState, createPipeline } from '../../../core/pipeline/index.js';
import { auditLake, compareAudits } from '../../support/lake-audit.js';
import {
  expectNothingLanded,
  dataFiles,
  filesUnder,
  id,
  ingest,
  lakeRecords,
  newDir,
  rowsFingerprint,
  SALT,
} from './lake-fixture.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

const { records, batches } = lakeRecords(500, 23, 50);

/** A commit of another engine: the table's files copied and swapped in by a replace that carries no summary keys. */
async function foreignRewrite(catalog: Catalog, table: LoadedTable): Promise<LoadedTable> {
  const files = await dataFiles(table);
  const copies: DataFile[] = [];
  for (const f of files) {
    const copy = f.file_path.replace(/\.parquet$/, '-optimized.parquet');
    await fs.copyFile(f.file_path, copy);
    copies.push({ ...f, file_path: copy });
  }
  return new Transaction(catalog, table).replaceFiles(files, copies).commit();
}

const currentOf = (t: LoadedTable) =>
  t.metadata.snapshots!.find((s) => s['snapshot-id'] === t.metadata['current-snapshot-id'])!;

describe('expiry keeps the exactly-once offsets', () => {
  it(
    'ingest -> compact -> expire all but the newest: checkpoints unchanged, a replay lands 0 duplicates',
    { timeout: 120_000 },
    async () => {
      const reference = new LocalCatalog(await newDir(dirs, 'expire-ref-'));
      await ingest(reference, batches);
      const dir = await newDir(dirs, 'expire-lake-');
      const catalog = new LocalCatalog(dir);
      await ingest(catalog, batches.slice(0, 8));
      const states = new Map<string, ReturnType<typeof committedState>>();
      for (const t of maintainedTables()) {
        if (await catalog.tableExists(t)) {
          states.set(`${t.namespace}.${t.name}`, committedState((await catalog.loadTable(t)).metadata));
        }
      }

      const report = await runMaintenance(catalog, {
        operations: ['compact', 'expire'],
        compact: { minInputFiles: 2 },
        expire: { maxSnapshotAgeMs: 0, retainLast: 1 },
      });
      expect(report.totals.failed).toBe(0);
      expect(report.totals.snapshotsExpired).toBeGreaterThan(50);
      for (const [q, state] of states) {
        const table = await catalog.loadTable(id(q));
        expect(table.metadata.snapshots, q).toHaveLength(1);
        expect(committedState(table.metadata), q).toEqual(state);
        // The replaced small files left storage with the snapshots that referenced them.
        const live = (await dataFiles(table)).length;
        const onDisk = (await filesUnder(`${table.metadata.location}/data`)).length;
        expect(onDisk, q).toBe(live);
      }
      expect(report.tables.find((t) => t.table === 'bronze.behaviour')!.compact!.groups).toBeGreaterThan(0);

      // A new consumer resumes from the bronze checkpoints: the highest offset landed per partition.
      const pipeline = createPipeline({ catalog, piiSalt: SALT });
      const landed = batches.slice(0, 8).flat();
      for (const topic of new Set(landed.map((r) => r.topic))) {
        const expected = new Map<number, number>();
        for (const r of landed.filter((x) => x.topic === topic)) {
          expected.set(r.partition, Math.max(expected.get(r.partition) ?? -1, r.offset));
        }
        expect(await pipeline.checkpoint(topic), topic).toEqual(expected);
      }
      // The last batch replayed (a Lambda retry after maintenance ran) lands nothing.
      const replay = await pipeline.process(batches[7]!);
      expectNothingLanded(replay, batches[7]!.length);
      // Ingest goes on, and a replay of everything afterwards lands nothing either: 0 lost, 0 duplicated.
      for (const b of batches.slice(8)) await pipeline.process(b);
      const all = await pipeline.process(records);
      expectNothingLanded(all, records.length);
      expect(compareAudits(await auditLake(catalog), await auditLake(reference))).toEqual([]);
    },
  );

  it('keeps the ancestry down to the snapshot carrying the offsets when a foreign snapshot is on top', async () => {
    const catalog = new LocalCatalog(await newDir(dirs, 'expire-foreign-'));
    await ingest(catalog, batches.slice(0, 4));
    const t = id('bronze.behaviour');
    const before = await catalog.loadTable(t);
    const state = committedState(before.metadata);
    const rows = await rowsFingerprint(before);
    const foreign = await foreignRewrite(catalog, before);
    expect(Object.keys(currentOf(foreign).summary).some((k) => k.startsWith('shoplake.'))).toBe(false);

    // A swap that drops the offsets' snapshot is refused by the guard, and the table is unchanged.
    const dropped = {
      ...foreign.metadata,
      snapshots: [currentOf(foreign)],
      'snapshot-log': foreign.metadata['snapshot-log']!.slice(-1),
    };
    await expect(guardCatalog(catalog).commitTable(foreign, dropped)).rejects.toBeInstanceOf(ProtocolGuardError);
    expect((await catalog.loadTable(t)).metadataLocation).toBe(foreign.metadataLocation);

    const r = await expireTable(catalog, foreign, { maxSnapshotAgeMs: 0, retainLast: 1 });
    expect(r).toMatchObject({ keptForOffsets: true, retainLast: 2, snapshotsBefore: 5, snapshotsAfter: 2 });
    const after = await catalog.loadTable(t);
    expect(committedState(after.metadata)).toEqual(state);
    expect(await rowsFingerprint(after)).toEqual(rows);
  });

  it('recomputes when a foreign snapshot lands while the expiry commits (the guard refuses the stale plan)', async () => {
    const catalog = new LocalCatalog(await newDir(dirs, 'expire-race-'));
    await ingest(catalog, batches.slice(0, 3));
    const t = id('bronze.behaviour');
    const table = await catalog.loadTable(t);
    const state = committedState(table.metadata);
    let raced = false;
    const racing = new Proxy(catalog, {
      get(target, prop, receiver) {
        if (prop === 'commitTable') {
          return async (...args: Parameters<Catalog['commitTable']>) => {
            if (!raced) {
              raced = true;
              await foreignRewrite(target, await target.loadTable(t));
            }
            return target.commitTable(...args);
          };
        }
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const r = await expireTable(racing, table, { maxSnapshotAgeMs: 0, retainLast: 1 });
    expect(raced).toBe(true);
    expect(r).toMatchObject({ keptForOffsets: true, retainLast: 2, snapshotsAfter: 2 });
    expect(committedState((await catalog.loadTable(t)).metadata)).toEqual(state);
  });
});

describe('retention settings', () => {
  it('uses the table property, then the default; keeps the newest N; a dry run predicts the real run', async () => {
    const catalog = new LocalCatalog(await newDir(dirs, 'expire-retention-'));
    await ingest(catalog, batches.slice(0, 5));
    const t = id('bronze.behaviour');
    let table = await catalog.loadTable(t);
    expect(table.metadata.snapshots).toHaveLength(5);
    const tomorrow = () => Date.now() + 86_400_000;

    // Default 5 days: nothing is that old yet.
    expect((await expireTable(catalog, table, { now: tomorrow })).expiredSnapshotIds).toEqual([]);
    // The job's default (SHOPLAKE_SNAPSHOT_RETENTION_DAYS) applies to a table without the property...
    const dry = await expireTable(catalog, table, { now: tomorrow, defaultMaxSnapshotAgeMs: 3_600_000, dryRun: true });
    expect(dry.expiredSnapshotIds).toHaveLength(4);
    expect((await catalog.loadTable(t)).metadata.snapshots).toHaveLength(5);
    // ...but the table's history.expire.* properties win over it.
    table = await new Transaction(catalog, table)
      .setProperties({
        'history.expire.max-snapshot-age-ms': String(30 * 86_400_000),
        'history.expire.min-snapshots-to-keep': '2',
      })
      .commit();
    expect(
      (await expireTable(catalog, table, { now: tomorrow, defaultMaxSnapshotAgeMs: 3_600_000 })).expiredSnapshotIds,
    ).toEqual([]);
    const overridden = await expireTable(catalog, table, { now: tomorrow, maxSnapshotAgeMs: 3_600_000 });
    expect(overridden.retainLast).toBe(2);
    expect(overridden.expiredSnapshotIds).toEqual(dry.expiredSnapshotIds.slice(0, 3));
    expect((await catalog.loadTable(t)).metadata.snapshots).toHaveLength(2);
  });
});

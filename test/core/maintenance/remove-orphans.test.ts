// Orphan-file removal on a lake whose ingest crashed (the pipeline's fault injector, throwing at after-data-files
// and after-manifests, as SHOPLAKE_FAULT crashes leave files): only files that nothing references AND that are
// older than the safety age go; young ones stay; referenced ones always stay; the tables read the same; the
// listing never strays into a sibling folder or a nested table; a table whose referenced files are missing from
// the listing makes it refuse to delete anything.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedTable } from '../../../core/iceberg/catalog/catalog.js';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { maintainedTables, removeOrphans, runMaintenance } from '../../../core/maintenance/index.js';
import { createPipeline } from '../../../core/pipeline/index.js';
import type { FaultPoint } from '../../../core/pipeline/index.js';
import { auditLake, compareAudits } from '../../support/lake-audit.js';
import { referencedFiles } from '../iceberg/transaction/table-fixture.js';
import { backdate, filesUnder, id, ingest, lakeRecords, newDir, rowsFingerprint, SALT } from './lake-fixture.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

const { batches } = lakeRecords(300, 29, 50);
const DAY = 86_400_000;

class Crash extends Error {}

/** Files under the table's folder that its metadata does not reference (computed without core/maintenance). */
async function unreferenced(table: LoadedTable): Promise<string[]> {
  const refs = await referencedFiles(table);
  const all = await filesUnder(table.metadata.location);
  return all.filter((f) => !refs.has(f) && path.basename(f) !== 'version-hint.text');
}

describe('orphan files left by crashed ingest', () => {
  let dir: string;
  let catalog: LocalCatalog;
  let reference: Awaited<ReturnType<typeof auditLake>>;
  const tables: string[] = [];

  beforeAll(async () => {
    const ref = new LocalCatalog(await newDir(dirs, 'orphans-ref-'));
    await ingest(ref, batches);
    reference = await auditLake(ref);

    dir = await newDir(dirs, 'orphans-');
    catalog = new LocalCatalog(dir);
    await ingest(catalog, batches.slice(0, 2));
    // Two crashes on batch 2: after its data files were written, then inside a commit after the manifests.
    for (const point of ['after-data-files', 'after-manifests'] as FaultPoint[]) {
      const crashing = createPipeline({
        catalog,
        piiSalt: SALT,
        fault: (p) => {
          if (p === point) throw new Crash(point);
        },
      });
      // after-manifests surfaces as CommitStateUnknownError (files kept: they may be live).
      await expect(crashing.process(batches[2]!)).rejects.toThrow(point);
    }
    await ingest(catalog, batches.slice(2));
    for (const t of maintainedTables()) if (await catalog.tableExists(t)) tables.push(`${t.namespace}.${t.name}`);
  }, 120_000);

  it('removes exactly the unreferenced files once they are old enough, and nothing a table needs', async () => {
    expect(compareAudits(await auditLake(catalog), reference)).toEqual([]);
    const expected = new Map<string, string[]>();
    for (const q of tables) expected.set(q, await unreferenced(await catalog.loadTable(id(q))));
    const total = [...expected.values()].reduce((n, l) => n + l.length, 0);
    expect(total).toBeGreaterThan(10); // data files of both crashes, manifests and lists of the second

    // Young: nothing is removed, every orphan is counted as too young.
    const young = await runMaintenance(catalog, { operations: ['remove-orphans'] });
    expect(young.totals.orphans).toBe(0);
    for (const q of tables) {
      expect(young.tables.find((t) => t.table === q)!.orphans!.tooYoung, q).toBe(expected.get(q)!.length);
    }
    await expect(removeOrphans(await catalog.loadTable(id(tables[0]!)), { olderThanMs: 10 * 60_000 })).rejects.toThrow(
      /below the 1 hour minimum/,
    );

    // Everything written 4 days ago; one orphan written just now, and an interrupted local write (temp file).
    await backdate(dir, Date.now() - 4 * DAY);
    const behaviour = await catalog.loadTable(id('bronze.behaviour'));
    const fresh = `${behaviour.metadata.location}/data/fresh-uncommitted.parquet`;
    await fs.writeFile(fresh, 'PAR1');
    const temp = `${behaviour.metadata.location}/data/.00000-0-x.parquet.1234.tmp`;
    await fs.writeFile(temp, 'partial');
    const old = new Date(Date.now() - 4 * DAY);
    await fs.utimes(temp, old, old);
    expected.get('bronze.behaviour')!.push(temp);
    expected.get('bronze.behaviour')!.sort();

    const disk = await filesUnder(dir);
    const dry = await runMaintenance(catalog, { operations: ['remove-orphans'], dryRun: true });
    expect(await filesUnder(dir)).toEqual(disk);
    for (const q of tables) {
      const o = dry.tables.find((t) => t.table === q)!.orphans!;
      expect(o.orphans.map((f) => f.location).sort(), q).toEqual(expected.get(q));
      expect(o.removed).toEqual([]);
    }

    const real = await runMaintenance(catalog, { operations: ['remove-orphans'] });
    expect(real.totals.failed).toBe(0);
    expect(real.totals.orphans).toBe(total + 1);
    const gone = new Set([...expected.values()].flat());
    expect(await filesUnder(dir)).toEqual(disk.filter((f) => !gone.has(f)));
    expect(await fs.readFile(fresh, 'utf8')).toBe('PAR1');
    for (const q of tables)
      expect(await unreferenced(await catalog.loadTable(id(q))), q).toEqual(q === 'bronze.behaviour' ? [fresh] : []);
    expect(compareAudits(await auditLake(catalog), reference)).toEqual([]);
  });
});

describe('orphan removal stays inside the table', () => {
  it('lists <location>/ only, skips nested tables, and refuses when referenced files are missing', async () => {
    const dir = await newDir(dirs, 'orphans-bounds-');
    const catalog = new LocalCatalog(dir);
    await ingest(catalog, batches.slice(0, 2));
    const table = await catalog.loadTable(id('bronze.behaviour'));
    const loc = table.metadata.location;
    const sibling = `${loc}_v2/data/x.parquet`; // shares the prefix "behaviour" but is another folder
    const nested = `${loc}/archive/metadata/v1.metadata.json`; // another table's files inside this folder
    for (const f of [sibling, nested]) {
      await fs.mkdir(path.dirname(f), { recursive: true });
      await fs.writeFile(f, 'x');
    }
    await backdate(dir, Date.now() - 4 * DAY);
    const rows = await rowsFingerprint(table);

    const r = await removeOrphans(table, { otherTableLocations: [`${loc}/archive`, loc] });
    expect(r.orphans).toEqual([]);
    expect(await fs.readFile(sibling, 'utf8')).toBe('x');
    expect(await fs.readFile(nested, 'utf8')).toBe('x');
    // Without the nested table's location, its file is an orphan of this table.
    expect((await removeOrphans(table, { dryRun: true })).orphans.map((f) => f.location)).toEqual([nested]);

    // A referenced data file missing from storage: nothing is deleted.
    const orphan = `${loc}/data/leftover.parquet`;
    await fs.writeFile(orphan, 'x');
    await backdate(dir, Date.now() - 4 * DAY);
    const victim = [...(await referencedFiles(table))].find((f) => f.endsWith('.parquet'))!;
    const bytes = await fs.readFile(victim);
    await fs.rm(victim);
    await expect(removeOrphans(table, { otherTableLocations: [`${loc}/archive`] })).rejects.toThrow(
      /file\(s\) the metadata references are not in the listing.*refusing/,
    );
    expect(await fs.readFile(orphan, 'utf8')).toBe('x');
    await fs.writeFile(victim, bytes);
    expect(await rowsFingerprint(await catalog.loadTable(id('bronze.behaviour')))).toEqual(rows);
  });
});

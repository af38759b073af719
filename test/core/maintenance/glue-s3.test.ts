// Maintenance end to end on the AWS path: tables landed by the pipeline through the Glue stub (VersionId
// compare-and-swap) into a real S3-compatible server on loopback, one ingest crash leaving orphans; then the whole
// run (compact, expire, remove orphans) over the deployment's namespaces. Same rows, fewer files, one snapshot
// left, offsets intact, the crash's leftovers gone (once old enough), and a replay lands nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GlueCatalog } from '../../../core/iceberg/catalog/glue-catalog.js';
import type { LoadedTable } from '../../../core/iceberg/catalog/catalog.js';
import { S3FileIO } from '../../../core/iceberg/io/s3-file-io.js';
import { maintainedTables, runMaintenance } from '../../../core/maintenance/index.js';
import { committedState, createPipeline } from '../../../core/pipeline/index.js';
import { auditLake, compareAudits } from '../../support/lake-audit.js';
import { GlueStub } from '../../support/glue-stub.js';
import { startS3Server } from '../../support/s3-server.js';
import type { S3TestServer } from '../../support/s3-server.js';
import { referencedFiles } from '../iceberg/transaction/table-fixture.js';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { promises as fs } from 'node:fs';
import { expectNothingLanded, ingest, lakeRecords, newDir, rowsFingerprint, SALT } from './lake-fixture.js';

const namespaces = { bronze: 'shoplake_test_bronze', silver: 'shoplake_test_silver', ops: 'shoplake_test_ops' };
const { records, batches } = lakeRecords(160, 37, 40);
const dirs: string[] = [];
let s3: S3TestServer;

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('lake');
});
afterAll(async () => {
  await s3.close();
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function unreferenced(table: LoadedTable): Promise<string[]> {
  const refs = await referencedFiles(table);
  return (await table.io.list(`${table.metadata.location}/`)).filter((f) => !refs.has(f)).sort();
}

describe('maintenance on Glue + S3', () => {
  it('compacts, expires and removes orphans; rows, offsets and exactly-once intact', { timeout: 180_000 }, async () => {
    const reference = new LocalCatalog(await newDir(dirs, 'glue-ref-'));
    await ingest(reference, batches);
    const glue = new GlueStub();
    const catalog = new GlueCatalog({
      client: glue.client(),
      warehouse: 's3://lake/warehouse',
      io: new S3FileIO({ client: s3.client }),
    });
    await ingest(catalog, batches.slice(0, 3), { namespaces });
    const crashing = createPipeline({
      catalog,
      piiSalt: SALT,
      namespaces,
      fault: (p) => {
        if (p === 'after-manifests') throw new Error('crash');
      },
    });
    await expect(crashing.process(batches[3]!)).rejects.toThrow(/crash/);
    await ingest(catalog, batches.slice(3), { namespaces });

    const ids = maintainedTables(namespaces);
    const before = new Map<string, { rows: unknown; state: unknown; orphans: string[] }>();
    for (const t of ids) {
      if (!(await catalog.tableExists(t))) continue;
      const table = await catalog.loadTable(t);
      before.set(t.name, {
        rows: await rowsFingerprint(table),
        state: committedState(table.metadata),
        orphans: await unreferenced(table),
      });
    }
    const orphanCount = [...before.values()].reduce((n, b) => n + b.orphans.length, 0);
    expect(orphanCount).toBeGreaterThan(5);

    const later = () => Date.now() + 4 * 86_400_000;
    const report = await runMaintenance(catalog, {
      namespaces,
      compact: { minInputFiles: 2 },
      expire: { maxSnapshotAgeMs: 0, retainLast: 1 },
      orphans: { now: later },
    });
    expect(report.tables.filter((t) => t.status === 'failed').map((t) => t.errors)).toEqual([]);
    expect(report.totals.dataFilesAfter).toBeLessThan(report.totals.dataFilesBefore / 2);
    expect(report.totals.snapshotsExpired).toBeGreaterThan(20);
    expect(report.totals.orphans).toBe(orphanCount);

    for (const t of ids) {
      const b = before.get(t.name);
      if (!b) continue;
      const table = await catalog.loadTable(t);
      expect(await rowsFingerprint(table), t.name).toEqual(b.rows);
      expect(committedState(table.metadata), t.name).toEqual(b.state);
      expect(table.metadata.snapshots, t.name).toHaveLength(1);
      // Nothing unreferenced is left: neither the crash's files nor the compacted and expired ones.
      expect(await unreferenced(table), t.name).toEqual([]);
      // Glue points at the new metadata file (the commit went through UpdateTable with VersionId).
      const stored = glue.tables.get(t.namespace)!.get(t.name)!.table;
      expect(stored.Parameters?.metadata_location).toBe(table.metadataLocation);
    }

    const replay = createPipeline({ catalog, piiSalt: SALT, namespaces });
    const r = await replay.process(records);
    expectNothingLanded(r, records.length);
    expect(compareAudits(await auditLake(catalog, namespaces), await auditLake(reference))).toEqual([]);
  });
});

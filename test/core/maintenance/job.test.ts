// The shipped entrypoints: stream-jobs/maintenance.ts bundled as the image builds it (dist/maintenance.mjs, run
// with the environment the scheduled task gets) and `shoplake maintenance` (the real CLI in a child process).
// Exit codes, one JSON log line per table, the EMF document the metrics come from, and the tables afterwards.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { MAINTENANCE_METRICS, maintainedTables } from '../../../core/maintenance/index.js';
import { committedState } from '../../../core/pipeline/index.js';
import { bundleStreamJobs } from '../../../stream-jobs/bundle.js';
import { shoplake } from '../../bin/cli.js';
import { dataFiles, filesUnder, id, ingest, lakeRecords, newDir, rowsFingerprint } from './lake-fixture.js';

const dirs: string[] = [];
let bundle: string;
const { batches } = lakeRecords(240, 41, 40);

beforeAll(async () => {
  const out = await newDir(dirs, 'maintenance-bundle-');
  bundle = (await bundleStreamJobs(out, ['maintenance'])).maintenance;
}, 120_000);
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

function runJob(env: Record<string, string>): Promise<{ code: number; lines: Record<string, unknown>[] }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SHOPLAKE_')));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [bundle],
      { env: { ...clean, ...env }, cwd: os.tmpdir(), maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => {
        if (err && typeof err.code !== 'number') return reject(err);
        const lines = stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        resolve({ code: err ? (err.code as number) : 0, lines });
      },
    );
  });
}

describe('stream-jobs/maintenance.ts (the scheduled ECS task)', () => {
  it('maintains every table, logs a line per table, publishes EMF, and exits 0', async () => {
    const dir = await newDir(dirs, 'maintenance-job-');
    const catalog = new LocalCatalog(dir);
    await ingest(catalog, batches);
    const before = new Map<string, { rows: unknown; state: unknown; files: number }>();
    for (const t of maintainedTables()) {
      if (!(await catalog.tableExists(t))) continue;
      const table = await catalog.loadTable(t);
      before.set(`${t.namespace}.${t.name}`, {
        rows: await rowsFingerprint(table),
        state: committedState(table.metadata),
        files: (await dataFiles(table)).length,
      });
    }

    const { code, lines } = await runJob({
      SHOPLAKE_WAREHOUSE: dir,
      SHOPLAKE_CATALOG: 'local',
      SHOPLAKE_COMPACTION_WINDOW_DAYS: '3',
      SHOPLAKE_SNAPSHOT_RETENTION_DAYS: '7',
      SHOPLAKE_COMPACTION_MIN_INPUT_FILES: '2',
      SHOPLAKE_EXPIRE_OLDER_THAN: '0s',
      SHOPLAKE_EXPIRE_RETAIN_LAST: '1',
      POWERTOOLS_SERVICE_NAME: 'shoplake-test',
      POWERTOOLS_METRICS_NAMESPACE: 'shoplake',
    });
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ level: 'INFO', message: 'maintenance started', catalog: 'local' });
    const tableLines = lines.filter((l) => typeof l.table === 'string');
    expect(tableLines.map((l) => l.table)).toEqual(maintainedTables().map((t) => `${t.namespace}.${t.name}`));
    for (const l of tableLines) expect(l.status).toBe(before.has(l.table as string) ? 'ok' : 'missing');

    const emf = lines.filter((l) => '_aws' in l);
    expect(emf).toHaveLength(1);
    const doc = emf[0]!;
    const meta = (doc._aws as { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] })
      .CloudWatchMetrics[0]!;
    expect(meta.Namespace).toBe('shoplake');
    expect(doc.service).toBe('shoplake-test');
    expect(new Set(meta.Metrics.map((m) => m.Name))).toEqual(new Set(Object.values(MAINTENANCE_METRICS)));
    const finished = lines.at(-1)!;
    expect(finished.message).toBe('maintenance finished');
    expect(doc[MAINTENANCE_METRICS.tables]).toBe(finished.tables);
    expect(doc[MAINTENANCE_METRICS.dataFilesBefore]).toBe(finished.dataFilesBefore);
    expect(doc[MAINTENANCE_METRICS.dataFilesAfter]).toBe(finished.dataFilesAfter);
    expect(doc[MAINTENANCE_METRICS.snapshotsExpired]).toBe(finished.snapshotsExpired);
    expect(finished.dataFilesAfter as number).toBeLessThan(finished.dataFilesBefore as number);

    for (const [q, b] of before) {
      const table = await catalog.loadTable(id(q));
      expect(await rowsFingerprint(table), q).toEqual(b.rows);
      expect(committedState(table.metadata), q).toEqual(b.state);
      expect(table.metadata.snapshots, q).toHaveLength(1);
    }

    // A table that cannot be read fails the run (exit 1); the others are still maintained.
    const pv = await catalog.loadTable(id('silver.page_viewed'));
    await fs.writeFile(pv.metadataLocation, '{ not json');
    const failed = await runJob({
      SHOPLAKE_WAREHOUSE: dir,
      SHOPLAKE_MAINTENANCE_TABLES: 'silver.page_viewed,bronze.behaviour',
    });
    expect(failed.code).toBe(1);
    expect(failed.lines.find((l) => l.table === 'silver.page_viewed')).toMatchObject({
      level: 'ERROR',
      status: 'failed',
    });
    expect(failed.lines.find((l) => l.table === 'bronze.behaviour')).toMatchObject({ status: 'ok' });
  }, 120_000);

  it('exits 2 on bad settings, naming the variable', async () => {
    const { code, lines } = await runJob({ SHOPLAKE_WAREHOUSE: os.tmpdir(), SHOPLAKE_ORPHAN_AGE: '10m' });
    expect(code).toBe(2);
    expect(lines[0]).toMatchObject({ level: 'ERROR' });
    expect(String(lines[0]!.message)).toMatch(/SHOPLAKE_ORPHAN_AGE="10m"/);
  });
});

describe('shoplake maintenance (CLI)', () => {
  it('documents its subcommands, dry-runs without changing anything, and names a bad flag', async () => {
    const help = await shoplake(['maintenance', '--help']);
    expect(help.code).toBe(0);
    for (const c of ['run', 'compact', 'expire', 'remove-orphans'])
      expect(help.stdout).toMatch(new RegExp(`\\b${c}\\b`));

    const dir = await newDir(dirs, 'maintenance-cli-');
    await ingest(new LocalCatalog(dir), batches.slice(0, 4));
    const disk = await filesUnder(dir);
    const dry = await shoplake([
      'maintenance',
      'run',
      '--warehouse',
      dir,
      '--dry-run',
      '--json',
      '--min-input-files',
      '2',
    ]);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    const report = JSON.parse(dry.stdout) as {
      dryRun: boolean;
      tables: { table: string; compact?: { groups: number; rewrittenFiles: number } }[];
    };
    expect(report.dryRun).toBe(true);
    const behaviour = report.tables.find((t) => t.table === 'bronze.behaviour')!;
    expect(behaviour.compact).toMatchObject({ groups: 1, rewrittenFiles: 4 });
    expect(await filesUnder(dir)).toEqual(disk);

    const compact = await shoplake([
      'maintenance',
      'compact',
      '--warehouse',
      dir,
      '--table',
      'bronze.behaviour',
      '--min-input-files',
      '2',
    ]);
    expect(compact.code).toBe(0);
    expect(compact.stdout).toMatch(/bronze\.behaviour\s+ok\s+4 -> 1/);
    expect(compact.stderr).toMatch(/bronze\.behaviour: ok/);

    const bad = await shoplake(['maintenance', 'expire', '--warehouse', dir, '--older-than', '5']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--older-than \(SHOPLAKE_EXPIRE_OLDER_THAN\)="5" is not a duration/);
    const missing = await shoplake(['maintenance', 'run', '--warehouse', path.join(dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/is not a directory/);
  }, 120_000);
});

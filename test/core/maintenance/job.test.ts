// The shipped entrypoints: stream-jobs/maintenance.ts bundled as the image builds it (dist/maintenance.mjs, run
// with the environment the scheduled task gets) and `shoplake maintenance` (the real CLI in a child process).
// Exit codes, one JSON log line per table, the EMF document the metrics come from, and the tables afterwards.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceCommand } from '../../../bin/commands/maintenance.js';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { MAINTENANCE_METRICS, maintainedTables, runMaintenance } from '../../../core/maintenance/index.js';
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

function runJob(
  env: Record<string, string>,
): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SHOPLAKE_')));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [bundle],
      { env: { ...clean, ...env }, cwd: os.tmpdir(), maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        const lines = stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        resolve({ code: err ? (err.code as number) : 0, lines, stderr });
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

    const { code, lines, stderr } = await runJob({
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
    expect(code, `${JSON.stringify(lines.filter((l) => l.level === 'ERROR'))}\n${stderr}`).toBe(0);
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

  it('stops between tables when aborted (what SIGTERM does)', async () => {
    const dir = await newDir(dirs, 'maintenance-abort-');
    const catalog = new LocalCatalog(dir);
    await ingest(catalog, batches.slice(0, 2));
    const stop = new AbortController();
    const report = await runMaintenance(catalog, { signal: stop.signal, onTable: () => stop.abort() });
    expect(report.stopped).toBe(true);
    expect(report.tables.map((t) => t.table)).toEqual(['bronze.behaviour']);
  });

  it('exits 2 on bad settings, naming the variable', async () => {
    const { code, lines } = await runJob({ SHOPLAKE_WAREHOUSE: os.tmpdir(), SHOPLAKE_ORPHAN_AGE: '10m' });
    expect(code).toBe(2);
    expect(lines[0]).toMatchObject({ level: 'ERROR' });
    expect(String(lines[0]!.message)).toMatch(/SHOPLAKE_ORPHAN_AGE="10m"/);
  });
});

/** `shoplake <args>` with the maintenance command parsed in this process (stdout, stderr and exit code captured). */
async function inProcess(args: string[]) {
  let stdout = '';
  let stderr = '';
  const program = new Command('shoplake').addCommand(maintenanceCommand());
  const configure = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (x) => (stdout += x), writeErr: (x) => (stderr += x) });
    c.commands.forEach(configure);
  };
  configure(program);
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((x: string | Uint8Array) => ((stdout += String(x)), true)) as typeof process.stdout.write;
  process.stderr.write = ((x: string | Uint8Array) => ((stderr += String(x)), true)) as typeof process.stderr.write;
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'shoplake', ...args]);
    return { error: undefined as Error | undefined, exitCode: process.exitCode, stdout, stderr };
  } catch (e) {
    return { error: e as Error, exitCode: process.exitCode, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = before;
  }
}

describe('shoplake maintenance (CLI)', () => {
  it('runs from the real CLI entry: a dry run reports and changes nothing', async () => {
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
    expect(report.tables.find((t) => t.table === 'bronze.behaviour')!.compact).toMatchObject({
      groups: 1,
      rewrittenFiles: 4,
    });
    expect(await filesUnder(dir)).toEqual(disk);
  }, 60_000);

  it('documents its subcommands, compacts one table, and names a bad flag', async () => {
    const help = await inProcess(['maintenance', '--help']);
    for (const c of ['run', 'compact', 'expire', 'remove-orphans'])
      expect(help.stdout).toMatch(new RegExp(`\\b${c}\\b`));
    const expireHelp = await inProcess(['maintenance', 'expire', '--help']);
    expect(expireHelp.stdout).toMatch(/--older-than/);
    expect(expireHelp.stdout).not.toMatch(/--orphan-age|--min-input-files/);

    const dir = await newDir(dirs, 'maintenance-cli2-');
    await ingest(new LocalCatalog(dir), batches.slice(0, 4));
    const compact = await inProcess([
      'maintenance',
      'compact',
      '--warehouse',
      dir,
      '--table',
      'bronze.behaviour',
      '--min-input-files',
      '2',
    ]);
    expect(compact.error).toBeUndefined();
    expect(compact.exitCode).toBeUndefined();
    expect(compact.stdout).toMatch(/bronze\.behaviour\s+ok\s+4 -> 1/);
    expect(compact.stderr).toMatch(/bronze\.behaviour: ok/);
    expect((await dataFiles(await new LocalCatalog(dir).loadTable(id('bronze.behaviour')))).length).toBe(1);

    const bad = await inProcess(['maintenance', 'expire', '--warehouse', dir, '--older-than', '5']);
    expect(bad.error?.message).toMatch(/--older-than \(SHOPLAKE_EXPIRE_OLDER_THAN\)="5" is not a duration/);
    const missing = await inProcess(['maintenance', 'run', '--warehouse', path.join(dir, 'nope')]);
    expect(missing.error?.message).toMatch(/is not a directory/);
  }, 60_000);
});

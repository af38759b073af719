// The local lakehouse through the real CLI, end to end in a temp warehouse: `local run` (5k events) reconciles,
// `tables` lists what the run reported, `query` counts what the generator says landed, and a re-run appends.
// The JSON outputs come from real processes; the text layouts and the re-run use the same commands in-process.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../core/contracts/index.js';
import { generateEvents } from '../../core/generator/generate-events.js';
import { formatBytes } from '../../core/local/format-table.js';
import type { LocalRunResult } from '../../core/local/run-local.js';
import type { TableStats } from '../../core/local/table-stats.js';
import { inProcess, shoplake } from './cli.js';
import type { CliResult } from './cli.js';

const EVENTS = 5000;
let root: string;
let warehouse: string;
let run: CliResult;
let summary: LocalRunResult;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-local-'));
  warehouse = path.join(root, 'warehouse');
  run = await shoplake([
    'local',
    'run',
    '--events',
    String(EVENTS),
    '--warehouse',
    warehouse,
    '--no-progress',
    '--json',
  ]);
  if (run.code !== 0) throw new Error(`local run exited ${run.code}:\n${run.stderr}`);
  summary = JSON.parse(run.stdout) as LocalRunResult;
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** What the generator made for the default seed: valid order_created events that are not resends. */
function expectedOrderCreated(): number {
  let n = 0;
  for (const r of generateEvents({ seed: 42, events: EVENTS })) {
    if ((r.kind === 'good' || r.kind === 'late') && r.eventType === 'order_created') n++;
  }
  return n;
}

describe('shoplake local run --json', () => {
  it('exits 0 with a summary that reconciles', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(summary.reconciliation.ok).toBe(true);
    const c = summary.counts;
    expect(c.in).toBe(EVENTS);
    expect(c.bronze).toBe(EVENTS);
    expect(c.silver + c.quarantined + c.duplicates).toBe(EVENTS);
    expect(c.quarantined).toBeGreaterThan(0);
    expect(c.duplicates).toBeGreaterThan(0);
    expect(summary.throughput.recordsPerSecond).toBeGreaterThan(0);
    expect(run.stderr).not.toMatch(/^local run /m);
  });
});

describe('shoplake local run --seed', () => {
  /** Records per test kind the generator makes for a seed (kinds it never made left out). */
  const kinds = (seed: number, events: number): Record<string, number> => {
    const n: Record<string, number> = {};
    for (const r of generateEvents({ seed, events })) n[r.kind] = (n[r.kind] ?? 0) + 1;
    return n;
  };
  const nonZero = (byKind: Record<string, number>) => Object.fromEntries(Object.entries(byKind).filter(([, v]) => v));

  it('generates the events of that seed', async () => {
    const r = await inProcess([
      'local',
      'run',
      '--seed',
      '7',
      '--events',
      '500',
      '--warehouse',
      path.join(root, 'seed-7'),
      '--no-progress',
      '--json',
    ]);
    expect(r.error).toBeUndefined();
    const s = JSON.parse(r.stdout) as LocalRunResult;
    expect(s.seed).toBe(7);
    expect(s.reconciliation.ok).toBe(true);
    expect(s.generated.records).toBe(500);
    expect(nonZero(s.generated.byKind)).toEqual(kinds(7, 500));
    expect(nonZero(s.generated.byKind)).not.toEqual(kinds(42, 500));
  });
});

describe('shoplake local run --progress (stderr not a terminal)', () => {
  it('prints progress lines on stderr, the last one at the final counts', async () => {
    const r = await shoplake([
      'local',
      'run',
      '--events',
      '300',
      '--batch-size',
      '100',
      '--warehouse',
      path.join(root, 'progress'),
      '--progress',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as LocalRunResult;
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('local run '));
    expect(lines[0]).toBe('local run 0/300 records (0%), 0 rec/s, quarantined 0, duplicates 0');
    const last = new RegExp(
      `^local run 300/300 records \\(100%\\), [1-9]\\d* rec/s, quarantined ${s.counts.quarantined}, duplicates ${s.counts.duplicates}$`,
    );
    expect(lines.at(-1)).toMatch(last);
    expect(s.counts.quarantined + s.counts.duplicates).toBeGreaterThan(0);
  });
});

describe('shoplake local run --dedup-max-ids', () => {
  it('gives the pipeline its cap: at 1 id per table, resends of earlier batches land, and it still reconciles', async () => {
    const wh = path.join(root, 'capped');
    const args = ['local', 'run', '--events', '800', '--batch-size', '40', '--no-progress', '--json'];
    const capped = await inProcess([...args, '--warehouse', wh, '--dedup-max-ids', '1']);
    expect(capped.error).toBeUndefined();
    const c = JSON.parse(capped.stdout) as LocalRunResult;
    expect(c.reconciliation.ok).toBe(true);
    const resent = c.generated.byKind.duplicate;
    expect(resent).toBeGreaterThan(0);
    // Only a resend within its own 50-record batch is still caught once every committed day is evicted.
    expect(c.counts.duplicates).toBeLessThan(resent);
    const uncapped = JSON.parse((await inProcess([...args, '--warehouse', path.join(root, 'uncapped')])).stdout);
    expect((uncapped as LocalRunResult).counts.duplicates).toBe(resent);
  });
});

describe('shoplake tables', () => {
  it('--json lists every table the run reported, with the same figures', async () => {
    const r = await shoplake(['tables', '--warehouse', warehouse, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const tables = JSON.parse(r.stdout) as (TableStats & { lastCommit: string })[];
    expect(tables.map((t) => t.table)).toEqual(summary.tables.map((t) => t.table));
    for (const t of tables) {
      const s = summary.tables.find((x) => x.table === t.table)!;
      expect({ ...t, lastCommit: undefined }, t.table).toMatchObject({
        currentSnapshotId: s.currentSnapshotId,
        records: s.records,
        dataFiles: s.dataFiles,
        bytes: s.bytes,
        snapshots: s.snapshots,
      });
      expect(Date.parse(t.lastCommit)).toBe(t.lastCommitMs);
    }
    const bronze = tables.filter((t) => t.namespace === 'bronze').reduce((n, t) => n + t.records, 0);
    expect(bronze).toBe(EVENTS);
  });

  it('prints an aligned table', async () => {
    const r = await inProcess(['tables', '--warehouse', warehouse]);
    expect(r.error).toBeUndefined();
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^table\s+current snapshot\s+records\s+files\s+bytes\s+snapshots\s+last commit$/);
    expect(lines[1]).toMatch(/^-+( +-+){6}$/);
    const orders = summary.tables.find((t) => t.table === 'silver.order_created')!;
    expect(lines.find((l) => l.startsWith('silver.order_created '))).toContain(orders.currentSnapshotId!);
    expect(lines).toHaveLength(2 + summary.tables.length);
  });
});

describe('shoplake query', () => {
  it('counts what the generator made and what the run reported (--json, one query, several tables)', async () => {
    // Tables this run created, by the kind the contracts give them (silver event tables, not child tables).
    const present = new Set(summary.tables.map((t) => t.table));
    const of = (kind: string): string =>
      contracts()
        .tables.filter((t) => t.kind === kind && present.has(t.qualifiedName))
        .map((t) => `(SELECT count(*) FROM ${t.qualifiedName})`)
        .join(' + ');
    const sql =
      'SELECT (SELECT count(*) FROM silver.order_created) AS order_created, ' +
      `${of('bronze')} AS bronze, ${of('silver')} AS silver, ${of('ops')} AS quarantined`;
    const r = await shoplake(['query', '--warehouse', warehouse, '--json', sql]);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, number>[];
    expect(rows).toEqual([
      {
        order_created: expectedOrderCreated(),
        bronze: EVENTS,
        silver: summary.counts.silver,
        quarantined: summary.counts.quarantined,
      },
    ]);
    expect(rows[0]!.order_created).toBeGreaterThan(0);
  });

  it('prints an aligned table with exact decimals and a row count', async () => {
    const r = await inProcess([
      'query',
      '--warehouse',
      warehouse,
      "SELECT 'x' AS label, 12.30::DECIMAL(12,2) AS price, 9007199254740993::BIGINT AS big",
    ]);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe(
      [
        'label  price               big',
        '-----  -----  ----------------',
        'x      12.30  9007199254740993',
        '(1 row)',
        '',
      ].join('\n'),
    );
  });

  it('fails with DuckDB’s message on bad SQL', async () => {
    const r = await inProcess(['query', '--warehouse', warehouse, 'SELEC 1']);
    expect(r.error?.message).toMatch(/^Parser Error: syntax error at or near "SELEC"/);
    expect(r.stdout).toBe('');
  });
});

describe('shoplake local run again (text summary)', () => {
  it('appends to the warehouse and reconciles', async () => {
    const r = await inProcess(['local', 'run', '--events', '500', '--warehouse', warehouse, '--no-progress']);
    expect(r.error).toBeUndefined();
    expect(r.exitCode).toBeUndefined();
    expect(r.stdout).toMatch(/continued the stream already in the warehouse/);
    expect(r.stdout).toMatch(new RegExp(`seed ${42 + EVENTS}\\b`));
    expect(r.stdout).toMatch(/bronze\s+500\s+= in: ok/);
    expect(r.stdout).toMatch(/silver \+ quarantined \+ duplicate-skipped\s+500\s+= in: ok/);
    expect(r.stdout).toMatch(/\n {2}reconciled\n/);
    expect(r.stdout).toMatch(/throughput: 500 records/);
    const t = await inProcess(['tables', '--warehouse', warehouse, '--json']);
    const tables = JSON.parse(t.stdout) as TableStats[];
    const bronze = tables.filter((x) => x.namespace === 'bronze').reduce((n, x) => n + x.records, 0);
    expect(bronze).toBe(EVENTS + 500);

    // The per-table block: header, rule, one row per table with rows, then the totals row.
    const lines = r.stdout.split('\n');
    const head = lines.findIndex((l) => /^table\s+rows\s+this run\s+files\s+snapshots\s+bytes$/.test(l));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toMatch(/^-+( +-+){5}$/);
    const end = lines.indexOf('', head);
    const body = lines.slice(head + 2, end).map((l) => l.split(/ {2,}/));
    const count = (n: number) => n.toLocaleString('en-US');
    const before = new Map(summary.tables.map((x) => [x.table, x.records]));
    const withRows = tables.filter((x) => x.records > 0);
    expect(withRows.length).toBeGreaterThan(10);
    expect(body.slice(0, -1)).toEqual(
      withRows.map((x) => [
        x.table,
        count(x.records),
        count(x.records - (before.get(x.table) ?? 0)),
        count(x.dataFiles),
        count(x.snapshots),
        formatBytes(x.bytes),
      ]),
    );
    const sum = (f: (x: TableStats) => number) => tables.reduce((n, x) => n + f(x), 0);
    expect(body.at(-1)).toEqual([
      '(all tables)',
      count(sum((x) => x.dataFiles)),
      count(sum((x) => x.snapshots)),
      formatBytes(sum((x) => x.bytes)),
    ]);
  });
});

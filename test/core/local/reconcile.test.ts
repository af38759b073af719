// reconcile: every check holds on consistent counts, and each kind of loss or double count is caught and named.
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../core/local/reconcile.js';
import type { LocalRunCounts, LocalTableResult } from '../../../core/local/run-local.js';
import { formatRunSummary } from '../../../core/local/format-run-summary.js';
import type { LocalRunResult } from '../../../core/local/run-local.js';

const counts = (over: Partial<LocalRunCounts> = {}): LocalRunCounts => ({
  in: 100,
  bytesIn: 5000,
  bronze: 100,
  silver: 95,
  quarantined: 3,
  duplicates: 2,
  late: 1,
  alreadyCommitted: 0,
  bronzeAlreadyCommitted: 0,
  reasons: { not_json: 3 },
  ...over,
});

function table(name: string, kind: LocalTableResult['kind'], added: number, written = added): LocalTableResult {
  const [namespace, tableName] = name.split('.') as [string, string];
  return {
    table: name,
    namespace,
    name: tableName,
    location: `/wh/${namespace}/${tableName}`,
    formatVersion: 2,
    currentSnapshotId: '1',
    records: added,
    dataFiles: 1,
    deleteFiles: 0,
    bytes: 1000,
    snapshots: 1,
    lastCommitMs: 0,
    totalsFrom: 'summary',
    kind,
    added,
    written,
  };
}

const tables = (): LocalTableResult[] => [
  table('bronze.orders', 'bronze', 100),
  table('silver.order_created', 'silver', 95),
  table('silver.order_line_items', 'child', 210),
  table('ops.quarantine', 'ops', 3),
];

const failed = (r: ReturnType<typeof reconcile>): string[] => r.checks.filter((c) => !c.ok).map((c) => c.name);

describe('reconcile', () => {
  it('passes when in = bronze = silver + quarantined + duplicates and the tables grew by those rows', () => {
    const r = reconcile(100, counts(), tables());
    expect(failed(r)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('catches a record the pipeline never saw', () => {
    expect(failed(reconcile(101, counts(), tables()))).toEqual(['records through the pipeline = records generated']);
  });

  it('catches a record missing from bronze', () => {
    const r = reconcile(100, counts({ bronze: 99 }), tables());
    expect(failed(r)).toEqual(['bronze = in', 'bronze tables grew by bronze']);
  });

  it('catches a record lost between silver, quarantine and the duplicate count', () => {
    const r = reconcile(100, counts({ duplicates: 1 }), tables());
    expect(failed(r)).toEqual(['silver + quarantined + duplicate-skipped = in']);
    expect(r.ok).toBe(false);
  });

  it('catches a table that grew by more than the pipeline wrote (a double commit or another writer)', () => {
    const t = tables();
    t[2] = table('silver.order_line_items', 'child', 215, 210);
    expect(failed(reconcile(100, counts(), t))).toEqual(['silver.order_line_items grew by the rows written to it']);
    t[1] = table('silver.order_created', 'silver', 96, 95);
    expect(failed(reconcile(100, counts(), t))).toEqual([
      'silver event tables grew by silver',
      'silver.order_created grew by the rows written to it',
      'silver.order_line_items grew by the rows written to it',
    ]);
  });

  it('the summary prints the failures and NOT RECONCILED', () => {
    const c = counts({ duplicates: 1 });
    const t = tables();
    const result = {
      warehouse: '/wh',
      seed: 42,
      events: 100,
      batchSize: 10,
      continued: false,
      start: '2025-03-03T00:00:00.000Z',
      batches: 10,
      generated: { byKind: { good: 94, late: 1, duplicate: 2, not_json: 3 } },
      counts: c,
      tables: t,
      reconciliation: reconcile(100, c, t),
      timings: { totalMs: 1000, cpuMs: 900, generateMs: 100, decodeMskMs: 10, pipelineMs: 800, commitMs: 100 },
      throughput: { recordsPerSecond: 100, megabytesPerSecond: 0.005 },
    } as unknown as LocalRunResult;
    const text = formatRunSummary(result);
    expect(text).toMatch(/silver \+ quarantined \+ duplicate-skipped\s+99 {2}= in: MISMATCH/);
    expect(text).toContain('FAILED: silver + quarantined + duplicate-skipped = in: expected 100, got 99');
    expect(text).toMatch(/\n {2}NOT RECONCILED\n/);
  });
});

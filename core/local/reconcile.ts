// reconcile: count in, count out. From the pipeline's counts of a run and the tables' own snapshot totals before
// and after it, the checks a local run must pass (any failure makes `shoplake local run` exit 1):
//   in = generated;  bronze = in;  silver + quarantined + duplicate-skipped = in;
//   the bronze, silver-event and ops tables grew by exactly bronze, silver and quarantined rows;
//   every table grew by exactly the rows the pipeline says it wrote to it (child tables included).
import type { LocalRunCounts, LocalTableResult } from './run-local.js';

export interface ReconciliationCheck {
  name: string;
  expected: number;
  actual: number;
  ok: boolean;
}

export interface Reconciliation {
  ok: boolean;
  checks: ReconciliationCheck[];
}

export function reconcile(generated: number, counts: LocalRunCounts, tables: LocalTableResult[]): Reconciliation {
  const check = (name: string, expected: number, actual: number): ReconciliationCheck => ({
    name,
    expected,
    actual,
    ok: expected === actual,
  });
  const grew = (kind: LocalTableResult['kind']): number =>
    tables.filter((t) => t.kind === kind).reduce((n, t) => n + t.added, 0);
  const checks = [
    check('records through the pipeline = records generated', generated, counts.in),
    check('bronze = in', counts.in, counts.bronze),
    check(
      'silver + quarantined + duplicate-skipped = in',
      counts.in,
      counts.silver + counts.quarantined + counts.duplicates,
    ),
    check('bronze tables grew by bronze', counts.bronze, grew('bronze')),
    check('silver event tables grew by silver', counts.silver, grew('silver')),
    check('ops tables grew by quarantined', counts.quarantined, grew('ops')),
    ...tables.map((t) => check(`${t.table} grew by the rows written to it`, t.written, t.added)),
  ];
  return { ok: checks.every((c) => c.ok), checks };
}

// formatRunSummary: the text `shoplake local run` ends with: per table rows, files, snapshots and bytes; the
// reconciliation (in = bronze = silver + quarantined + duplicate-skipped, and the tables' own totals); and where
// the time went.
import { BAD_KINDS } from '../generator/record.js';
import { formatBytes, formatCount, formatTable } from './format-table.js';
import type { LocalRunResult } from './run-local.js';

export function formatRunSummary(r: LocalRunResult): string {
  const c = r.counts;
  const out: string[] = [];
  const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  out.push(
    `shoplake local run: ${formatCount(r.events)} events (seed ${r.seed}) into ${r.warehouse}`,
    `  ${r.continued ? 'continued the stream already in the warehouse; ' : ''}simulated time from ${r.start}; ` +
      `${formatCount(r.batches)} MSK batches of up to ${formatCount(r.batchSize)} records`,
    '',
  );

  const rows = r.tables
    .filter((t) => t.records > 0 || t.added > 0)
    .map((t) => [
      t.table,
      formatCount(t.records),
      formatCount(t.added),
      formatCount(t.dataFiles),
      formatCount(t.snapshots),
      formatBytes(t.bytes),
    ]);
  const total = r.tables.reduce(
    (a, t) => ({ files: a.files + t.dataFiles, snapshots: a.snapshots + t.snapshots, bytes: a.bytes + t.bytes }),
    { files: 0, snapshots: 0, bytes: 0 },
  );
  rows.push(['(all tables)', '', '', formatCount(total.files), formatCount(total.snapshots), formatBytes(total.bytes)]);
  out.push(
    formatTable(['table', 'rows', 'this run', 'files', 'snapshots', 'bytes'], rows, {
      align: ['left', 'right', 'right', 'right', 'right', 'right'],
    }),
    '',
  );

  const g = r.generated.byKind;
  const bad = BAD_KINDS.reduce((n, k) => n + g[k], 0);
  const mark = (ok: boolean): string => (ok ? 'ok' : 'MISMATCH');
  const line = (label: string, n: number, note = ''): string =>
    `  ${label.padEnd(40)} ${formatCount(n).padStart(10)}${note ? `  ${note}` : ''}`;
  const inOk = c.bronze === c.in;
  const splitOk = c.silver + c.quarantined + c.duplicates === c.in;
  out.push(
    'reconciliation',
    line('in (records through the pipeline)', c.in),
    line('bronze', c.bronze, `= in: ${mark(inOk)}`),
    line('silver (events landed)', c.silver, `of which late: ${formatCount(c.late)}`),
    line('quarantined', c.quarantined),
    line('duplicate-skipped', c.duplicates),
    line('silver + quarantined + duplicate-skipped', c.silver + c.quarantined + c.duplicates, `= in: ${mark(splitOk)}`),
  );
  if (c.alreadyCommitted > 0 || c.bronzeAlreadyCommitted > 0) {
    out.push(line('skipped as already committed', c.alreadyCommitted + c.bronzeAlreadyCommitted, 'expected 0'));
  }
  const reasons = Object.entries(c.reasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0)
    out.push(`  quarantine reasons: ${reasons.map(([k, n]) => `${k} ${formatCount(n)}`).join(', ')}`);
  out.push(
    `  generated: ${formatCount(g.good)} good, ${formatCount(g.late)} late, ${formatCount(g.duplicate)} duplicate, ${formatCount(bad)} bad`,
  );
  const tableChecks = r.reconciliation.checks.filter((k) => k.name.includes('grew'));
  out.push(
    `  table snapshot totals agree with the pipeline's counts: ${tableChecks.every((k) => k.ok) ? 'ok' : 'MISMATCH'}`,
  );
  const failed = r.reconciliation.checks.filter((k) => !k.ok);
  for (const f of failed)
    out.push(`  FAILED: ${f.name}: expected ${formatCount(f.expected)}, got ${formatCount(f.actual)}`);
  out.push(`  ${r.reconciliation.ok ? 'reconciled' : 'NOT RECONCILED'}`, '');

  const t = r.timings;
  out.push(
    `throughput: ${formatCount(c.in)} records (${formatBytes(c.bytesIn)}) in ${secs(t.totalMs)} = ` +
      `${formatCount(Math.round(r.throughput.recordsPerSecond))} records/s (${r.throughput.megabytesPerSecond.toFixed(2)} MiB/s); ` +
      `CPU ${secs(t.cpuMs)}`,
    `  time: generate ${secs(t.generateMs)}, MSK event decode ${secs(t.decodeMskMs)}, pipeline ${secs(t.pipelineMs)} ` +
      `(of which commits ${secs(t.commitMs)}), other ${secs(t.totalMs - t.generateMs - t.decodeMskMs - t.pipelineMs)}`,
  );
  return out.join('\n');
}

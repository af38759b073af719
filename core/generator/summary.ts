// A human-readable summary of a run's stats: what the CLI prints at the end and what `shoplake local run` can
// show before ingest exists. Counts per kind, topic and event type, the funnel, and the time range covered.
import { BAD_KINDS, GOOD_KINDS } from './record.js';
import type { GenerationStats } from './generate-events.js';

export function formatSummary(stats: GenerationStats): string {
  const lines: string[] = [];
  const pct = (n: number, of: number): string => (of === 0 ? '0.00%' : `${((100 * n) / of).toFixed(2)}%`);
  const row = (label: string, n: number, of = stats.records): string =>
    `  ${label.padEnd(22)} ${String(n).padStart(10)}  ${pct(n, of).padStart(7)}`;
  lines.push(
    `records ${stats.records} (${(stats.bytes / 1024 / 1024).toFixed(1)} MiB of values) from ${stats.shops} shops`,
  );
  if (stats.firstTimestamp !== null && stats.lastTimestamp !== null) {
    lines.push(
      `kafka timestamps ${new Date(stats.firstTimestamp).toISOString()} .. ${new Date(stats.lastTimestamp).toISOString()}`,
    );
  }
  lines.push('by kind:');
  for (const k of [...GOOD_KINDS, ...BAD_KINDS]) if (stats.byKind[k] > 0) lines.push(row(k, stats.byKind[k]));
  lines.push('by topic:');
  for (const [t, n] of Object.entries(stats.byTopic).sort()) lines.push(row(t, n));
  lines.push('by event type:');
  for (const [t, n] of Object.entries(stats.byEventType).sort((a, b) => b[1] - a[1])) lines.push(row(t, n));
  const f = stats.funnel;
  lines.push(`funnel (visits started): ${f.sessions} visits`);
  lines.push(row('viewed a product', f.productViewers, f.sessions));
  lines.push(row('added to cart', f.carts, f.sessions));
  lines.push(row('started checkout', f.checkouts, f.sessions));
  lines.push(row('ordered', f.orders, f.sessions));
  return lines.join('\n');
}

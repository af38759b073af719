// formatTable: rows of text cells as an aligned plain-text table (header, rule, rows), the output of
// `shoplake tables` and `shoplake query`. Numbers right-aligned, everything else left-aligned; control characters
// are shown escaped so that a value never breaks the layout, and long cells are cut with an ellipsis.

export type Align = 'left' | 'right';

export interface FormatTableOptions {
  /** Per column; default left. */
  align?: Align[];
  /** Longest cell in characters before it is cut (default 80). */
  maxCellWidth?: number;
}

export function formatTable(header: string[], rows: string[][], options: FormatTableOptions = {}): string {
  const max = options.maxCellWidth ?? 80;
  const clean = (s: string): string => {
    const t = escapeControl(s);
    return t.length > max ? `${t.slice(0, max - 1)}…` : t;
  };
  const head = header.map(clean);
  const body = rows.map((r) => header.map((_, i) => clean(r[i] ?? '')));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (options.align?.[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function escapeControl(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\t'
        ? '\\t'
        : c === '\r'
          ? '\\r'
          : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Bytes in binary units: "512 B", "12.3 KiB", "4.5 MiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** ms since epoch -> "2026-11-22 06:30:01Z" (UTC, to the second). */
export function formatTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

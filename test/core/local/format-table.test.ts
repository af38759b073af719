// formatTable and the number/byte/time formats of the CLI output.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatTable, formatTime } from '../../../core/local/format-table.js';

describe('formatTable', () => {
  it('aligns columns, numbers right, and rules the header', () => {
    const text = formatTable(
      ['name', 'n'],
      [
        ['bronze.orders', '1,234'],
        ['ops.quarantine', '5'],
      ],
      { align: ['left', 'right'] },
    );
    expect(text).toBe(
      ['name                n', '--------------  -----', 'bronze.orders   1,234', 'ops.quarantine      5'].join('\n'),
    );
  });

  it('escapes control characters and cuts long cells', () => {
    const text = formatTable(['v'], [['a\nb\tc\u0001'], ['x'.repeat(20)]], { maxCellWidth: 12 });
    const [, , first, second] = text.split('\n');
    expect(first).toBe('a\\nb\\tc\\x01');
    expect(second).toBe(`${'x'.repeat(11)}…`);
  });

  it('keeps a header-only table well-formed', () => {
    expect(formatTable(['a', 'bb'], [])).toBe('a  bb\n-  --');
  });
});

describe('formats', () => {
  it('counts, bytes and times', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatTime(Date.UTC(2026, 10, 22, 6, 30, 1, 250))).toBe('2026-11-22 06:30:01Z');
  });
});

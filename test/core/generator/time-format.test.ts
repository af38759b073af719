import { describe, expect, it } from 'vitest';
import { isoLocal, isoMicros, money, writeIsoMicros } from '../../../core/generator/time-format.js';
import { parseTimestamptz } from '../../../core/contracts/index.js';
import { Random } from '../../../core/generator/random.js';

describe('time-format', () => {
  it('formats microseconds as UTC ISO-8601 that parses back to the same instant', () => {
    const r = new Random(1);
    const base = Date.parse('2025-03-03T00:00:00Z') * 1000;
    for (let i = 0; i < 5_000; i++) {
      const us = base + Math.floor(r.float() * 400 * 86_400_000_000) - 200 * 86_400_000_000;
      const s = isoMicros(us);
      expect(s).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(parseTimestamptz(s)).toBe(us);
      expect(s.slice(0, 23)).toBe(new Date(Math.floor(us / 1000)).toISOString().slice(0, 23));
    }
  });

  it('writes the same text as bytes, rewriting the minute prefix only when told the buffer holds another', () => {
    const r = new Random(2);
    const b = Buffer.alloc(40, 0x20);
    let held = NaN;
    let us = Date.parse('2025-03-03T23:58:30Z') * 1000;
    for (let i = 0; i < 5_000; i++) {
      // Mostly forward in small steps (crossing minutes, hours and midnight), sometimes back by up to a day.
      us += i % 50 === 0 ? -Math.floor(r.float() * 86_400_000_000) : Math.floor(r.float() * 20_000_000);
      held = writeIsoMicros(b, 5, us, held);
      expect(b.toString('latin1', 5, 32)).toBe(isoMicros(us));
      expect(held).toBe(Math.floor(us / 60_000_000));
    }
    // The bytes around the time are left alone.
    expect(b.toString('latin1', 0, 5) + b.toString('latin1', 32)).toBe(' '.repeat(13));
  });

  it('formats local times with the offset, to the second', () => {
    const us = Date.parse('2025-03-03T04:30:15.999Z') * 1000;
    expect(isoLocal(us, -300)).toBe('2025-03-02T23:30:15-05:00');
    expect(isoLocal(us, 60)).toBe('2025-03-03T05:30:15+01:00');
    expect(isoLocal(us, 330)).toBe('2025-03-03T10:00:15+05:30');
    expect(isoLocal(us, 0)).toBe('2025-03-03T04:30:15+00:00');
    expect(parseTimestamptz(isoLocal(us, -480))).toBe(Date.parse('2025-03-03T04:30:15Z') * 1000);
  });

  it('formats cents as money strings', () => {
    expect([money(0), money(5), money(1230), money(123456), money(-250)]).toEqual([
      '0.00',
      '0.05',
      '12.30',
      '1234.56',
      '-2.50',
    ]);
  });
});

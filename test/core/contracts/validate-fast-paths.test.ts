// The compiled validator's fast paths must never change an answer: the timestamp RegExp and the hour-key test of
// max_future_seconds (validate.ts), plainDecimal() for decimal strings, and the cache of the last event type. Each
// is held to the answer the plain parsers of wire-values.ts imply, on corpora of boundary and hostile values.
/* eslint-disable @typescript-eslint/no-explicit-any -- the tests mutate event JSON */
import { describe, expect, it } from 'vitest';
import { contracts, createValidator } from '../../../core/contracts/index.js';
import type { ValidationResult } from '../../../core/contracts/index.js';
import { decimalSign, parseTimestamptz, TIMESTAMP_RANGE } from '../../../core/contracts/wire-values.js';
import { NOW, valid } from './fixtures.js';
import { prng } from '../../support/prng.js';

const validator = createValidator(contracts());
const FUTURE_SECONDS = 3600; // envelope.json: event_time max_future_seconds

const codesAt = (r: ValidationResult, path: string): string[] =>
  r.ok ? [] : r.errors.filter((e) => e.path === path).map((e) => e.code);

/** The reason code parseTimestamptz implies for v, at a field with (or without) a max_future_seconds check. */
function timestampCode(v: string, nowMs: number, aheadSeconds?: number): string[] {
  const m = parseTimestamptz(v);
  if (m !== m) return ['invalid_timestamp'];
  if (m < TIMESTAMP_RANGE.min || m >= TIMESTAMP_RANGE.max) return ['out_of_range'];
  if (aheadSeconds !== undefined && m > nowMs * 1000 + aheadSeconds * 1e6) return ['future_timestamp'];
  return [];
}

/** Checks v in a field without (processed_at) and with (event_time) a future check; returns the disagreements. */
function disagreements(v: string, nowMs: number): string[] {
  const out: string[] = [];
  const e = valid('order_created');
  e.processed_at = v;
  e.event_time = v;
  const r = validator(e, { now: nowMs });
  const got = [codesAt(r, '$.processed_at'), codesAt(r, '$.event_time')];
  const want = [timestampCode(v, nowMs), timestampCode(v, nowMs, FUTURE_SECONDS)];
  if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${v} @${nowMs}: ${JSON.stringify(got)}`);
  return out;
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** `instant` (ms) written at an offset of `offsetMinutes`, with the given fraction text (e.g. '.123456'). */
function written(instant: number, offsetMinutes: number, fraction: string): string {
  const local = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const zone =
    offsetMinutes === 0
      ? 'Z'
      : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
  return `${local}${fraction}${zone}`;
}

describe('timestamps: the RegExp fast path answers as parseTimestamptz', () => {
  it('on every combination of boundary years, calendar days, clock fields, fractions and offsets', () => {
    const years = [
      '0000',
      '0001',
      '1899',
      '1900',
      '1901',
      '1999',
      '2000',
      '2024',
      '2100',
      '2198',
      '2199',
      '2200',
      '9999',
    ];
    const days = [
      '01-01',
      '02-28',
      '02-29',
      '02-30',
      '03-31',
      '04-30',
      '04-31',
      '11-31',
      '12-31',
      '13-01',
      '00-10',
      '01-00',
      '01-32',
    ];
    const clocks = ['00:00:00', '23:59:59', '24:00:00', '12:60:00', '12:00:60', '1:00:00', '12:0a:00'];
    const fractions = ['', '.', '.5', '.123456', '.123456789', '.1234567890', '.12x'];
    const offsets = ['Z', 'z', '+00:00', '-00:00', '+05:30', '-23:59', '+23:59', '+24:00', '-05:60', '+0530', '', 'Z '];
    const bad: string[] = [];
    let n = 0;
    for (const y of years)
      for (const d of days)
        for (const c of clocks)
          for (const f of fractions)
            for (const o of offsets) {
              bad.push(...disagreements(`${y}-${d}T${c}${f}${o}`, NOW));
              n++;
            }
    expect(bad.slice(0, 20)).toEqual([]);
    expect(n).toBe(years.length * days.length * clocks.length * fractions.length * offsets.length);
  });

  it('on single-character mutations of valid timestamps (including non-ASCII digits and a lowercase t)', () => {
    const base = ['2025-03-15T11:59:58.123456Z', '2024-02-29T23:59:59-05:00', '1901-01-01T00:00:00+23:59'];
    const chars = ['0', '9', '/', ':', '-', '.', 'T', 't', 'Z', ' ', '\u0663', '\uff10'];
    const bad: string[] = [];
    for (const b of base)
      for (let i = 0; i <= b.length; i++)
        for (const ch of chars) {
          bad.push(...disagreements(b.slice(0, i) + ch + b.slice(i + 1), NOW));
          bad.push(...disagreements(b.slice(0, i) + ch + b.slice(i), NOW));
        }
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('at the max_future_seconds boundary, to the microsecond, in UTC and at offsets', () => {
    const limit = NOW + FUTURE_SECONDS * 1000;
    const bad: string[] = [];
    for (const deltaMs of [-86_400_000 - 1, -86_400_000, -3_600_000, -1, 0, 1, 3_600_000])
      for (const offset of [0, 1, -1, 330, -300, 1439, -1439])
        for (const micros of ['000', '001', '999']) {
          const at = limit + deltaMs;
          const ms = String(((at % 1000) + 1000) % 1000).padStart(3, '0');
          bad.push(...disagreements(written(at - (at % 1000), offset, `.${ms}${micros}`), NOW));
          bad.push(...disagreements(written(at - (at % 1000), offset, ''), NOW));
        }
    expect(bad).toEqual([]);
  });

  it('on 20,000 random instants around several clocks (any offset and fraction length)', () => {
    const rnd = prng(7);
    const clocks = [
      NOW,
      Date.parse('2025-12-31T23:30:00Z'),
      Date.parse('2024-02-29T00:10:00Z'),
      0,
      Date.parse('2199-12-31T23:00:00Z'),
    ];
    const bad: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const now = clocks[i % clocks.length]!;
      const at = Math.round(now + (rnd() - 0.5) * 4 * 86_400_000);
      const offset = Math.round((rnd() - 0.5) * 2 * 1439) * (rnd() < 0.5 ? 0 : 1);
      const digits = Math.floor(rnd() * 11);
      const fraction =
        digits === 0
          ? ''
          : `.${String(Math.floor(rnd() * 1e10))
              .padStart(10, '0')
              .slice(0, digits)}`;
      bad.push(...disagreements(written(at, offset, fraction), now));
    }
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('on 20,000 instants around a clock that drifts back and forth by seconds to minutes per call (hour-cached keys, pre-1970 too)', () => {
    const rnd = prng(11);
    const bad: string[] = [];
    for (const start of [NOW, Date.parse('1969-12-31T22:50:00Z'), Date.parse('2025-12-31T22:59:59.999Z')]) {
      let now = start;
      for (let i = 0; i < 6_667; i++) {
        // within the hour or across its ends, mostly forward (a stale key from a later hour would accept too much)
        now += Math.floor((rnd() - 0.3) * (rnd() < 0.5 ? 2_000 : 1_200_000));
        // near the future limit (the ms the cut depends on), and anywhere within a day of it
        const limit = now + FUTURE_SECONDS * 1000;
        const at =
          rnd() < 0.5 ? limit + Math.round((rnd() - 0.5) * 4_000) : Math.round(limit + (rnd() - 0.5) * 86_400_000);
        const offset = rnd() < 0.5 ? 0 : Math.round((rnd() - 0.5) * 2 * 1439);
        bad.push(...disagreements(written(at, offset, rnd() < 0.5 ? '' : '.123456'), now));
      }
    }
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('follows a clock that moves between calls (the cached hour keys are renewed)', () => {
    const e = valid('order_created');
    e.event_time = '2025-03-15T13:30:00.000001Z';
    const at = Date.parse('2025-03-15T13:30:00Z');
    const limitNow = at - FUTURE_SECONDS * 1000; // event_time is exactly 1 µs past the limit at this clock
    for (const now of [
      NOW,
      limitNow,
      limitNow + 1,
      limitNow - 3_600_000,
      limitNow + 1,
      limitNow,
      Number.NaN,
      limitNow,
    ]) {
      const r = validator(e, { now });
      expect(codesAt(r, '$.event_time'), String(now)).toEqual(
        timestampCode(e.event_time as string, now, FUTURE_SECONDS),
      );
    }
  });

  it('reads 5 MB timestamp-like strings without trouble', () => {
    const long = `2025-03-15T11:59:58.${'1'.repeat(5_000_000)}Z`;
    expect(disagreements(long, NOW)).toEqual([]);
    expect(disagreements(`2025-03-15T11:59:58Z${' '.repeat(5_000_000)}`, NOW)).toEqual([]);
  });
});

describe('decimals: the plainDecimal fast path answers as decimalSign', () => {
  it('on strings and numbers of every shape, at a top-level field and inside a list', () => {
    const values: unknown[] = [0, -0, 1.5, -1.5, 0.1 + 0.2, 1e21, 12345678901, Number.NaN, true, null, [], {}];
    const ints = ['', '0', '00', '7', '118', '0000000000012', '1234567890', '12345678901'];
    const fracs = ['', '.', '.0', '.5', '.50', '.05', '.500', '.123'];
    for (const sign of ['', '-', '+'])
      for (const i of ints) for (const f of fracs) for (const s of ['', 'x', ' ', 'e2']) values.push(sign + i + f + s);
    const code = (v: unknown): string[] => {
      if (v === null) return ['missing_required'];
      if (typeof v !== 'string' && typeof v !== 'number') return ['wrong_type'];
      const sign = decimalSign(v, 10, 2);
      return sign === 0 ? ['invalid_decimal'] : sign < 0 ? ['out_of_range'] : [];
    };
    const bad: string[] = [];
    for (const v of values) {
      const e: any = valid('order_created');
      e.total_price = v;
      e.line_items[0].price = v;
      const r = validator(e, { now: NOW });
      const got = [codesAt(r, '$.total_price'), codesAt(r, '$.line_items[0].price')];
      if (JSON.stringify(got) !== JSON.stringify([code(v), code(v)]))
        bad.push(`${JSON.stringify(v)}: ${JSON.stringify(got)}`);
    }
    expect(bad).toEqual([]);
    expect(values.length).toBeGreaterThan(700);
  });
});

describe('the cache of the last event type', () => {
  it('answers as a fresh validator whatever the order of types, unknown types included', () => {
    const cached = createValidator(contracts());
    const types = [...contracts().events.keys()];
    const rnd = prng(11);
    for (let i = 0; i < 300; i++) {
      const pick = rnd();
      const type = pick < 0.1 ? 'no_such_event' : pick < 0.15 ? '' : types[Math.floor(rnd() * types.length)]!;
      const e: any =
        type && type !== 'no_such_event' ? valid(type as never) : { ...valid('order_created'), event_type: type };
      if (rnd() < 0.2) e.event_time = 'not a time';
      expect(cached(e, { now: NOW }), `${i}: ${type}`).toEqual(createValidator(contracts())(e, { now: NOW }));
    }
  });
});

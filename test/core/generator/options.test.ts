import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, resolveOptions } from '../../../core/generator/options.js';

describe('resolveOptions', () => {
  it('fills in the defaults and merges partial nested options', () => {
    const o = resolveOptions({
      events: 10,
      funnel: { purchase: 0.5 },
      badKinds: { oversized: 0 },
      start: '2024-01-01T00:00:00Z',
    });
    expect(o.events).toBe(10);
    expect(o.funnel).toEqual({ ...DEFAULT_OPTIONS.funnel, purchase: 0.5 });
    expect(o.badKinds.oversized).toBe(0);
    expect(o.badKinds.not_json).toBe(DEFAULT_OPTIONS.badKinds.not_json);
    expect(o.start.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(resolveOptions({ seed: undefined }).seed).toBe(DEFAULT_OPTIONS.seed);
  });

  it.each([
    [{ events: 1.5 }, /events must be an integer/],
    [{ seed: -1 }, /seed must be an integer/],
    [{ shops: 0 }, /shops must be an integer/],
    [{ days: 0 }, /days must be a number/],
    [{ lateShare: 2 }, /lateShare must be a number in \[0, 1\]/],
    [{ badShare: 0.5, duplicateShare: 0.5 }, /must stay below 1/],
    [{ lateMinMinutes: 10, lateMaxMinutes: 5 }, /lateMaxMinutes/],
    [{ funnel: { checkout: 1.2 } }, /funnel\.checkout/],
    [{ behaviour: { pagesPerSession: 0.5 } }, /behaviour\.pagesPerSession/],
    [{ badKinds: { bogus: 1 } as never }, /badKinds: unknown kind "bogus"/],
    [
      { badKinds: Object.fromEntries(Object.keys(DEFAULT_OPTIONS.badKinds).map((k) => [k, 0])) },
      /every badKinds weight is 0/,
    ],
    [{ start: 'yesterday' }, /start: not a date/],
  ])('rejects %j', (input, message) => {
    expect(() => resolveOptions(input)).toThrow(message);
  });
});

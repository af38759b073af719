import { describe, expect, it } from 'vitest';
import { MERCHANT, SHOPPER, localHour, localWeekday, seasonalWeight } from '../../../core/generator/seasonality.js';

const HOUR = 3_600_000_000;
const MONDAY = Date.parse('2025-03-03T00:00:00Z') * 1000;

describe('seasonality', () => {
  it('reads local hour and weekday from epoch microseconds', () => {
    expect(localHour(MONDAY + 13.5 * HOUR)).toBe(13);
    expect(localWeekday(MONDAY)).toBe(1);
    expect(localWeekday(MONDAY - 1)).toBe(0);
    expect(localHour(-1)).toBe(23);
  });

  it('normalises each curve to a weekly mean of 1', () => {
    for (const curve of [SHOPPER, MERCHANT]) {
      let sum = 0;
      const n = 7 * 24 * 12;
      for (let i = 0; i < n; i++) sum += seasonalWeight(curve, MONDAY + (i + 0.5) * (HOUR / 12));
      expect(sum / n).toBeCloseTo(1, 2);
    }
  });

  it('peaks in the evening for shoppers and in office hours on weekdays for merchants', () => {
    const at = (curve: typeof SHOPPER, day: number, hour: number) =>
      seasonalWeight(curve, MONDAY + (day * 24 + hour + 0.5) * HOUR);
    expect(at(SHOPPER, 0, 20) / at(SHOPPER, 0, 4)).toBeGreaterThan(5);
    expect(at(MERCHANT, 1, 10) / at(MERCHANT, 1, 22)).toBeGreaterThan(5);
    expect(at(MERCHANT, 1, 10) / at(MERCHANT, 5, 10)).toBeGreaterThan(2); // Tuesday vs Saturday
  });
});

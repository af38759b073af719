// Hour-of-day and weekday seasonality, in each shop's local time. Shoppers peak in the evening and sleep at night;
// merchants edit their catalog in office hours on weekdays. Both curves are normalised to a weekly mean of 1 so that
// a rate multiplied by them keeps its average.

/** Storefront traffic per local hour (0-23), relative to the evening peak. */
export const SHOPPER_HOURLY: readonly number[] = [
  0.45, 0.3, 0.2, 0.15, 0.13, 0.15, 0.25, 0.4, 0.55, 0.65, 0.72, 0.78, 0.85, 0.83, 0.8, 0.78, 0.78, 0.8, 0.88, 0.96,
  1.0, 0.95, 0.8, 0.62,
];

/** Storefront traffic per local weekday (0 = Sunday): Sunday and Monday evenings are busiest, Saturday quietest. */
export const SHOPPER_WEEKDAY: readonly number[] = [1.0, 1.02, 0.97, 0.95, 0.93, 0.85, 0.8];

/** Merchant activity (catalog edits, restocks) per local hour: office hours. */
export const MERCHANT_HOURLY: readonly number[] = [
  0.02, 0.02, 0.02, 0.02, 0.02, 0.03, 0.08, 0.3, 0.75, 1.0, 1.0, 0.95, 0.7, 0.85, 0.95, 0.9, 0.8, 0.55, 0.3, 0.2, 0.15,
  0.1, 0.05, 0.03,
];

/** Merchant activity per local weekday (0 = Sunday). */
export const MERCHANT_WEEKDAY: readonly number[] = [0.25, 1.0, 1.0, 1.0, 1.0, 0.9, 0.3];

const HOUR_US = 3_600_000_000;
const DAY_US = 24 * HOUR_US;

export interface SeasonalCurve {
  hourly: readonly number[];
  weekday: readonly number[];
}

export const SHOPPER: SeasonalCurve = { hourly: SHOPPER_HOURLY, weekday: SHOPPER_WEEKDAY };
export const MERCHANT: SeasonalCurve = { hourly: MERCHANT_HOURLY, weekday: MERCHANT_WEEKDAY };

const weeklyMean = new Map<SeasonalCurve, number>();

/**
 * The curve's weight at a local time (epoch microseconds already shifted by the shop's UTC offset), divided by the
 * curve's weekly mean. The hourly values sit at the middle of each hour and are interpolated linearly between.
 */
export function seasonalWeight(curve: SeasonalCurve, localUs: number): number {
  let mean = weeklyMean.get(curve);
  if (mean === undefined) {
    mean = 0;
    for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) mean += rawWeight(curve, d * DAY_US + (h + 0.5) * HOUR_US);
    mean /= 7 * 24;
    weeklyMean.set(curve, mean);
  }
  return rawWeight(curve, localUs) / mean;
}

/** Local hour of day (0-23) of a local epoch-microsecond time. */
export function localHour(localUs: number): number {
  return Math.floor((((localUs % DAY_US) + DAY_US) % DAY_US) / HOUR_US);
}

/** Local weekday (0 = Sunday) of a local epoch-microsecond time; 1970-01-01 was a Thursday. */
export function localWeekday(localUs: number): number {
  return (((Math.floor(localUs / DAY_US) + 4) % 7) + 7) % 7;
}

function rawWeight(curve: SeasonalCurve, localUs: number): number {
  // Position in hours since the middle of hour 0 of the local day.
  const hours = (((localUs % DAY_US) + DAY_US) % DAY_US) / HOUR_US - 0.5;
  const h0 = Math.floor(hours);
  const f = hours - h0;
  const a = curve.hourly[(h0 + 24) % 24]!;
  const b = curve.hourly[(h0 + 25) % 24]!;
  return (a + (b - a) * f) * curve.weekday[localWeekday(localUs)]!;
}

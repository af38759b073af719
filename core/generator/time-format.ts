// Timestamps on the wire. Storefront events carry UTC with microseconds ("2025-03-03T10:00:00.123456Z"); events
// that Shopify's webhooks and admin send carry the shop's local offset at second precision
// ("2025-03-03T05:00:00-05:00"), as Shopify does. Both are ISO-8601 with an offset, as the envelope requires.

const MICROS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

const MINUTE_US = 60_000_000;
const SECONDS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const MICROS6 = (us: number): string => MICROS[Math.floor(us / 1000)]! + MICROS[us % 1000]!;

// The "YYYY-MM-DDTHH:MM:" prefix of the last minute formatted: events come in time order, so most hit it.
let utcMinute = NaN;
let utcPrefix = '';

/** Epoch microseconds to UTC ISO-8601 with microsecond precision. */
export function isoMicros(us: number): string {
  us = Math.floor(us);
  const minute = Math.floor(us / MINUTE_US);
  if (minute !== utcMinute) {
    utcMinute = minute;
    utcPrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  const inMinute = us - minute * MINUTE_US;
  const sec = Math.floor(inMinute / 1_000_000);
  return utcPrefix + SECONDS[sec]! + '.' + MICROS6(inMinute - sec * 1_000_000) + 'Z';
}

/**
 * Writes isoMicros(us), 27 ASCII bytes, into `b` at `pos`. `heldMinute` is the minute (epoch minutes) whose
 * "YYYY-MM-DDTHH:MM:" prefix `b` already holds there, or NaN: the prefix is written only when the minute changes.
 * Returns the minute now held.
 */
export function writeIsoMicros(b: Buffer, pos: number, us: number, heldMinute: number): number {
  us = Math.floor(us);
  const minute = Math.floor(us / MINUTE_US);
  if (minute !== heldMinute) b.write(new Date(minute * 60_000).toISOString().slice(0, 17), pos, 'latin1');
  // Microseconds in the minute (< 60,000,000): small integers from here on, so integer arithmetic.
  let x = (us - minute * MINUTE_US) | 0;
  const sec = (x / 1_000_000) | 0;
  x -= sec * 1_000_000;
  b[pos + 17] = 0x30 + ((sec / 10) | 0);
  b[pos + 18] = 0x30 + (sec % 10);
  b[pos + 19] = 0x2e; // '.'
  for (let i = pos + 25; i >= pos + 20; i--) {
    const next = (x / 10) | 0;
    b[i] = 0x30 + x - next * 10;
    x = next;
  }
  b[pos + 26] = 0x5a; // 'Z'
  return minute;
}

let localMinute = NaN;
let localOffset = NaN;
let localPrefix = '';

/** Epoch microseconds to local ISO-8601 at second precision with the given UTC offset (minutes east of UTC). */
export function isoLocal(us: number, offsetMinutes: number): string {
  const minute = Math.floor(us / MINUTE_US);
  if (minute !== localMinute || offsetMinutes !== localOffset) {
    localMinute = minute;
    localOffset = offsetMinutes;
    localPrefix = new Date((minute + offsetMinutes) * 60_000).toISOString().slice(0, 17);
  }
  return localPrefix + SECONDS[Math.floor((us - minute * MINUTE_US) / 1_000_000)]! + offsetSuffix(offsetMinutes);
}

const suffixes = new Map<number, string>();

function offsetSuffix(offsetMinutes: number): string {
  let s = suffixes.get(offsetMinutes);
  if (s === undefined) {
    const a = Math.abs(offsetMinutes);
    s = `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
    suffixes.set(offsetMinutes, s);
  }
  return s;
}

/** Integer cents to Shopify's money string ("12.30"). */
export function money(cents: number): string {
  const neg = cents < 0;
  const a = Math.abs(Math.round(cents));
  const c = a % 100;
  return `${neg ? '-' : ''}${Math.floor(a / 100)}.${c < 10 ? '0' : ''}${c}`;
}

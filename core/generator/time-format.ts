// Timestamps on the wire. Storefront events carry UTC with microseconds ("2025-03-03T10:00:00.123456Z"); events
// that Shopify's webhooks and admin send carry the shop's local offset at second precision
// ("2025-03-03T05:00:00-05:00"), as Shopify does. Both are ISO-8601 with an offset, as the envelope requires.

const MICROS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Epoch microseconds to UTC ISO-8601 with microsecond precision. */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  return new Date(ms).toISOString().slice(0, 23) + MICROS[us - ms * 1000]! + 'Z';
}

/** Epoch microseconds to local ISO-8601 at second precision with the given UTC offset (minutes east of UTC). */
export function isoLocal(us: number, offsetMinutes: number): string {
  const local = new Date(Math.floor(us / 1000) + offsetMinutes * 60_000).toISOString().slice(0, 19);
  return local + offsetSuffix(offsetMinutes);
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

// Wire values of the contract format (glue-schemas/README.md) and their row values (docs: DESIGN.md rows):
// ISO-8601 timestamps to microseconds, dates to days, decimals checked against precision/scale and normalized.
// Hand-written character scanners: they run for every field of every event, so they avoid regexes and Date.

export const INT_RANGE = { min: -2_147_483_648, max: 2_147_483_647 };
/** JSON numbers are doubles: a long beyond ±(2^53-1) has already lost precision when it reaches us. */
export const LONG_RANGE = { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
/** Strings without a max_length check are still bounded (UTF-16 code units). */
export const DEFAULT_MAX_STRING_LENGTH = 65_535;
/** Timestamps must fall in [1900-01-01, 2200-01-01): microseconds stay exact (safe integers) well inside it. */
export const TIMESTAMP_RANGE = { min: -2_208_988_800_000_000, max: 7_258_118_400_000_000 };

const digit2 = (s: string, i: number): number => {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days since 1970-01-01 of a proleptic Gregorian date, years 0-9999 (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = yy >= 0 ? (yy / 400) | 0 : -1;
  const yoe = yy - era * 400;
  const doy = (((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) | 0) + d - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return era * 146097 + doe - 719468;
}

/** Parses `YYYY-MM-DD` at offset 0 of s; returns days since epoch or NaN. */
function dateAt(s: string): number {
  const hi = digit2(s, 0);
  const lo = digit2(s, 2);
  const m = digit2(s, 5);
  const d = digit2(s, 8);
  if (hi < 0 || lo < 0 || m < 1 || m > 12 || d < 1 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y = hi * 100 + lo;
  if (y < 1 || d > (m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m]!)) return NaN;
  return daysFromCivil(y, m, d);
}

/** `YYYY-MM-DD` to days since 1970-01-01; NaN when malformed or not a calendar date. */
export function parseDate(s: string): number {
  return s.length === 10 ? dateAt(s) : NaN;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` to microseconds since epoch (UTC); NaN when malformed.
 * The fraction may have 1-9 digits; digits beyond microseconds are truncated (Iceberg timestamptz is µs).
 */
export function parseTimestamptz(s: string): number {
  const n = s.length;
  if (n < 20 || n > 35 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  const days = dateAt(s);
  const hh = digit2(s, 11);
  const mi = digit2(s, 14);
  const ss = digit2(s, 17);
  if (days !== days || hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return NaN;
  let i = 19;
  let micros = 0;
  if (s.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (i - start < 6) micros = micros * 10 + c;
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 9) return NaN;
    for (let k = digits; k < 6; k++) micros *= 10;
  }
  let offsetMinutes = 0;
  const z = s.charCodeAt(i);
  if (z === 90 && i + 1 === n) offsetMinutes = 0;
  else if ((z === 43 || z === 45) && i + 6 === n && s.charCodeAt(i + 3) === 58) {
    const oh = digit2(s, i + 1);
    const om = digit2(s, i + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
    offsetMinutes = (z === 45 ? -1 : 1) * (oh * 60 + om);
  } else return NaN;
  return (days * 86400 + hh * 3600 + mi * 60 + ss - offsetMinutes * 60) * 1_000_000 + micros;
}

let lastDecimalProblem = '';

/** Why the last decimalValue() call returned NaN. */
export const decimalProblemText = (): string => lastDecimalProblem;

const badDecimal = (why: string): number => {
  lastDecimalProblem = why;
  return NaN;
};

/**
 * The value of a decimal wire value as a double (for min/max checks), or NaN when it does not fit decimal(P,S)
 * (intDigits = P - S); decimalProblemText() then says why. Strings must be plain notation (`-12.30`); numbers are
 * read through their shortest round-trip text, so 0.1 + 0.2 does not fit scale 2. Leading zeros and trailing
 * fraction zeros do not count against the precision. One pass, no regex, no allocation for strings.
 */
export function decimalValue(v: string | number, intDigits: number, scale: number): number {
  const t = typeof v === 'number' ? String(v) : v;
  const n = t.length;
  if (n > 400) return badDecimal('not a plain decimal number');
  const neg = t.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  const intStart = i;
  let value = 0;
  let c = 0;
  while (i < n && (c = t.charCodeAt(i) - 48) >= 0 && c <= 9) {
    value = value * 10 + c;
    i++;
  }
  if (i === intStart) return badDecimal('not a plain decimal number');
  let lead = intStart;
  while (lead < i && t.charCodeAt(lead) === 48) lead++;
  if (i - lead > intDigits) return badDecimal(`more than ${intDigits} integer digits`);
  if (i < n) {
    if (t.charCodeAt(i) !== 46) return badDecimal('not a plain decimal number');
    const fracStart = ++i;
    let scaleDiv = 1;
    let lastNonZero = fracStart;
    while (i < n && (c = t.charCodeAt(i) - 48) >= 0 && c <= 9) {
      if (c !== 0) lastNonZero = i + 1;
      if (i - fracStart < 17) {
        value = value * 10 + c;
        scaleDiv *= 10;
      }
      i++;
    }
    if (i !== n || i === fracStart) return badDecimal('not a plain decimal number');
    if (lastNonZero - fracStart > scale) return badDecimal(`more than ${scale} fraction digits`);
    value /= scaleDiv;
  }
  return neg ? -value : value;
}

/**
 * decimalValue() reduced to its sign, for the validator's `min: 0` checks: 1 when v fits decimal(P,S) with a value
 * >= 0 (or -0), -1 when it fits below 0, 0 when it does not fit (decimalProblemText() then says why). Strings of
 * the plain shape `-?D{1,P-S}(.D{1,min(S,17)})?` are decided in one bounded scan that returns a small integer (no
 * boxed double); anything else goes through decimalValue(), so both always agree.
 */
export function decimalSign(v: string | number, intDigits: number, scale: number): number {
  if (typeof v === 'string') {
    const n = v.length;
    let i = n > 0 && v.charCodeAt(0) === 45 ? 1 : 0;
    const start = i;
    let nonZero = 0;
    let c = 0;
    while (i < n && (c = v.charCodeAt(i) - 48) >= 0 && c <= 9) {
      nonZero |= c;
      i++;
    }
    const intEnd = i;
    if (i < n && c === -2) {
      i++;
      while (i < n && (c = v.charCodeAt(i) - 48) >= 0 && c <= 9) {
        nonZero |= c;
        i++;
      }
    }
    const frac = i - intEnd - 1;
    const plain = intEnd === n || (frac > 0 && frac <= scale && frac <= 17);
    if (i === n && intEnd > start && intEnd - start <= intDigits && plain) return start === 1 && nonZero !== 0 ? -1 : 1;
  }
  const m = decimalValue(v, intDigits, scale);
  return m !== m ? 0 : m < 0 ? -1 : 1;
}

/**
 * The validator's fast path for decimal strings: true when v is written `D{1,intDigits}.D{scale}` (exactly `scale`
 * fraction digits, as Shopify writes prices: `29.50`), or `D{1,intDigits}` when scale is 0. Every such string fits
 * decimal(P,S) with a value >= 0, so decimalSign() answers 1 for it; false means "ask decimalSign()", not invalid.
 * One small loop, shared by every decimal field (inlined scans made the generated validator slower).
 */
export function plainDecimal(v: string, intDigits: number, scale: number): boolean {
  const n = v.length;
  const dot = scale === 0 ? n : n - scale - 1;
  if (dot < 1 || dot > intDigits || (scale !== 0 && v.charCodeAt(dot) !== 46)) return false;
  for (let i = 0; i < n; i++) if (i !== dot && (v.charCodeAt(i) - 48) >>> 0 > 9) return false;
  return true;
}

/** A decimal that decimalValue accepted, as plain text at exactly `scale` digits: `7.5` -> `7.50`, `-0` -> `0.00`. */
export function normalizeDecimal(v: string | number, scale: number): string {
  const t = typeof v === 'number' ? String(v) : v;
  const neg = t.charCodeAt(0) === 45;
  const body = neg ? t.slice(1) : t;
  const dot = body.indexOf('.');
  const intPart = (dot < 0 ? body : body.slice(0, dot)).replace(/^0+(?=\d)/, '');
  const frac = (dot < 0 ? '' : body.slice(dot + 1)).padEnd(scale, '0').slice(0, scale);
  const zero = /^0*$/.test(intPart) && /^0*$/.test(frac);
  return `${neg && !zero ? '-' : ''}${intPart}${scale > 0 ? `.${frac}` : ''}`;
}

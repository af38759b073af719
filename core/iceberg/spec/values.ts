// Single values of Iceberg primitive types: the binary serialization of format/spec.md Appendix D (used by
// manifest lower/upper bounds and partition summaries), the ordering the spec defines for bounds, and the
// truncation of string/binary bounds that Iceberg's default metrics mode `truncate(16)` applies.
// JS values follow docs DESIGN.md "Row representation": long = number | bigint, decimal = string | unscaled
// bigint, timestamps = micros number, date = days, uuid = canonical string, binary/fixed = Uint8Array.
import type { IcebergType, PrimitiveType } from './types.js';

/** Iceberg's default metrics mode is `truncate(16)`: string and binary bounds keep at most 16 characters/bytes. */
export const DEFAULT_BOUND_LENGTH = 16;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Precision and scale of a `decimal(P,S)` type string, or undefined for any other type. */
export function decimalParams(type: IcebergType): { precision: number; scale: number } | undefined {
  if (typeof type !== 'string' || !type.startsWith('decimal')) return undefined;
  const m = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/.exec(type);
  if (!m) throw new Error(`invalid decimal type "${type}"`);
  return { precision: Number(m[1]), scale: Number(m[2]) };
}

/**
 * The minimum bytes of a two's-complement integer holding every unscaled value of `precision` digits: the size of a
 * decimal stored as Avro `fixed` (format/spec.md Appendix A) and Parquet FIXED_LEN_BYTE_ARRAY (Appendix D bounds).
 */
export function decimalRequiredBytes(precision: number): number {
  const max = 10n ** BigInt(precision);
  let n = 1;
  while (1n << BigInt(8 * n - 1) < max) n++;
  return n;
}

/** Length L of a `fixed[L]` type string, or undefined for any other type. */
export function fixedLength(type: IcebergType): number | undefined {
  if (typeof type !== 'string' || !type.startsWith('fixed')) return undefined;
  const m = /^fixed\[\s*(\d+)\s*\]$/.exec(type);
  if (!m) throw new Error(`invalid fixed type "${type}"`);
  return Number(m[1]);
}

/** The type family, with decimal(P,S) and fixed[L] reduced to 'decimal' and 'fixed'. */
export type PrimitiveKind =
  | Exclude<PrimitiveType, `decimal(${number},${number})` | `decimal(${number}, ${number})` | `fixed[${number}]`>
  | 'decimal'
  | 'fixed';

export function primitiveKind(type: IcebergType): PrimitiveKind {
  if (typeof type !== 'string') throw new Error(`expected a primitive type, got ${type.type}`);
  if (type.startsWith('decimal')) return 'decimal';
  if (type.startsWith('fixed')) return 'fixed';
  switch (type) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
    case 'string':
    case 'uuid':
    case 'binary':
      return type;
    default:
      throw new Error(`unsupported Iceberg primitive type "${type as string}"`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// decimals

const TEN = 10n;

/**
 * Unscaled value of a decimal given as plain decimal notation ("12.30", "-0.5", "7"), as an unscaled bigint,
 * or as a finite JS number (converted through its shortest decimal string). Throws when the value has more
 * fractional digits than `scale` (other than trailing zeros) or does not fit `precision`.
 */
export function decimalToUnscaled(value: unknown, precision: number, scale: number): bigint {
  let unscaled: bigint;
  if (typeof value === 'bigint') {
    unscaled = value;
  } else {
    const text = typeof value === 'number' && Number.isFinite(value) ? numberToPlain(value) : value;
    if (typeof text !== 'string')
      throw new TypeError(`expected a decimal string or unscaled bigint, got ${describe(value)}`);
    const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new TypeError(`invalid decimal "${text}"`);
    let frac = m[3] ?? '';
    if (frac.length > scale) {
      const extra = frac.slice(Math.max(scale, 0));
      if (/[^0]/.test(extra)) throw new RangeError(`decimal "${text}" has more than ${scale} fractional digits`);
      frac = frac.slice(0, Math.max(scale, 0));
    }
    const digits = (m[2] || '0') + frac.padEnd(Math.max(scale, 0), '0');
    unscaled = BigInt(digits);
    if (scale < 0) {
      const div = TEN ** BigInt(-scale);
      if (unscaled % div !== 0n) throw new RangeError(`decimal "${text}" is not a multiple of 10^${-scale}`);
      unscaled /= div;
    }
    if (m[1] === '-') unscaled = -unscaled;
  }
  const limit = TEN ** BigInt(precision);
  if (unscaled >= limit || unscaled <= -limit) {
    throw new RangeError(`decimal ${decimalToString(unscaled, scale)} does not fit decimal(${precision},${scale})`);
  }
  return unscaled;
}

function numberToPlain(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // exponent notation: let BigInt-free formatting expand it
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** Plain decimal notation of an unscaled value: (1230n, 2) -> "12.30", (-5n, 1) -> "-0.5". */
export function decimalToString(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * TEN ** BigInt(-scale)).toString();
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const cut = digits.length - scale;
  return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

/** Minimum-length two's-complement big-endian bytes of a bigint (Appendix B note 2, Appendix D decimal). */
export function bigintToMinBytes(value: bigint): Uint8Array {
  // number of bytes so that the value fits as signed
  let n = 1;
  while (value >= 1n << BigInt(8 * n - 1) || value < -(1n << BigInt(8 * n - 1))) n++;
  return bigintToFixedBytes(value, n);
}

/** Two's-complement big-endian bytes of `value` in exactly `length` bytes (Parquet FIXED decimals). */
export function bigintToFixedBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = BigInt.asUintN(8 * length, value);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Signed big-endian two's-complement bytes -> bigint. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return BigInt.asIntN(8 * bytes.length, v);
}

// ---------------------------------------------------------------------------------------------------------
// uuids

const HEX = '0123456789abcdef';

/** Canonical (8-4-4-4-12, any case) uuid string -> 16 bytes, big-endian. */
export function uuidToBytes(value: string): Uint8Array {
  const hex = value.length === 36 ? value.replace(/-/g, '') : '';
  if (hex.length !== 32 || !/^[0-9a-fA-F]{32}$/.test(hex) || !/^.{8}-.{4}-.{4}-.{4}-.{12}$/.test(value)) {
    throw new TypeError(`invalid uuid "${value}"`);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** 16 bytes -> lowercase canonical uuid string. */
export function bytesToUuid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`a uuid has 16 bytes, got ${bytes.length}`);
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[bytes[i]! >> 4]! + HEX[bytes[i]! & 15]!;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// integers

/** A long given as a safe integer number or a bigint, checked to fit 64 bits. */
export function toLong(value: unknown): bigint {
  if (typeof value === 'bigint') {
    if (BigInt.asIntN(64, value) !== value) throw new RangeError(`${value} does not fit a 64-bit long`);
    return value;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new TypeError(`expected a safe integer or bigint, got ${describe(value)}`);
}

/** A bigint as a number when it is a safe integer, else the bigint (how longs are returned to callers). */
export function longToJs(value: bigint): number | bigint {
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}

function toInt32(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) {
    return value;
  }
  throw new TypeError(`expected a 32-bit integer, got ${describe(value)}`);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object') return Array.isArray(value) ? 'array' : value instanceof Map ? 'Map' : 'object';
  return `${typeof value} ${String(value)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Appendix D binary single-value serialization

function le(length: number, fill: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(length);
  fill(new DataView(out.buffer));
  return out;
}

/** Appendix D: the binary single-value serialization of a JS value of an Iceberg primitive type. */
export function toBinary(type: IcebergType, value: unknown): Uint8Array {
  switch (primitiveKind(type)) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new TypeError(`expected boolean, got ${describe(value)}`);
      return new Uint8Array([value ? 1 : 0]);
    case 'int':
    case 'date': {
      const v = toInt32(value);
      return le(4, (d) => d.setInt32(0, v, true));
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const v = toLong(value);
      return le(8, (d) => d.setBigInt64(0, v, true));
    }
    case 'float':
      if (typeof value !== 'number') throw new TypeError(`expected number, got ${describe(value)}`);
      return le(4, (d) => d.setFloat32(0, value, true));
    case 'double':
      if (typeof value !== 'number') throw new TypeError(`expected number, got ${describe(value)}`);
      return le(8, (d) => d.setFloat64(0, value, true));
    case 'string':
      if (typeof value !== 'string') throw new TypeError(`expected string, got ${describe(value)}`);
      return utf8.encode(value);
    case 'uuid':
      if (value instanceof Uint8Array && value.length === 16) return value.slice();
      if (typeof value !== 'string') throw new TypeError(`expected uuid string, got ${describe(value)}`);
      return uuidToBytes(value);
    case 'fixed': {
      const len = fixedLength(type)!;
      if (!(value instanceof Uint8Array) || value.length !== len) {
        throw new TypeError(`expected Uint8Array(${len}), got ${describe(value)}`);
      }
      return value.slice();
    }
    case 'binary':
      if (!(value instanceof Uint8Array)) throw new TypeError(`expected Uint8Array, got ${describe(value)}`);
      return value.slice();
    case 'decimal': {
      const { precision, scale } = decimalParams(type)!;
      return bigintToMinBytes(decimalToUnscaled(value, precision, scale));
    }
  }
}

/** Appendix D: decodes a binary single value into the JS representation of DESIGN.md (decimal -> string). */
export function fromBinary(type: IcebergType, bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (n: number): void => {
    if (bytes.length !== n) throw new RangeError(`${String(type)} value needs ${n} bytes, got ${bytes.length}`);
  };
  switch (primitiveKind(type)) {
    case 'boolean':
      need(1);
      return bytes[0] !== 0;
    case 'int':
    case 'date':
      need(4);
      return view.getInt32(0, true);
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      need(8);
      return longToJs(view.getBigInt64(0, true));
    case 'timestamp_ns':
    case 'timestamptz_ns':
      need(8);
      return view.getBigInt64(0, true);
    case 'float':
      need(4);
      return view.getFloat32(0, true);
    case 'double':
      need(8);
      return view.getFloat64(0, true);
    case 'string':
      return utf8Decoder.decode(bytes);
    case 'uuid':
      return bytesToUuid(bytes);
    case 'fixed':
      need(fixedLength(type)!);
      return bytes.slice();
    case 'binary':
      return bytes.slice();
    case 'decimal':
      return decimalToString(bytesToBigint(bytes), decimalParams(type)!.scale);
  }
}

// ---------------------------------------------------------------------------------------------------------
// ordering

/** Unsigned lexicographic byte order (binary, fixed, and UTF-8 strings). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/**
 * Strings in Unicode code point order (= UTF-8 byte order), as Iceberg compares them. JS `<` compares UTF-16
 * code units, which puts supplementary characters (surrogate pairs) before U+E000..U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  return codeUnitOrder(a.charCodeAt(i)) - codeUnitOrder(b.charCodeAt(i));
}

// Surrogates (U+D800..U+DFFF) encode code points above U+FFFF: move them above U+E000..U+FFFF.
function codeUnitOrder(c: number): number {
  return c < 0xd800 ? c : c < 0xe000 ? c + 0x2000 : c - 0x800;
}

/**
 * Compares two non-null values of one primitive type in the order Iceberg bounds use. Floats order -0.0 before
 * +0.0 (IEEE 754 totalOrder); callers exclude NaN. Decimals compare numerically (strings or bigints).
 */
export function compareValues(type: IcebergType, a: unknown, b: unknown): number {
  switch (primitiveKind(type)) {
    case 'boolean':
      return (a ? 1 : 0) - (b ? 1 : 0);
    case 'float':
    case 'double': {
      const x = a as number;
      const y = b as number;
      if (x < y) return -1;
      if (x > y) return 1;
      if (x === 0 && y === 0) return (Object.is(x, -0) ? 0 : 1) - (Object.is(y, -0) ? 0 : 1);
      return 0;
    }
    case 'int':
    case 'date':
      return (a as number) - (b as number);
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const x = a as number | bigint;
      const y = b as number | bigint;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'decimal': {
      const { precision, scale } = decimalParams(type)!;
      const x = decimalToUnscaled(a, precision, scale);
      const y = decimalToUnscaled(b, precision, scale);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'string':
      return compareStrings(a as string, b as string);
    case 'uuid': {
      // unsigned big-endian byte order (Parquet's order for FIXED[16] UUID). Java's UUID.compareTo compares
      // the two halves as SIGNED longs; see javaUuidCompare and the writer's bound rule.
      const x = (a as string).toLowerCase();
      const y = (b as string).toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'fixed':
    case 'binary':
      return compareBytes(a as Uint8Array, b as Uint8Array);
  }
}

/** compareValues bound to one type, resolved once (for hot loops). */
export function comparator(type: IcebergType): (a: unknown, b: unknown) => number {
  switch (primitiveKind(type)) {
    case 'int':
    case 'date':
      return (a, b) => (a as number) - (b as number);
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);
    case 'string':
      return (a, b) => compareStrings(a as string, b as string);
    case 'fixed':
    case 'binary':
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
    case 'decimal': {
      const { precision, scale } = decimalParams(type)!;
      const unscaled = (v: unknown): bigint => (typeof v === 'bigint' ? v : decimalToUnscaled(v, precision, scale));
      return (a, b) => {
        const x = unscaled(a);
        const y = unscaled(b);
        return x < y ? -1 : x > y ? 1 : 0;
      };
    }
    default:
      return (a, b) => compareValues(type, a, b);
  }
}

/**
 * java.util.UUID.compareTo order (most, then least significant half, each as a signed long), which Iceberg
 * Java uses to evaluate uuid bounds. Bounds are only safe when this order and the unsigned byte order agree.
 */
export function javaUuidCompare(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const flip = (s: string, i: number): string => (parseInt(s[i]!, 16) ^ 8).toString(16) + s.slice(i + 1);
  // flipping the top bit of each half turns signed order into unsigned order
  const xa = flip(x.slice(0, 18), 0);
  const ya = flip(y.slice(0, 18), 0);
  if (xa !== ya) return xa < ya ? -1 : 1;
  const xb = flip(x.slice(19), 0);
  const yb = flip(y.slice(19), 0);
  return xb < yb ? -1 : xb > yb ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------
// bound truncation (MetricsModes truncate(L), Java's UnicodeUtil / BinaryUtil)

function codePointCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** UTF-16 offset after the first `count` code points of `s`. */
function offsetByCodePoints(s: string, count: number): number {
  let i = 0;
  for (let n = 0; n < count && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return i;
}

/**
 * A lower bound no longer than `length` (code points for strings, bytes for binary) that is <= `value`.
 * Other types are returned unchanged (fixed is never truncated, as in Java).
 */
export function truncateLowerBound(type: IcebergType, value: unknown, length = DEFAULT_BOUND_LENGTH): unknown {
  if (value === null || value === undefined) return null;
  const kind = primitiveKind(type);
  if (kind === 'string') {
    const s = value as string;
    if (s.length <= length) return s; // at most s.length code points
    return s.slice(0, offsetByCodePoints(s, length));
  }
  if (kind === 'binary') {
    const b = value as Uint8Array;
    return b.length <= length ? b : b.slice(0, length);
  }
  return value;
}

/**
 * An upper bound no longer than `length` that is >= `value`: the truncated prefix with its last incrementable
 * code point (byte) incremented. Returns null when no such bound exists (every kept code point is U+10FFFF, or
 * every kept byte is 0xFF): the caller then writes no upper bound. Other types are returned unchanged.
 */
export function truncateUpperBound(type: IcebergType, value: unknown, length = DEFAULT_BOUND_LENGTH): unknown {
  if (value === null || value === undefined) return null;
  const kind = primitiveKind(type);
  if (kind === 'string') {
    const s = value as string;
    if (s.length <= length || codePointCount(s) <= length) return s;
    const cps = Array.from(s.slice(0, offsetByCodePoints(s, length)), (c) => c.codePointAt(0)!);
    for (let i = cps.length - 1; i >= 0; i--) {
      const cp = cps[i]!;
      if (cp === 0x10ffff) continue;
      const next = cp === 0xd7ff ? 0xe000 : cp + 1;
      return String.fromCodePoint(...cps.slice(0, i), next);
    }
    return null;
  }
  if (kind === 'binary') {
    const b = value as Uint8Array;
    if (b.length <= length) return b;
    for (let i = length - 1; i >= 0; i--) {
      if (b[i] !== 0xff) {
        // Uint8Array's slice copies; Buffer's slice is a view, and incrementing it would corrupt the caller's value.
        const out = Uint8Array.prototype.slice.call(b, 0, i + 1);
        out[i]! += 1;
        return out;
      }
    }
    return null;
  }
  return value;
}

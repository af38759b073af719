// Rows (DESIGN.md representation) -> the column buffers of one row group, compiled once per schema.
// Every Parquet leaf column (nested ones included) is shredded as the row arrives (Dremel definition and
// repetition levels as Uint8Arrays) into compact buffers in Parquet's physical form: typed arrays for numbers
// (longs as two 32-bit halves, no BigInt per value) and PLAIN bytes for strings and binary (UTF-8 encoded once,
// into one shared buffer per column; the encoder dictionary-encodes them where that pays). A bad value throws a
// SchemaMismatchError naming the column and the row, and the buffers are rolled back to the row's start, so the
// writer stays exactly as it was. Column statistics (Parquet's and the manifest's)
// are computed once per row group from these buffers; nothing is ever read back from the file.
import { Buffer, isUtf8 } from 'node:buffer';
import type { SchemaElement } from 'hyparquet';
import type { IcebergType, ListType, MapType, NestedField, PrimitiveType, Schema, StructType } from '../spec/types.js';
import {
  bigintToFixedBytes,
  bytesToBigint,
  bytesToUuid,
  decimalParams,
  decimalToUnscaled,
  describe,
  fixedLength,
  primitiveKind,
  uuidToBytes,
} from '../spec/values.js';
import { giveBuffer, grownView as grown } from './buffer-pool.js';
import { FieldStats } from './metrics.js';
import { parquetName, toParquetSchema } from './parquet-schema.js';

/** A row that does not match the table schema. Nothing of the row was written. */
export class SchemaMismatchError extends Error {
  constructor(
    readonly column: string,
    readonly row: number,
    readonly reason: string,
  ) {
    super(`row ${row}: column "${column}": ${reason}`);
    this.name = 'SchemaMismatchError';
  }
}

/** A top-level field's writer failed (carries the field's index to the error message). */
class FieldFailure {
  constructor(
    readonly field: number,
    readonly error: unknown,
  ) {}
}

/** Error raised inside a column writer; `path` grows as it unwinds through nested types. */
class ValueError extends Error {
  constructor(
    message: string,
    readonly path: string[] = [],
  ) {
    super(message);
  }
}

function requiredError(): ValueError {
  return new ValueError('required value is missing (null or undefined)');
}

/** How a leaf's non-null values are held. */
export type ValueKind = 'i32' | 'i64' | 'f32' | 'f64' | 'bool' | 'fixed' | 'bytes';

/** Min/max of a column chunk in the forms hyparquet-writer's footer statistics take (bigint for INT64/DECIMAL). */
export interface ChunkStats {
  nulls: number;
  nans: number;
  min: unknown;
  max: unknown;
}

let rowBytes = 0; // estimated bytes of the row being added (single-threaded)

// ---------------------------------------------------------------------------------------------------------
// UTF-8

/** Strings at least this long are encoded by Buffer#write (native); shorter ones by the loop below (no call cost). */
const NATIVE_UTF8_MIN_LENGTH = 24;

/** UTF-8 of `s` into `out` at `pos` (room for 3 bytes per UTF-16 unit assumed); lone surrogates become U+FFFD. */
function encodeUtf8(s: string, out: Uint8Array, pos: number): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[pos++] = c;
      continue;
    }
    if (c < 0x800) {
      out[pos++] = 0xc0 | (c >> 6);
      out[pos++] = 0x80 | (c & 63);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        out[pos++] = 0xf0 | (cp >> 18);
        out[pos++] = 0x80 | ((cp >> 12) & 63);
        out[pos++] = 0x80 | ((cp >> 6) & 63);
        out[pos++] = 0x80 | (cp & 63);
        i++;
        continue;
      }
      c = 0xfffd;
    }
    out[pos++] = 0xe0 | (c >> 12);
    out[pos++] = 0x80 | ((c >> 6) & 63);
    out[pos++] = 0x80 | (c & 63);
  }
  return pos;
}

function writeU32(out: Uint8Array, pos: number, v: number): void {
  out[pos] = v & 255;
  out[pos + 1] = (v >>> 8) & 255;
  out[pos + 2] = (v >>> 16) & 255;
  out[pos + 3] = v >>> 24;
}

// ---------------------------------------------------------------------------------------------------------
// one leaf column

/** What the encoder needs to know about a leaf column, fixed per schema. */
export interface LeafSpec {
  /** path_in_schema (Parquet names) */
  path: string[];
  element: SchemaElement;
  fieldId: number;
  type: PrimitiveType;
  maxDef: number;
  maxRep: number;
  kind: ValueKind;
  /** bytes per value for fixed-width kinds */
  width: number;
}

/**
 * The buffered data of one leaf column for the current row group. One class for every kind (so the hot paths
 * stay monomorphic); only the fields of its kind are used. The encoder reads it through the public fields.
 */
export class LeafBuffer {
  /** level entries (= the column chunk's num_values) and non-null values */
  levels = 0;
  values = 0;
  def: Uint8Array<ArrayBuffer> | undefined;
  rep: Uint8Array<ArrayBuffer> | undefined;
  private levelCap = 0;
  private readonly levelBytes: number;
  // values
  i32: Int32Array<ArrayBuffer> = new Int32Array(0); // i32, and i64 as two halves per value (little-endian)
  f32: Float32Array<ArrayBuffer> = new Float32Array(0);
  f64: Float64Array<ArrayBuffer> = new Float64Array(0);
  /** bool (0/1 per value), fixed (width bytes per value), bytes (PLAIN: u32 length + bytes per value) */
  u8: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  /** bytes used in u8 (bytes kind) */
  len = 0;
  readonly kind: ValueKind;
  /** a Buffer over u8's memory, for native UTF-8 encoding of long strings, and the u8 it was made for */
  private u8buf: Buffer | undefined;
  private u8bufOf: Uint8Array | undefined;
  // row mark, for rollback
  private mLevels = 0;
  private mValues = 0;
  private mLen = 0;
  /** the manifest statistics this leaf feeds (leaves outside lists and maps) */
  readonly fieldStats: FieldStats | undefined;
  readonly isString: boolean;

  constructor(readonly spec: LeafSpec) {
    this.kind = spec.kind;
    this.isString = primitiveKind(spec.type) === 'string';
    if (spec.maxDef > 0) this.def = new Uint8Array(0);
    if (spec.maxRep > 0) this.rep = new Uint8Array(0);
    this.levelBytes = (spec.maxDef > 0 ? 1 : 0) + (spec.maxRep > 0 ? 1 : 0);
    this.fieldStats = spec.maxRep === 0 ? new FieldStats(spec.fieldId, spec.type) : undefined;
  }

  level(d: number, r: number): void {
    const n = this.levels;
    if (n === this.levelCap) this.growLevels(n + 1);
    if (this.def !== undefined) this.def[n] = d;
    if (this.rep !== undefined) this.rep[n] = r;
    this.levels = n + 1;
    rowBytes += this.levelBytes;
  }

  private growLevels(need: number): void {
    if (this.def) this.def = grown(this.def, need);
    if (this.rep) this.rep = grown(this.rep, need);
    this.levelCap = this.def?.length ?? this.rep?.length ?? need + (need >> 1) + 1024;
  }

  putI32(v: number): void {
    const n = this.values;
    if (n === this.i32.length) this.i32 = grown(this.i32, n + 1);
    this.i32[n] = v;
    this.values = n + 1;
    rowBytes += 4;
  }

  /** A safe-integer long, stored as two 32-bit halves without a BigInt. */
  putI64(v: number): void {
    const i = 2 * this.values;
    if (i + 2 > this.i32.length) this.i32 = grown(this.i32, i + 2);
    this.i32[i] = v | 0; // ToInt32 is exact modulo 2^32 for integer-valued doubles
    this.i32[i + 1] = Math.floor(v / 4294967296); // high word, two's complement
    this.values++;
    rowBytes += 8;
  }

  putI64Big(v: bigint): void {
    const i = 2 * this.values;
    if (i + 2 > this.i32.length) this.i32 = grown(this.i32, i + 2);
    this.i32[i] = Number(BigInt.asIntN(32, v));
    this.i32[i + 1] = Number(BigInt.asIntN(32, v >> 32n));
    this.values++;
    rowBytes += 8;
  }

  putF32(v: number): void {
    const n = this.values;
    if (n === this.f32.length) this.f32 = grown(this.f32, n + 1);
    this.f32[n] = v;
    this.values = n + 1;
    rowBytes += 4;
  }

  putF64(v: number): void {
    const n = this.values;
    if (n === this.f64.length) this.f64 = grown(this.f64, n + 1);
    this.f64[n] = v;
    this.values = n + 1;
    rowBytes += 8;
  }

  putBool(v: boolean): void {
    const n = this.values;
    if (n === this.u8.length) this.u8 = grown(this.u8, n + 1);
    this.u8[n] = v ? 1 : 0;
    this.values = n + 1;
    rowBytes += 1;
  }

  putFixed(v: Uint8Array): void {
    const w = this.spec.width;
    const at = this.values * w;
    if (at + w > this.u8.length) this.u8 = grown(this.u8, at + w);
    this.u8.set(v, at);
    this.values++;
    rowBytes += w;
  }

  putBinary(v: Uint8Array): void {
    const at = this.len;
    const end = at + 4 + v.length;
    if (end > this.u8.length) this.u8 = grown(this.u8, end);
    writeU32(this.u8, at, v.length);
    this.u8.set(v, at + 4);
    this.len = end;
    this.values++;
    rowBytes += 4 + v.length;
  }

  /** A string, UTF-8 encoded into the PLAIN bytes (lone surrogates become U+FFFD, as TextEncoder does). */
  putString(s: string): void {
    const at = this.len;
    const need = at + 4 + 3 * s.length;
    if (need > this.u8.length) this.u8 = grown(this.u8, need);
    let end: number;
    if (s.length < NATIVE_UTF8_MIN_LENGTH) end = encodeUtf8(s, this.u8, at + 4);
    else {
      let b = this.u8buf;
      if (this.u8bufOf !== this.u8 || b === undefined) {
        b = this.u8buf = Buffer.from(this.u8.buffer, this.u8.byteOffset, this.u8.byteLength);
        this.u8bufOf = this.u8;
      }
      end = at + 4 + b.write(s, at + 4, 'utf8');
    }
    writeU32(this.u8, at, end - at - 4);
    this.len = end;
    this.values++;
    rowBytes += end - at;
  }

  mark(): void {
    this.mLevels = this.levels;
    this.mValues = this.values;
    this.mLen = this.len;
  }

  rollback(): void {
    this.levels = this.mLevels;
    this.values = this.mValues;
    this.len = this.mLen;
  }

  /** Statistics of the buffered chunk (physical min/max in the footer's forms), merged into fieldStats. */
  chunkStats(): ChunkStats {
    const s = computeStats(this);
    const fs = this.fieldStats;
    if (fs) {
      const icebergValue = (v: unknown): unknown => toIcebergStat(this.spec.type, v);
      if (fs.kind === 'uuid' && s.min !== undefined) {
        const [jmin, jmax] = javaUuidMinMax(this);
        fs.merge(this.levels, this.levels - this.values, 0, icebergValue(s.min), icebergValue(s.max), jmin, jmax);
      } else {
        fs.merge(this.levels, this.levels - this.values, s.nans, icebergValue(s.min), icebergValue(s.max));
      }
    }
    return s;
  }

  /** Empties the buffers for the next row group (capacity is kept). */
  reset(): void {
    this.levels = this.values = this.len = 0;
  }

  /** Gives the buffers' memory back to the pool (the leaf is empty afterwards). */
  release(): void {
    this.reset();
    for (const a of [this.def, this.rep, this.i32, this.f32, this.f64, this.u8]) if (a) giveBuffer(a.buffer);
    if (this.def) this.def = new Uint8Array(0);
    if (this.rep) this.rep = new Uint8Array(0);
    this.levelCap = 0;
    this.i32 = new Int32Array(0);
    this.f32 = new Float32Array(0);
    this.f64 = new Float64Array(0);
    this.u8 = new Uint8Array(0);
    this.u8buf = this.u8bufOf = undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// statistics of a chunk

function computeStats(leaf: LeafBuffer): ChunkStats {
  const n = leaf.values;
  const s: ChunkStats = { nulls: leaf.levels - n, nans: 0, min: undefined, max: undefined };
  if (n === 0) return s;
  const { type } = leaf.spec;
  switch (leaf.kind) {
    case 'i32': {
      const a = leaf.i32;
      let min = a[0]!;
      let max = min;
      for (let i = 1; i < n; i++) {
        const v = a[i]!;
        if (v < min) min = v;
        else if (v > max) max = v;
      }
      const decimal = decimalParams(type) !== undefined;
      s.min = decimal ? BigInt(min) : min;
      s.max = decimal ? BigInt(max) : max;
      return s;
    }
    case 'i64': {
      const a = leaf.i32;
      let min = Infinity;
      let max = -Infinity;
      let safe = true;
      for (let i = 0; i < 2 * n; i += 2) {
        const hi = a[i + 1]!;
        if (hi < -2097152 || hi >= 2097152) {
          safe = false;
          break;
        }
        const v = hi * 4294967296 + (a[i]! >>> 0);
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (safe) {
        s.min = BigInt(min);
        s.max = BigInt(max);
        return s;
      }
      const b = new BigInt64Array(a.buffer, 0, n);
      let bmin = b[0]!;
      let bmax = bmin;
      for (let i = 1; i < n; i++) {
        const v = b[i]!;
        if (v < bmin) bmin = v;
        else if (v > bmax) bmax = v;
      }
      s.min = bmin;
      s.max = bmax;
      return s;
    }
    case 'f32':
    case 'f64': {
      const a = leaf.kind === 'f32' ? leaf.f32 : leaf.f64;
      let min = Infinity;
      let max = -Infinity;
      let nans = 0;
      let seen = false;
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        if (v !== v) {
          nans++;
          continue;
        }
        seen = true;
        // -0 orders before +0 (the manifest's totalOrder; Parquet normalizes zero bounds anyway)
        if (v < min || (v === 0 && min === 0 && Object.is(v, -0))) min = v;
        if (v > max || (v === 0 && max === 0 && Object.is(max, -0))) max = v;
      }
      s.nans = nans;
      if (seen) {
        s.min = min;
        s.max = max;
      }
      return s;
    }
    case 'bool': {
      let t = 0;
      for (let i = 0; i < n; i++) t += leaf.u8[i]!;
      s.min = t === n;
      s.max = t > 0;
      return s;
    }
    case 'fixed': {
      const w = leaf.spec.width;
      const signed = primitiveKind(type) === 'decimal';
      const a = leaf.u8;
      let min = 0;
      let max = 0;
      for (let i = 1; i < n; i++) {
        if (compareAt(a, i * w, min * w, w, signed) < 0) min = i;
        else if (compareAt(a, i * w, max * w, w, signed) > 0) max = i;
      }
      const minB = a.slice(min * w, min * w + w);
      const maxB = a.slice(max * w, max * w + w);
      s.min = signed ? bytesToBigint(minB) : minB;
      s.max = signed ? bytesToBigint(maxB) : maxB;
      return s;
    }
    case 'bytes': {
      // unsigned byte order over the PLAIN values (for UTF-8 strings, this is code point order, as Iceberg's)
      const [minAt, maxAt] = bytesMinMax(leaf.u8, leaf.len);
      const a = leaf.u8;
      s.min = a.slice(minAt + 4, minAt + 4 + readU32(a, minAt));
      s.max = a.slice(maxAt + 4, maxAt + 4 + readU32(a, maxAt));
      if (leaf.isString) {
        s.min = utf8Text(s.min as Uint8Array);
        s.max = utf8Text(s.max as Uint8Array);
      }
      return s;
    }
  }
}

function utf8Text(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

function readU32(a: Uint8Array, p: number): number {
  return (a[p]! | (a[p + 1]! << 8) | (a[p + 2]! << 16) | (a[p + 3]! << 24)) >>> 0;
}

/** Positions of the smallest and largest of the PLAIN values in a[0, end) (unsigned byte order). */
function bytesMinMax(a: Uint8Array, end: number): [number, number] {
  let minAt = 0;
  let maxAt = 0;
  let minLen = readU32(a, 0);
  let maxLen = minLen;
  for (let p = 4 + minLen; p < end;) {
    const len = readU32(a, p);
    if (compareBytes(a, p + 4, len, minAt + 4, minLen) < 0) {
      minAt = p;
      minLen = len;
    } else if (compareBytes(a, p + 4, len, maxAt + 4, maxLen) > 0) {
      maxAt = p;
      maxLen = len;
    }
    p += 4 + len;
  }
  return [minAt, maxAt];
}

/** Unsigned byte order of a[p, p + lp) and a[q, q + lq). */
function compareBytes(a: Uint8Array, p: number, lp: number, q: number, lq: number): number {
  const n = lp < lq ? lp : lq;
  for (let i = 0; i < n; i++) {
    const d = a[p + i]! - a[q + i]!;
    if (d !== 0) return d;
  }
  return lp - lq;
}

/** Byte order of two fixed-width values (signed: two's complement big-endian, as DECIMAL). */
function compareAt(a: Uint8Array, p: number, q: number, w: number, signed: boolean): number {
  for (let i = 0; i < w; i++) {
    let x = a[p + i]!;
    let y = a[q + i]!;
    if (i === 0 && signed) {
      x ^= 0x80;
      y ^= 0x80;
    }
    if (x !== y) return x - y;
  }
  return 0;
}

/** java.util.UUID order (each 8-byte half as a signed long) of the chunk's uuids: min and max as strings. */
function javaUuidMinMax(leaf: LeafBuffer): [string, string] {
  const a = leaf.u8;
  const javaCompare = (p: number, q: number): number => {
    for (let i = 0; i < 16; i++) {
      let x = a[p + i]!;
      let y = a[q + i]!;
      if (i === 0 || i === 8) {
        x ^= 0x80;
        y ^= 0x80;
      }
      if (x !== y) return x - y;
    }
    return 0;
  };
  let min = 0;
  let max = 0;
  for (let i = 1; i < leaf.values; i++) {
    if (javaCompare(i * 16, min * 16) < 0) min = i;
    if (javaCompare(i * 16, max * 16) > 0) max = i;
  }
  return [bytesToUuid(a.subarray(min * 16, min * 16 + 16)), bytesToUuid(a.subarray(max * 16, max * 16 + 16))];
}

/** A chunk bound (physical form) in the manifest statistics' form (metrics.ts FieldStats). */
function toIcebergStat(type: PrimitiveType, v: unknown): unknown {
  if (v === undefined) return undefined;
  switch (primitiveKind(type)) {
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const b = v as bigint;
      return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
    }
    case 'uuid':
      return bytesToUuid(v as Uint8Array);
    default:
      return v; // decimals stay unscaled bigints; strings, numbers, booleans and bytes as they are
  }
}

// ---------------------------------------------------------------------------------------------------------
// writers: one per schema node, shredding a value into its leaves

/** Writes one value of a node at repetition level `r`, or (absent) records it as missing at def level `d`. */
interface NodeWriter {
  write(v: unknown, r: number): void;
  absent(d: number, r: number): void;
}

function toInt64(v: unknown, leaf: LeafBuffer): void {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new ValueError(`expected a safe integer or bigint, got ${describe(v)}`);
    leaf.putI64(v);
  } else if (typeof v === 'bigint') {
    if (BigInt.asIntN(64, v) !== v) throw new ValueError(`${v} does not fit 64 bits`);
    leaf.putI64Big(v);
  } else {
    throw new ValueError(`expected an integer (number or bigint), got ${describe(v)}`);
  }
}

/**
 * Unscaled value of a decimal. Plain strings with at most 15 significant digits are parsed without BigInt
 * (the common case: prices); everything else goes through decimalToUnscaled.
 */
function fastDecimal(v: unknown, precision: number, scale: number, limit: number): number | bigint {
  if (typeof v === 'string' && v.length <= 17 && scale >= 0) {
    let i = 0;
    let neg = false;
    const c0 = v.charCodeAt(0);
    if (c0 === 45 /* - */ || c0 === 43 /* + */) {
      neg = c0 === 45;
      i = 1;
    }
    let acc = 0;
    let digits = 0;
    let frac = -1;
    let ok = i < v.length;
    for (; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        if (frac >= 0) {
          if (frac === scale) {
            if (c !== 48) {
              ok = false;
              break;
            }
            continue; // trailing zero beyond the scale
          }
          frac++;
        }
        acc = acc * 10 + (c - 48);
        digits++;
      } else if (c === 46 /* . */ && frac < 0) {
        frac = 0;
      } else {
        ok = false;
        break;
      }
    }
    if (ok && digits > 0 && digits <= 15) {
      for (let f = frac < 0 ? 0 : frac; f < scale; f++) acc *= 10;
      if (acc < limit) return neg ? -acc : acc;
    }
  }
  try {
    const u = decimalToUnscaled(v, precision, scale);
    return u >= -9007199254740991n && u <= 9007199254740991n ? Number(u) : u;
  } catch (e) {
    throw new ValueError((e as Error).message);
  }
}

/**
 * The writer of one leaf: validates a value of `type`, appends it and its levels (a bad value throws ValueError
 * before anything changes). One object literal per type, so that each hot path calls one LeafBuffer method.
 */
function leafWriter(type: PrimitiveType, leaf: LeafBuffer, required: boolean, dNull: number): NodeWriter {
  const maxDef = leaf.spec.maxDef;
  const absent = (d: number, r: number): void => leaf.level(d, r);
  const missing = (r: number): void => {
    if (required) throw requiredError();
    leaf.level(dNull, r);
  };
  switch (primitiveKind(type)) {
    case 'boolean':
      return {
        write(v, r) {
          if (v === null || v === undefined) return missing(r);
          if (typeof v !== 'boolean') throw new ValueError(`expected a boolean, got ${describe(v)}`);
          leaf.putBool(v);
          leaf.level(maxDef, r);
        },
        absent,
      };
    case 'int':
    case 'date':
      return {
        write(v, r) {
          if (v === null || v === undefined) return missing(r);
          if (typeof v !== 'number' || (v | 0) !== v) {
            throw new ValueError(`expected a 32-bit integer, got ${describe(v)}`);
          }
          leaf.putI32(v);
          leaf.level(maxDef, r);
        },
        absent,
      };
    case 'float':
    case 'double': {
      const f32 = primitiveKind(type) === 'float';
      return {
        write(v, r) {
          if (v === null || v === undefined) return missing(r);
          if (typeof v !== 'number') throw new ValueError(`expected a number, got ${describe(v)}`);
          if (f32) leaf.putF32(v);
          else leaf.putF64(v);
          leaf.level(maxDef, r);
        },
        absent,
      };
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return {
        write(v, r) {
          if (v === null || v === undefined) return missing(r);
          if (typeof v === 'number' && Number.isSafeInteger(v)) leaf.putI64(v);
          else toInt64(v, leaf);
          leaf.level(maxDef, r);
        },
        absent,
      };
    case 'decimal': {
      const { precision, scale } = decimalParams(type)!;
      const limit = 10 ** precision; // unscaled values are below this (checked on the fast path)
      const width = leaf.spec.width;
      return {
        write(v, r) {
          if (v === null || v === undefined) return missing(r);
          const u = fastDecimal(v, precision, scale, limit);
          if (precision <= 9) leaf.putI32(Number(u));
          else if (precision > 18) leaf.putFixed(bigintToFixedBytes(BigInt(u), width));
          else if (typeof u === 'number') leaf.putI64(u);
          else leaf.putI64Big(u);
          leaf.level(maxDef, r);
        },
        absent,
      };
    }
    case 'string':
      // a JS string, or its UTF-8 bytes (written as they are, e.g. a Kafka record value: no decode and re-encode)
      return {
        write(v, r) {
          if (v === null || v === undefined) return missing(r);
          if (typeof v === 'string') leaf.putString(v);
          else if (v instanceof Uint8Array) {
            if (!isUtf8(v)) throw new ValueError(`expected a string, got ${v.length} bytes that are not valid UTF-8`);
            leaf.putBinary(v);
          } else throw new ValueError(`expected a string, got ${describe(v)}`);
          leaf.level(maxDef, r);
        },
        absent,
      };
    case 'uuid':
      return {
        write(v, r) {
          if (v === null || v === undefined) return missing(r);
          if (typeof v !== 'string') throw new ValueError(`expected a uuid string, got ${describe(v)}`);
          let bytes: Uint8Array;
          try {
            bytes = uuidToBytes(v);
          } catch (e) {
            throw new ValueError((e as Error).message);
          }
          leaf.putFixed(bytes);
          leaf.level(maxDef, r);
        },
        absent,
      };
    case 'binary':
      return {
        write(v, r) {
          if (v === null || v === undefined) return missing(r);
          if (!(v instanceof Uint8Array)) throw new ValueError(`expected a Uint8Array, got ${describe(v)}`);
          leaf.putBinary(v);
          leaf.level(maxDef, r);
        },
        absent,
      };
    case 'fixed': {
      const len = fixedLength(type)!;
      return {
        write(v, r) {
          if (v === null || v === undefined) return missing(r);
          if (!(v instanceof Uint8Array) || v.length !== len) {
            throw new ValueError(`expected a Uint8Array of ${len} bytes, got ${describe(v)}`);
          }
          leaf.putFixed(v);
          leaf.level(maxDef, r);
        },
        absent,
      };
    }
  }
}

type FieldsWriter = (src: Record<string, unknown>, r: number) => void;
type FieldsWriterFactory = (ws: NodeWriter[], fail: (e: unknown, field: number) => unknown) => FieldsWriter;

const fieldsWriters = new Map<string, FieldsWriterFactory>();

/**
 * Writes every field of an object through its writer in straight-line code: one constant-key property load and one
 * call per field, so each load sees one row shape and each call one writer (in a loop over the names both are
 * megamorphic). `fail(e, i)` gives the error to throw when field i fails. Generated once per list of names.
 */
function fieldsWriter(names: string[]): FieldsWriterFactory {
  const key = JSON.stringify(names);
  let factory = fieldsWriters.get(key);
  if (factory) return factory;
  const lines = names.map((n, i) => `${i ? `i = ${i}; ` : ''}w${i}.write(src[${JSON.stringify(n)}], r);`);
  const source = `'use strict';
${names.map((_, i) => `var w${i} = ws[${i}];`).join('\n')}
return function writeFields(src, r) {
  var i = 0;
  try {
    ${lines.join('\n    ')}
  } catch (e) {
    throw fail(e, i);
  }
};`;
  factory = new Function('ws', 'fail', source) as FieldsWriterFactory;
  fieldsWriters.set(key, factory);
  return factory;
}

/** Adds a path segment to a writer error as it unwinds. */
function prefixed(e: unknown, segment: string): unknown {
  if (e instanceof ValueError) e.path.unshift(segment);
  return e;
}

/** Compiles writers for a schema, collecting its leaves in Parquet's depth-first order. */
class Compiler {
  readonly leaves: LeafBuffer[] = [];
  private next = 0;

  constructor(private readonly elements: SchemaElement[]) {}

  /** `dParent`: def level of the parent; `rRep`: rep level of the innermost repeated ancestor (0 at the top). */
  node(
    type: IcebergType,
    required: boolean,
    fieldId: number,
    path: string[],
    dParent: number,
    rRep: number,
  ): NodeWriter {
    const d = required ? dParent : dParent + 1;
    if (typeof type === 'string') return this.primitive(type, required, fieldId, path, dParent, d, rRep);
    switch (type.type) {
      case 'struct':
        return this.struct(type, required, path, dParent, d, rRep);
      case 'list':
        return this.list(type, required, path, dParent, d, rRep);
      case 'map':
        return this.map(type, required, path, dParent, d, rRep);
    }
  }

  private primitive(
    type: PrimitiveType,
    required: boolean,
    fieldId: number,
    path: string[],
    dNull: number,
    maxDef: number,
    maxRep: number,
  ): NodeWriter {
    // elements[0] is the root; leaves appear in the same depth-first order as here
    let element: SchemaElement | undefined;
    while (this.next < this.elements.length && !element) {
      const e = this.elements[this.next++]!;
      if (e.type) element = e;
    }
    if (!element) throw new Error(`parquet schema has fewer leaves than the table schema (at ${path.join('.')})`);
    const kind = valueKind(type);
    const width =
      element.type === 'INT32' || element.type === 'FLOAT'
        ? 4
        : element.type === 'INT64' || element.type === 'DOUBLE'
          ? 8
          : (element.type_length ?? 0);
    const leaf = new LeafBuffer({ path, element, fieldId, type, maxDef, maxRep, kind, width });
    this.leaves.push(leaf);
    return leafWriter(type, leaf, required, dNull);
  }

  private struct(
    type: StructType,
    required: boolean,
    path: string[],
    dNull: number,
    d: number,
    rRep: number,
  ): NodeWriter {
    const names = type.fields.map((f) => f.name);
    const ws = type.fields.map((f) => this.node(f.type, f.required, f.id, [...path, parquetName(f.name)], d, rRep));
    const n = ws.length;
    const writeFields = fieldsWriter(names)(ws, (e, i) => prefixed(e, names[i]!));
    // indexed loops: for...of allocates an iterator result per field on this hot path
    return {
      write(v, r) {
        if (v === null || v === undefined) {
          if (required) throw requiredError();
          for (let i = 0; i < n; i++) ws[i]!.absent(dNull, r);
          return;
        }
        if (typeof v !== 'object' || Array.isArray(v) || v instanceof Map || v instanceof Uint8Array) {
          throw new ValueError(`expected a struct object, got ${describe(v)}`);
        }
        writeFields(v as Record<string, unknown>, r);
      },
      absent(dd, r) {
        for (let i = 0; i < n; i++) ws[i]!.absent(dd, r);
      },
    };
  }

  private list(type: ListType, required: boolean, path: string[], dNull: number, d: number, rRep: number): NodeWriter {
    const rElem = rRep + 1;
    const dEmpty = d; // list present but empty
    const elem = this.node(
      type.element,
      type['element-required'],
      type['element-id'],
      [...path, 'list', 'element'],
      d + 1,
      rElem,
    );
    return {
      write(v, r) {
        if (v === null || v === undefined) {
          if (required) throw requiredError();
          elem.absent(dNull, r);
          return;
        }
        if (!Array.isArray(v)) throw new ValueError(`expected an array, got ${describe(v)}`);
        if (v.length === 0) {
          elem.absent(dEmpty, r);
          return;
        }
        for (let i = 0; i < v.length; i++) {
          try {
            elem.write(v[i], i === 0 ? r : rElem);
          } catch (e) {
            throw prefixed(e, `[${i}]`);
          }
        }
      },
      absent(dd, r) {
        elem.absent(dd, r);
      },
    };
  }

  private map(type: MapType, required: boolean, path: string[], dNull: number, d: number, rRep: number): NodeWriter {
    const rEntry = rRep + 1;
    const kvPath = [...path, 'key_value'];
    const key = this.node(type.key, true, type['key-id'], [...kvPath, 'key'], d + 1, rEntry);
    const value = this.node(type.value, type['value-required'], type['value-id'], [...kvPath, 'value'], d + 1, rEntry);
    return {
      write(v, r) {
        if (v === null || v === undefined) {
          if (required) throw requiredError();
          key.absent(dNull, r);
          value.absent(dNull, r);
          return;
        }
        let entries: Iterable<[unknown, unknown]>;
        if (v instanceof Map) entries = v.entries();
        else if (typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) {
          entries = Object.entries(v as Record<string, unknown>);
        } else throw new ValueError(`expected a Map, got ${describe(v)}`);
        let i = 0;
        for (const [k, val] of entries) {
          const rr = i++ === 0 ? r : rEntry;
          try {
            key.write(k, rr);
            value.write(val, rr);
          } catch (e) {
            throw prefixed(e, `{${typeof k === 'string' ? k : describe(k)}}`);
          }
        }
        if (i === 0) {
          key.absent(d, r);
          value.absent(d, r);
        }
      },
      absent(dd, r) {
        key.absent(dd, r);
        value.absent(dd, r);
      },
    };
  }

  /** Checks every Parquet leaf got a writer. */
  done(): void {
    if (this.elements.slice(this.next).some((e) => e.type)) {
      throw new Error('parquet schema has more leaves than the table schema');
    }
  }
}

function valueKind(type: PrimitiveType): ValueKind {
  switch (primitiveKind(type)) {
    case 'boolean':
      return 'bool';
    case 'int':
    case 'date':
      return 'i32';
    case 'float':
      return 'f32';
    case 'double':
      return 'f64';
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return 'i64';
    case 'decimal': {
      const p = decimalParams(type)!.precision;
      return p <= 9 ? 'i32' : p <= 18 ? 'i64' : 'fixed';
    }
    case 'string':
    case 'binary':
      return 'bytes';
    case 'uuid':
    case 'fixed':
      return 'fixed';
  }
}

// ---------------------------------------------------------------------------------------------------------

const parquetSchemas = new WeakMap<Schema, SchemaElement[]>();

/** toParquetSchema once per schema object (the elements are only read). */
function parquetSchemaOf(schema: Schema): SchemaElement[] {
  let elements = parquetSchemas.get(schema);
  if (!elements) parquetSchemas.set(schema, (elements = toParquetSchema(schema)));
  return elements;
}

/** The buffered rows of one data file's current row group, plus the file's running manifest statistics. */
export class ColumnBuffers {
  /** the Parquet schema (footer form) the leaves follow */
  readonly parquetSchema: SchemaElement[];
  readonly leaves: LeafBuffer[];
  private readonly names: string[];
  private readonly writeRow: FieldsWriter;
  /** rows buffered in the current row group */
  rows = 0;
  /** bytes of the buffered rows (values as buffered: 4/8 bytes per number, PLAIN bytes, levels) */
  bytes = 0;

  constructor(schema: Schema) {
    this.parquetSchema = parquetSchemaOf(schema);
    const c = new Compiler(this.parquetSchema);
    this.names = schema.fields.map((f) => f.name);
    const writers = schema.fields.map((f: NestedField) =>
      c.node(f.type, f.required, f.id, [parquetName(f.name)], 0, 0),
    );
    this.writeRow = fieldsWriter(this.names)(writers, (e, i) => new FieldFailure(i, e));
    c.done();
    this.leaves = c.leaves;
  }

  /**
   * Adds one row; returns its estimated bytes. Throws SchemaMismatchError (and changes nothing) when a value
   * does not fit its column. `rowNumber` only labels the error.
   */
  add(row: Record<string, unknown>, rowNumber: number): number {
    if (typeof row !== 'object' || row === null) {
      throw new SchemaMismatchError('(row)', rowNumber, `expected an object, got ${describe(row)}`);
    }
    const leaves = this.leaves;
    for (let i = 0; i < leaves.length; i++) leaves[i]!.mark();
    rowBytes = 0;
    try {
      this.writeRow(row, 0);
    } catch (f) {
      for (let k = 0; k < leaves.length; k++) leaves[k]!.rollback();
      const e = f instanceof FieldFailure ? f.error : f;
      if (e instanceof ValueError && f instanceof FieldFailure) {
        const path = [this.names[f.field]!, ...e.path].join('.').replace(/\.(\[|\{)/g, '$1');
        throw new SchemaMismatchError(path, rowNumber, e.message);
      }
      throw e;
    }
    this.rows++;
    this.bytes += rowBytes;
    return rowBytes;
  }

  /** Computes the chunk statistics of every leaf (folding them into the manifest statistics). */
  chunkStats(): ChunkStats[] {
    return this.leaves.map((l) => l.chunkStats());
  }

  /** Empties the row group (after it was encoded). */
  reset(): void {
    for (const l of this.leaves) l.reset();
    this.rows = 0;
    this.bytes = 0;
  }

  /** Gives the buffers' memory back to the pool, once the file is written (or dropped). */
  release(): void {
    for (const l of this.leaves) l.release();
    this.rows = 0;
    this.bytes = 0;
  }

  /** The file's manifest statistics so far, for every primitive field outside lists and maps. */
  stats(): FieldStats[] {
    const out: FieldStats[] = [];
    for (const l of this.leaves) if (l.fieldStats) out.push(l.fieldStats);
    return out;
  }
}

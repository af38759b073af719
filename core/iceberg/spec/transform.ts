// Partition transforms of format/spec.md "Partition Transforms": identity, year, month, day, hour, bucket[N],
// truncate[W] and void, applied to the JS row values of DESIGN.md, plus the human-readable partition path
// (`event_time_day=2026-11-22/shop_id_bucket=3`) that Java's PartitionSpec.partitionToPath builds.
import { murmur3Hash32, murmur3HashLong } from './murmur3.js';
import type { PartitionSpec } from './partition-spec.js';
import type { IcebergType, NestedField, PrimitiveType, Schema } from './types.js';
import type { PartitionValues } from './manifest.js';
import {
  bigintToMinBytes,
  decimalParams,
  decimalToString,
  decimalToUnscaled,
  describe,
  longToJs,
  primitiveKind,
  toLong,
  uuidToBytes,
  type PrimitiveKind,
} from './values.js';

export type ParsedTransform =
  | { kind: 'identity' | 'year' | 'month' | 'day' | 'hour' | 'void' }
  | { kind: 'bucket'; n: number }
  | { kind: 'truncate'; width: number }
  /** A transform this code does not know: readers ignore it, writers must refuse it (spec "Partitioning"). */
  | { kind: 'unknown'; name: string };

/** Parses a transform string of partition specs and sort orders. Malformed bucket/truncate params throw. */
export function parseTransform(t: string): ParsedTransform {
  switch (t) {
    case 'identity':
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'void':
      return { kind: t };
  }
  const m = /^(bucket|truncate)\[(.*)\]$/.exec(t);
  if (!m) return { kind: 'unknown', name: t };
  const param = Number(m[2]);
  if (!/^\d+$/.test(m[2]!) || !Number.isSafeInteger(param) || param <= 0 || param > 2147483647) {
    throw new Error(`invalid transform "${t}": the parameter must be a positive integer`);
  }
  return m[1] === 'bucket' ? { kind: 'bucket', n: param } : { kind: 'truncate', width: param };
}

const TIME_SOURCES: ReadonlySet<PrimitiveKind> = new Set([
  'date',
  'timestamp',
  'timestamptz',
  'timestamp_ns',
  'timestamptz_ns',
]);
const BUCKET_SOURCES: ReadonlySet<PrimitiveKind> = new Set([
  'int', 'long', 'decimal', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns',
  'string', 'uuid', 'fixed', 'binary',
]); // prettier-ignore
const TRUNCATE_SOURCES: ReadonlySet<PrimitiveKind> = new Set(['int', 'long', 'decimal', 'string', 'binary']);

function parsed(transform: string | ParsedTransform): ParsedTransform {
  return typeof transform === 'string' ? parseTransform(transform) : transform;
}

function name(t: ParsedTransform): string {
  if (t.kind === 'bucket') return `bucket[${t.n}]`;
  if (t.kind === 'truncate') return `truncate[${t.width}]`;
  if (t.kind === 'unknown') return t.name;
  return t.kind;
}

/** Whether `transform` can be applied to `sourceType` (the spec's "Source types" column). */
export function canTransform(transform: string | ParsedTransform, sourceType: IcebergType): boolean {
  if (typeof sourceType !== 'string') return false;
  const t = parsed(transform);
  const k = primitiveKind(sourceType);
  switch (t.kind) {
    case 'identity':
    case 'void':
      return true;
    case 'year':
    case 'month':
    case 'day':
      return TIME_SOURCES.has(k);
    case 'hour':
      return TIME_SOURCES.has(k) && k !== 'date';
    case 'bucket':
      return BUCKET_SOURCES.has(k);
    case 'truncate':
      return TRUNCATE_SOURCES.has(k);
    case 'unknown':
      return false;
  }
}

/** The result type of a transform (the partition field's type in manifests). */
export function transformResultType(transform: string | ParsedTransform, sourceType: IcebergType): PrimitiveType {
  const t = parsed(transform);
  if (!canTransform(t, sourceType)) {
    throw new Error(
      `transform ${name(t)} cannot be applied to ${typeof sourceType === 'string' ? sourceType : sourceType.type}`,
    );
  }
  switch (t.kind) {
    case 'bucket':
    case 'year':
    case 'month':
    case 'hour':
      return 'int';
    case 'day':
      return 'date';
    default:
      return sourceType as PrimitiveType; // identity, truncate, void keep the source type
  }
}

// ---------------------------------------------------------------------------------------------------------
// calendar arithmetic (proleptic Gregorian, UTC) without Date objects

const MICROS_PER_HOUR = 3_600_000_000;
const MICROS_PER_DAY = 86_400_000_000;

/** Days since 1970-01-01 -> [year, month 1..12, day 1..31] (Howard Hinnant's civil_from_days). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function floorDiv(a: number | bigint, b: number): number {
  if (typeof a === 'bigint') {
    const bb = BigInt(b);
    const q = a / bb;
    return Number(a % bb !== 0n && a < 0n ? q - 1n : q);
  }
  return Math.floor(a / b);
}

/** Micros (or nanos for the _ns types) -> micros as a number, checked. */
function timestampMicros(value: unknown, kind: PrimitiveKind): number | bigint {
  if (kind === 'timestamp_ns' || kind === 'timestamptz_ns') {
    const ns = toLong(value);
    const q = ns / 1000n;
    return ns % 1000n !== 0n && ns < 0n ? q - 1n : q;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'bigint') return toLong(value);
  throw new TypeError(`expected microseconds as a safe integer, got ${describe(value)}`);
}

function days(value: unknown, kind: PrimitiveKind): number {
  if (kind === 'date') {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    throw new TypeError(`expected days since epoch as an integer, got ${describe(value)}`);
  }
  return floorDiv(timestampMicros(value, kind), MICROS_PER_DAY);
}

// ---------------------------------------------------------------------------------------------------------
// transforms

const utf8 = new TextEncoder();

function bucketHash(kind: PrimitiveKind, type: PrimitiveType, value: unknown): number {
  switch (kind) {
    case 'int':
    case 'date':
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return murmur3HashLong(value);
      return murmur3HashLong(toLong(value));
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return murmur3HashLong(timestampMicros(value, kind));
    case 'string':
      if (typeof value !== 'string') throw new TypeError(`expected string, got ${describe(value)}`);
      return murmur3Hash32(utf8.encode(value));
    case 'uuid':
      if (typeof value !== 'string') throw new TypeError(`expected uuid string, got ${describe(value)}`);
      return murmur3Hash32(uuidToBytes(value));
    case 'fixed':
    case 'binary':
      if (!(value instanceof Uint8Array)) throw new TypeError(`expected Uint8Array, got ${describe(value)}`);
      return murmur3Hash32(value);
    case 'decimal': {
      const { precision, scale } = decimalParams(type)!;
      return murmur3Hash32(bigintToMinBytes(decimalToUnscaled(value, precision, scale)));
    }
    default:
      throw new Error(`bucket cannot hash ${type}`);
  }
}

/** Truncates a string to at most `width` code points. */
function truncateCodePoints(s: string, width: number): string {
  if (s.length <= width) return s;
  let i = 0;
  for (let n = 0; n < width && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return s.slice(0, i);
}

/** Normalizes an identity value to the DESIGN.md form (long -> number|bigint, decimal -> string, ...). */
function identity(kind: PrimitiveKind, type: PrimitiveType, value: unknown): unknown {
  switch (kind) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new TypeError(`expected boolean, got ${describe(value)}`);
      return value;
    case 'int':
    case 'date':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
        throw new TypeError(`expected a 32-bit integer, got ${describe(value)}`);
      }
      return value;
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : longToJs(toLong(value));
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return toLong(value);
    case 'float':
    case 'double':
      if (typeof value !== 'number') throw new TypeError(`expected number, got ${describe(value)}`);
      return value;
    case 'string':
      if (typeof value !== 'string') throw new TypeError(`expected string, got ${describe(value)}`);
      return value;
    case 'uuid':
      if (typeof value !== 'string') throw new TypeError(`expected uuid string, got ${describe(value)}`);
      uuidToBytes(value); // validates
      return value.toLowerCase();
    case 'fixed':
    case 'binary':
      if (!(value instanceof Uint8Array)) throw new TypeError(`expected Uint8Array, got ${describe(value)}`);
      return value;
    case 'decimal': {
      const { precision, scale } = decimalParams(type)!;
      return decimalToString(decimalToUnscaled(value, precision, scale), scale);
    }
  }
}

/**
 * Compiles `transform` for `sourceType` into a function over JS row values (null/undefined -> null). Bind
 * once per partition field and reuse it on the hot path.
 */
export function bindTransform(
  transform: string | ParsedTransform,
  sourceType: IcebergType,
): (value: unknown) => unknown {
  const t = parsed(transform);
  transformResultType(t, sourceType); // validates the pairing
  const type = sourceType as PrimitiveType;
  const kind = primitiveKind(type);
  switch (t.kind) {
    case 'void':
      return () => null;
    case 'identity':
      return (v) => (v === null || v === undefined ? null : identity(kind, type, v));
    case 'bucket': {
      const n = t.n;
      return (v) => (v === null || v === undefined ? null : (bucketHash(kind, type, v) & 0x7fffffff) % n);
    }
    case 'year':
      return (v) => (v === null || v === undefined ? null : civilFromDays(days(v, kind))[0] - 1970);
    case 'month':
      return (v) => {
        if (v === null || v === undefined) return null;
        const [y, m] = civilFromDays(days(v, kind));
        return (y - 1970) * 12 + m - 1;
      };
    case 'day':
      return (v) => (v === null || v === undefined ? null : days(v, kind));
    case 'hour':
      return (v) => (v === null || v === undefined ? null : floorDiv(timestampMicros(v, kind), MICROS_PER_HOUR));
    case 'truncate':
      return truncateFn(kind, type, t.width);
    case 'unknown':
      throw new Error(`unknown transform "${t.name}"`);
  }
}

function truncateFn(kind: PrimitiveKind, type: PrimitiveType, width: number): (value: unknown) => unknown {
  switch (kind) {
    case 'int':
      return (v) => {
        if (v === null || v === undefined) return null;
        const x = identity(kind, type, v) as number;
        return x - (((x % width) + width) % width);
      };
    case 'long': {
      const w = BigInt(width);
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'number' && Number.isSafeInteger(v)) {
          const r = v - (((v % width) + width) % width);
          if (Number.isSafeInteger(r)) return r;
        }
        const x = toLong(v);
        return longToJs(x - (((x % w) + w) % w));
      };
    }
    case 'decimal': {
      const { precision, scale } = decimalParams(type)!;
      const w = BigInt(width);
      return (v) => {
        if (v === null || v === undefined) return null;
        const x = decimalToUnscaled(v, precision, scale);
        return decimalToString(x - (((x % w) + w) % w), scale);
      };
    }
    case 'string':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v !== 'string') throw new TypeError(`expected string, got ${describe(v)}`);
        return truncateCodePoints(v, width);
      };
    case 'binary':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (!(v instanceof Uint8Array)) throw new TypeError(`expected Uint8Array, got ${describe(v)}`);
        return v.length <= width ? v : v.slice(0, width);
      };
    default:
      throw new Error(`truncate cannot be applied to ${type}`);
  }
}

const bound = new Map<string, (value: unknown) => unknown>();

/** Applies a transform to one JS value (see bindTransform for the hot path). */
export function applyTransform(transform: string, sourceType: IcebergType, value: unknown): unknown {
  if (typeof sourceType !== 'string') throw new Error(`transform ${transform} needs a primitive source type`);
  const key = `${transform}\u0000${sourceType}`;
  let fn = bound.get(key);
  if (!fn) {
    fn = bindTransform(transform, sourceType);
    if (bound.size < 1024) bound.set(key, fn);
  }
  return fn(value);
}

// ---------------------------------------------------------------------------------------------------------
// partition tuples and paths

/** Finds a schema field by id, looking into structs only (partition sources cannot sit in lists or maps). */
function findSourceField(schema: Schema, id: number): { field: NestedField; path: string[] } | undefined {
  const walk = (fields: NestedField[], prefix: string[]): { field: NestedField; path: string[] } | undefined => {
    for (const f of fields) {
      if (f.id === id) return { field: f, path: [...prefix, f.name] };
      if (typeof f.type !== 'string' && f.type.type === 'struct') {
        const hit = walk(f.type.fields, [...prefix, f.name]);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return walk(schema.fields, []);
}

export interface BoundPartitionField {
  name: string;
  fieldId: number;
  sourceId: number;
  /** dotted path of the source column, for error messages */
  sourceName: string;
  transform: ParsedTransform;
  resultType: PrimitiveType;
  apply: (value: unknown) => unknown;
  /** reads the source value from a row (objects keyed by field name, nested structs as objects) */
  get: (row: Record<string, unknown>) => unknown;
}

/**
 * Binds every field of a partition spec to `schema`: result types, compiled transforms and row accessors.
 * Throws a clear error for a missing source column, an unknown transform or a transform/type mismatch.
 */
export function bindPartitionSpec(spec: PartitionSpec, schema: Schema): BoundPartitionField[] {
  return spec.fields.map((pf) => {
    const hit = findSourceField(schema, pf['source-id']);
    if (!hit) throw new Error(`partition field ${pf.name}: source column id ${pf['source-id']} is not in the schema`);
    const t = parseTransform(pf.transform);
    if (t.kind === 'unknown') throw new Error(`partition field ${pf.name}: unknown transform "${pf.transform}"`);
    if (!canTransform(t, hit.field.type)) {
      const typeName = typeof hit.field.type === 'string' ? hit.field.type : hit.field.type.type;
      throw new Error(
        `partition field ${pf.name}: transform ${pf.transform} cannot apply to ${hit.path.join('.')} (${typeName})`,
      );
    }
    const path = hit.path;
    const get =
      path.length === 1
        ? (row: Record<string, unknown>) => row[path[0]!]
        : (row: Record<string, unknown>) => {
            let v: unknown = row;
            for (const p of path) {
              if (v === null || v === undefined) return null;
              v = (v as Record<string, unknown>)[p];
            }
            return v;
          };
    return {
      name: pf.name,
      fieldId: pf['field-id'],
      sourceId: pf['source-id'],
      sourceName: path.join('.'),
      transform: t,
      resultType: transformResultType(t, hit.field.type),
      apply: bindTransform(t, hit.field.type),
      get,
    };
  });
}

/** The partition tuple of one row, keyed by partition field name. */
export function partitionValuesOf(fields: BoundPartitionField[], row: Record<string, unknown>): PartitionValues {
  const out: PartitionValues = {};
  for (const f of fields) out[f.name] = f.apply(f.get(row));
  return out;
}

const pad = (n: number, w: number): string =>
  n < 0 ? '-' + String(-n).padStart(w - 1, '0') : String(n).padStart(w, '0');

function humanDay(d: number): string {
  const [y, m, day] = civilFromDays(d);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(day, 2)}`;
}

/** Java's LocalTime/LocalDateTime fraction: nothing, or 3, 6 or 9 digits (LocalTime.toString). */
function fraction(micros: number): string {
  if (micros === 0) return '';
  const s = String(micros).padStart(6, '0');
  return '.' + (s.endsWith('000') ? s.slice(0, 3) : s);
}

/** ISO_LOCAL_DATE_TIME as Java prints it: seconds always, fraction without trailing zeros. */
function isoLocalDateTime(micros: number): string {
  const d = floorDiv(micros, MICROS_PER_DAY);
  let rest = micros - d * MICROS_PER_DAY;
  const h = Math.floor(rest / MICROS_PER_HOUR);
  rest -= h * MICROS_PER_HOUR;
  const min = Math.floor(rest / 60_000_000);
  rest -= min * 60_000_000;
  const sec = Math.floor(rest / 1_000_000);
  const us = rest - sec * 1_000_000;
  const frac = us === 0 ? '' : '.' + String(us).padStart(6, '0').replace(/0+$/, '');
  return `${humanDay(d)}T${pad(h, 2)}:${pad(min, 2)}:${pad(sec, 2)}${frac}`;
}

/** LocalTime.toString(): HH:mm, HH:mm:ss, or with a 3/6-digit fraction. */
function humanTime(micros: number): string {
  const h = Math.floor(micros / MICROS_PER_HOUR);
  const min = Math.floor((micros % MICROS_PER_HOUR) / 60_000_000);
  const sec = Math.floor((micros % 60_000_000) / 1_000_000);
  const us = micros % 1_000_000;
  const base = `${pad(h, 2)}:${pad(min, 2)}`;
  return sec === 0 && us === 0 ? base : `${base}:${pad(sec, 2)}${fraction(us)}`;
}

/** Java BigDecimal.toString of an unscaled value and scale (plain, or scientific when the exponent < -6). */
function javaDecimalString(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString();
  const adjusted = -scale + (digits.length - 1);
  if (scale >= 0 && adjusted >= -6) return decimalToString(unscaled, scale);
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${neg ? '-' : ''}${mant}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/** Java's Double.toString / Float.toString (shortest round-trip digits, Java's plain/scientific layout). */
function javaFloatString(v: number, isFloat: boolean): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  let shortest = v;
  if (isFloat) {
    let p = 1;
    while (p < 9 && Math.fround(Number(v.toPrecision(p))) !== v) p++;
    shortest = Number(v.toPrecision(p));
  }
  const [mant, expText] = Math.abs(shortest).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const sign = v < 0 ? '-' : '';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    return `${sign}${int}.${digits.slice(exp + 1) || '0'}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exp}`;
}

/** The human string of a partition value, as Java's Transform.toHumanString prints it ("null" for null). */
export function partitionValueToHumanString(
  transform: string | ParsedTransform,
  resultType: IcebergType,
  value: unknown,
): string {
  if (value === null || value === undefined) return 'null';
  const t = parsed(transform);
  switch (t.kind) {
    case 'year':
      return pad(1970 + (value as number), 4);
    case 'month': {
      const m = value as number;
      return `${pad(1970 + Math.floor(m / 12), 4)}-${pad((((m % 12) + 12) % 12) + 1, 2)}`;
    }
    case 'hour': {
      const h = value as number;
      const d = Math.floor(h / 24);
      return `${humanDay(d)}-${pad(h - d * 24, 2)}`;
    }
    case 'bucket':
      return String(value);
    default:
      break;
  }
  const kind = primitiveKind(resultType);
  switch (kind) {
    case 'date':
      return humanDay(value as number);
    case 'time':
      return humanTime(Number(value));
    case 'timestamptz':
      return `${isoLocalDateTime(Number(value))}+00:00`;
    case 'timestamp':
      return isoLocalDateTime(Number(value));
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const ns = BigInt(value as bigint);
      const us = Number(ns / 1000n - (ns % 1000n < 0n ? 1n : 0n));
      const nsRest = Number(((ns % 1000n) + 1000n) % 1000n);
      let s = isoLocalDateTime(us);
      if (nsRest) {
        const [main, frac = ''] = s.split('.');
        s = `${main}.${(frac.padEnd(6, '0') + String(nsRest).padStart(3, '0')).replace(/0+$/, '')}`;
      }
      return kind === 'timestamptz_ns' ? `${s}+00:00` : s;
    }
    case 'fixed':
    case 'binary':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'decimal': {
      const { precision, scale } = decimalParams(resultType)!;
      return javaDecimalString(decimalToUnscaled(value, precision, scale), scale);
    }
    case 'float':
    case 'double':
      return javaFloatString(value as number, kind === 'float');
    default:
      return String(value);
  }
}

/** java.net.URLEncoder.encode(s, UTF-8): keeps [A-Za-z0-9.*_-], space -> '+', the rest %XX. */
export function javaUrlEncode(s: string): string {
  return encodeURIComponent(
    s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  )
    .replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

/** partitionToPath over fields already bound with bindPartitionSpec (the writers' hot path). */
export function boundPartitionPath(fields: BoundPartitionField[], values: PartitionValues): string {
  return fields
    .map((f) => {
      const human = partitionValueToHumanString(f.transform, f.resultType, values[f.name]);
      return `${javaUrlEncode(f.name)}=${javaUrlEncode(human)}`;
    })
    .join('/');
}

/**
 * The partition directory of a tuple, as Java's PartitionSpec.partitionToPath: `name=value` per partition
 * field, human-readable values, both URL-escaped, joined with '/'. `values` are keyed by partition field name.
 */
export function partitionToPath(spec: PartitionSpec, schema: Schema, values: PartitionValues): string {
  return boundPartitionPath(bindPartitionSpec(spec, schema), values);
}

// Rows (DESIGN.md representation) -> column buffers for one row group, compiled once per schema.
// Each top-level column gets a pre-compiled converter (validate + convert to the Parquet physical value) and a
// compact buffer: typed arrays for numbers and temporal values, plain arrays for strings, bytes and nested
// values. A row is converted completely before any buffer changes, so a bad value throws a SchemaMismatchError
// (naming the column and the row) and leaves the writer exactly as it was. Statistics for the manifest metrics
// are gathered on the way in; nothing is ever read back from the file.
import type { IcebergType, ListType, MapType, NestedField, Schema, StructType } from '../spec/types.js';
import { decimalParams, decimalToUnscaled, describe, fixedLength, primitiveKind, uuidToBytes } from '../spec/values.js';
import { FieldStats } from './metrics.js';
import { parquetName } from './parquet-schema.js';

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

/** Error raised inside a converter; `path` grows as it unwinds through nested types. */
class ValueError extends Error {
  constructor(
    message: string,
    readonly path: string[] = [],
  ) {
    super(message);
  }
}

/** Data for one column of one row group, as the Parquet encoder takes it. */
export interface ColumnChunkData {
  /** top-level Parquet column name */
  name: string;
  data: ArrayLike<unknown>;
}

interface Column {
  readonly name: string;
  readonly parquetName: string;
  readonly stats: FieldStats[];
  /** Phase 1: validates and converts; throws ValueError. Must not change any state. */
  convert(v: unknown): unknown;
  /** Phase 2: appends a converted value; returns its estimated encoded bytes. `original` is the row's value. */
  push(converted: unknown, original: unknown): number;
  /** The buffered values (then resets the buffer). */
  take(): ArrayLike<unknown>;
  /** Folds running statistics into `stats`. */
  syncStats(): void;
}

const NULL = null;

function requiredError(): ValueError {
  return new ValueError('required value is missing (null or undefined)');
}

// ---------------------------------------------------------------------------------------------------------
// typed-array columns

type NumericKind = 'int' | 'date' | 'float' | 'double';
type BigKind = 'long' | 'time' | 'timestamp' | 'timestamptz' | 'timestamp_ns' | 'timestamptz_ns' | 'decimal';

const INITIAL_CAPACITY = 1024;

/** int, date, float and double in an Int32Array / Float32Array / Float64Array with a lazy null map. */
class NumberColumn implements Column {
  readonly stats: FieldStats[];
  private buf: Int32Array | Float32Array | Float64Array;
  private nulls: Uint8Array | undefined;
  private n = 0;
  private nullsInChunk = 0;
  private readonly width: number;
  // running stats for the file
  private count = 0;
  private nullCount = 0;
  private nanCount = 0;
  private min: number | undefined;
  private max: number | undefined;

  constructor(
    readonly name: string,
    readonly parquetName: string,
    private readonly kind: NumericKind,
    private readonly required: boolean,
    stats: FieldStats,
  ) {
    this.stats = [stats];
    this.buf = this.alloc(INITIAL_CAPACITY);
    this.width = kind === 'double' ? 8 : 4;
  }

  private alloc(n: number): Int32Array | Float32Array | Float64Array {
    return this.kind === 'double'
      ? new Float64Array(n)
      : this.kind === 'float'
        ? new Float32Array(n)
        : new Int32Array(n);
  }

  convert(v: unknown): unknown {
    if (v === null || v === undefined) {
      if (this.required) throw requiredError();
      return NULL;
    }
    if (typeof v !== 'number') throw new ValueError(`expected a number, got ${describe(v)}`);
    if ((this.kind === 'int' || this.kind === 'date') && (v | 0) !== v) {
      throw new ValueError(`expected a 32-bit integer, got ${describe(v)}`);
    }
    return v;
  }

  push(c: unknown): number {
    if (this.n === this.buf.length) {
      const next = this.alloc(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
      if (this.nulls) {
        const nn = new Uint8Array(next.length);
        nn.set(this.nulls);
        this.nulls = nn;
      }
    }
    this.count++;
    if (c === NULL) {
      this.nulls ??= new Uint8Array(this.buf.length);
      this.nulls[this.n++] = 1;
      this.nullsInChunk++;
      this.nullCount++;
      return 0;
    }
    if (this.nulls) this.nulls[this.n] = 0;
    this.buf[this.n++] = c as number;
    let v = c as number;
    if (this.kind === 'float') v = Math.fround(v);
    if (v !== v) {
      this.nanCount++;
    } else if (this.min === undefined) {
      this.min = v;
      this.max = v;
    } else {
      if (v < this.min || (v === 0 && this.min === 0 && Object.is(v, -0))) this.min = v;
      if (v > this.max! || (v === 0 && this.max === 0 && Object.is(this.max, -0))) this.max = v;
    }
    return this.width;
  }

  take(): ArrayLike<unknown> {
    const n = this.n;
    let out: ArrayLike<unknown>;
    if (this.nullsInChunk === 0) {
      out = this.buf.slice(0, n);
    } else {
      const arr = new Array<number | null>(n);
      const nulls = this.nulls!;
      for (let i = 0; i < n; i++) arr[i] = nulls[i] ? null : this.buf[i]!;
      out = arr;
    }
    this.n = 0;
    this.nullsInChunk = 0;
    return out;
  }

  syncStats(): void {
    this.stats[0]!.merge(this.count, this.nullCount, this.nanCount, this.min, this.max);
    this.count = this.nullCount = this.nanCount = 0;
    this.min = this.max = undefined;
  }
}

/** long, time, timestamps and decimal(P<=18) in a BigInt64Array with a lazy null map. */
class BigIntColumn implements Column {
  readonly stats: FieldStats[];
  private buf = new BigInt64Array(INITIAL_CAPACITY);
  // the same memory as 32-bit halves: safe-integer numbers are stored without allocating a BigInt
  private halves = new Int32Array(this.buf.buffer);
  private nulls: Uint8Array | undefined;
  private n = 0;
  private nullsInChunk = 0;
  private count = 0;
  private nullCount = 0;
  // bounds kept as numbers while the values are safe integers (fast compares), else as bigints
  private minN: number | undefined;
  private maxN: number | undefined;
  private minB: bigint | undefined;
  private maxB: bigint | undefined;
  private readonly convertValue: (v: unknown) => number | bigint;

  constructor(
    readonly name: string,
    readonly parquetName: string,
    kind: BigKind,
    type: IcebergType,
    private readonly required: boolean,
    stats: FieldStats,
  ) {
    this.stats = [stats];
    if (kind === 'decimal') {
      const { precision, scale } = decimalParams(type)!;
      this.convertValue = (v) => fastDecimal(v, precision, scale);
    } else {
      this.convertValue = toInt64;
    }
  }

  convert(v: unknown): unknown {
    if (v === null || v === undefined) {
      if (this.required) throw requiredError();
      return NULL;
    }
    return this.convertValue(v);
  }

  push(c: unknown): number {
    if (this.n === this.buf.length) {
      const next = new BigInt64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
      this.halves = new Int32Array(next.buffer);
      if (this.nulls) {
        const nn = new Uint8Array(next.length);
        nn.set(this.nulls);
        this.nulls = nn;
      }
    }
    this.count++;
    if (c === NULL) {
      this.nulls ??= new Uint8Array(this.buf.length);
      this.nulls[this.n++] = 1;
      this.nullsInChunk++;
      this.nullCount++;
      return 0;
    }
    if (this.nulls) this.nulls[this.n] = 0;
    if (typeof c === 'number') {
      const i = 2 * this.n++;
      this.halves[i] = c | 0; // ToInt32 is exact modulo 2^32 for integer-valued doubles
      this.halves[i + 1] = Math.floor(c / 4294967296); // little-endian high word, two's complement
      if (this.minN === undefined) {
        this.minN = c;
        this.maxN = c;
      } else if (c < this.minN) this.minN = c;
      else if (c > this.maxN!) this.maxN = c;
    } else {
      const b = c as bigint;
      this.buf[this.n++] = b;
      if (this.minB === undefined || b < this.minB) this.minB = b;
      if (this.maxB === undefined || b > this.maxB) this.maxB = b;
    }
    return 8;
  }

  take(): ArrayLike<unknown> {
    const n = this.n;
    let out: ArrayLike<unknown>;
    if (this.nullsInChunk === 0) {
      out = this.buf.slice(0, n);
    } else {
      const arr = new Array<bigint | null>(n);
      const nulls = this.nulls!;
      for (let i = 0; i < n; i++) arr[i] = nulls[i] ? null : this.buf[i]!;
      out = arr;
    }
    this.n = 0;
    this.nullsInChunk = 0;
    return out;
  }

  syncStats(): void {
    let min: number | bigint | undefined = this.minN;
    let max: number | bigint | undefined = this.maxN;
    if (this.minB !== undefined && (min === undefined || this.minB < min)) min = this.minB;
    if (this.maxB !== undefined && (max === undefined || this.maxB > max)) max = this.maxB;
    const s = this.stats[0]!;
    // decimal stats are unscaled bigints; FieldStats compares them through decimalToUnscaled
    if (s.kind === 'decimal' && min !== undefined) {
      min = BigInt(min);
      max = BigInt(max!);
    }
    s.merge(this.count, this.nullCount, 0, min, max);
    this.count = this.nullCount = 0;
    this.minN = this.maxN = this.minB = this.maxB = undefined;
  }
}

function toInt64(v: unknown): number | bigint {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return v;
    throw new ValueError(`expected a safe integer or bigint, got ${describe(v)}`);
  }
  if (typeof v === 'bigint') {
    if (BigInt.asIntN(64, v) !== v) throw new ValueError(`${v} does not fit 64 bits`);
    return v;
  }
  throw new ValueError(`expected an integer (number or bigint), got ${describe(v)}`);
}

/**
 * Unscaled value of a decimal. Plain strings with at most 15 significant digits are parsed without BigInt
 * (the common case: prices); everything else goes through decimalToUnscaled.
 */
function fastDecimal(v: unknown, precision: number, scale: number): number | bigint {
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
      if (acc < 10 ** precision) return neg ? -acc : acc;
    }
  }
  try {
    const u = decimalToUnscaled(v, precision, scale);
    return u >= -9007199254740991n && u <= 9007199254740991n ? Number(u) : u;
  } catch (e) {
    throw new ValueError((e as Error).message);
  }
}

// ---------------------------------------------------------------------------------------------------------
// array columns: strings, bytes, uuids, booleans, wide decimals

class ArrayColumn implements Column {
  readonly stats: FieldStats[];
  private values: unknown[] = [];
  private readonly kind;

  constructor(
    readonly name: string,
    readonly parquetName: string,
    type: IcebergType,
    private readonly required: boolean,
    stats: FieldStats,
  ) {
    this.stats = [stats];
    this.kind = primitiveKind(type);
    this.convertValue = primitiveConverter(type);
  }

  private readonly convertValue: (v: unknown) => unknown;

  convert(v: unknown): unknown {
    if (v === null || v === undefined) {
      if (this.required) throw requiredError();
      return NULL;
    }
    return this.convertValue(v);
  }

  push(c: unknown, original: unknown): number {
    this.values.push(c);
    const s = this.stats[0]!;
    if (c === NULL) {
      s.add(null);
      return 0;
    }
    s.add(this.kind === 'decimal' ? c : this.kind === 'uuid' ? (original as string).toLowerCase() : original);
    return estimateSize(this.kind, c);
  }

  take(): ArrayLike<unknown> {
    const out = this.values;
    this.values = [];
    return out;
  }

  syncStats(): void {}
}

function estimateSize(kind: string, c: unknown): number {
  switch (kind) {
    case 'string':
      return (c as string).length + 4;
    case 'binary':
      return (c as Uint8Array).length + 4;
    case 'boolean':
      return 0.125;
    case 'decimal':
      return 16;
    default:
      return (c as Uint8Array).length ?? 8; // uuid, fixed
  }
}

/** Validating converter for one primitive type (non-null input) to the value the Parquet encoder takes. */
function primitiveConverter(type: IcebergType): (v: unknown) => unknown {
  const kind = primitiveKind(type);
  switch (kind) {
    case 'boolean':
      return (v) => {
        if (typeof v !== 'boolean') throw new ValueError(`expected a boolean, got ${describe(v)}`);
        return v;
      };
    case 'int':
    case 'date':
      return (v) => {
        if (typeof v !== 'number' || (v | 0) !== v)
          throw new ValueError(`expected a 32-bit integer, got ${describe(v)}`);
        return v;
      };
    case 'float':
    case 'double':
      return (v) => {
        if (typeof v !== 'number') throw new ValueError(`expected a number, got ${describe(v)}`);
        return v;
      };
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return (v) => {
        const x = toInt64(v);
        return typeof x === 'bigint' ? x : BigInt(x);
      };
    case 'decimal': {
      const { precision, scale } = decimalParams(type)!;
      return (v) => BigInt(fastDecimal(v, precision, scale));
    }
    case 'string':
      return (v) => {
        if (typeof v !== 'string') throw new ValueError(`expected a string, got ${describe(v)}`);
        return v;
      };
    case 'uuid':
      return (v) => {
        if (typeof v !== 'string') throw new ValueError(`expected a uuid string, got ${describe(v)}`);
        try {
          return uuidToBytes(v);
        } catch (e) {
          throw new ValueError((e as Error).message);
        }
      };
    case 'binary':
      return (v) => {
        if (!(v instanceof Uint8Array)) throw new ValueError(`expected a Uint8Array, got ${describe(v)}`);
        return v;
      };
    case 'fixed': {
      const len = fixedLength(type)!;
      return (v) => {
        if (!(v instanceof Uint8Array) || v.length !== len) {
          throw new ValueError(`expected a Uint8Array of ${len} bytes, got ${describe(v)}`);
        }
        return v;
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// nested columns: struct, list, map (converted recursively; hyparquet-writer shreds them)

type Converter = (v: unknown) => unknown;

let nestedBytes = 0; // estimated bytes of the nested value being converted (single-threaded)

function nestedConverter(type: IcebergType, required: boolean): Converter {
  const inner = typeConverter(type);
  return (v) => {
    if (v === null || v === undefined) {
      if (required) throw requiredError();
      return null;
    }
    return inner(v);
  };
}

function typeConverter(type: IcebergType): Converter {
  if (typeof type === 'string') {
    const conv = primitiveConverter(type);
    const kind = primitiveKind(type);
    return (v) => {
      const c = conv(v);
      nestedBytes += estimateSize(kind, c === null ? 0 : c) || 8;
      return c;
    };
  }
  switch (type.type) {
    case 'struct':
      return structConverter(type);
    case 'list':
      return listConverter(type);
    case 'map':
      return mapConverter(type);
  }
}

/** Adds a path segment to a converter error as it unwinds. */
function prefixed(e: unknown, segment: string): unknown {
  if (e instanceof ValueError) e.path.unshift(segment);
  return e;
}

function structConverter(type: StructType): Converter {
  const fields = type.fields.map((f) => ({
    name: f.name,
    out: parquetName(f.name),
    conv: nestedConverter(f.type, f.required),
  }));
  return (v) => {
    if (typeof v !== 'object' || Array.isArray(v) || v instanceof Map || v instanceof Uint8Array) {
      throw new ValueError(`expected a struct object, got ${describe(v)}`);
    }
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      try {
        out[f.out] = f.conv(src[f.name]);
      } catch (e) {
        throw prefixed(e, f.name);
      }
    }
    return out;
  };
}

function listConverter(type: ListType): Converter {
  const conv = nestedConverter(type.element, type['element-required']);
  return (v) => {
    if (!Array.isArray(v)) throw new ValueError(`expected an array, got ${describe(v)}`);
    nestedBytes += 1;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      try {
        out[i] = conv(v[i]);
      } catch (e) {
        throw prefixed(e, `[${i}]`);
      }
    }
    return out;
  };
}

function mapConverter(type: MapType): Converter {
  const key = nestedConverter(type.key, true);
  const value = nestedConverter(type.value, type['value-required']);
  return (v) => {
    let entries: Iterable<[unknown, unknown]>;
    if (v instanceof Map) entries = v.entries();
    else if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      entries = Object.entries(v as Record<string, unknown>);
    } else throw new ValueError(`expected a Map, got ${describe(v)}`);
    const out: { key: unknown; value: unknown }[] = [];
    for (const [k, val] of entries) {
      try {
        out.push({ key: key(k), value: value(val) });
      } catch (e) {
        throw prefixed(e, `{${typeof k === 'string' ? k : describe(k)}}`);
      }
    }
    nestedBytes += 1;
    return out;
  };
}

/** Statistics walkers for primitives inside (possibly nested) structs, never inside lists or maps. */
function structStatsWalker(
  type: IcebergType,
  fieldId: number,
  stats: FieldStats[],
): ((v: unknown) => void) | undefined {
  if (typeof type === 'string') {
    const s = new FieldStats(fieldId, type);
    stats.push(s);
    const kind = s.kind;
    return (v) => s.add(v === undefined ? null : kind === 'uuid' && typeof v === 'string' ? v.toLowerCase() : v);
  }
  if (type.type !== 'struct') return undefined;
  const children = type.fields
    .map((f) => ({ name: f.name, walk: structStatsWalker(f.type, f.id, stats) }))
    .filter((c): c is { name: string; walk: (v: unknown) => void } => c.walk !== undefined);
  return (v) => {
    const obj = v === null || v === undefined ? undefined : (v as Record<string, unknown>);
    for (const c of children) c.walk(obj === undefined ? null : obj[c.name]);
  };
}

class NestedColumn implements Column {
  readonly stats: FieldStats[] = [];
  private values: unknown[] = [];
  private readonly conv: Converter;
  private readonly walk: ((v: unknown) => void) | undefined;

  constructor(
    readonly name: string,
    readonly parquetName: string,
    field: NestedField,
  ) {
    this.conv = nestedConverter(field.type, field.required);
    this.walk = structStatsWalker(field.type, field.id, this.stats);
  }

  convert(v: unknown): unknown {
    return this.conv(v);
  }

  push(c: unknown, original: unknown): number {
    this.values.push(c);
    this.walk?.(original);
    return 0; // counted through nestedBytes
  }

  take(): ArrayLike<unknown> {
    const out = this.values;
    this.values = [];
    return out;
  }

  syncStats(): void {}
}

// ---------------------------------------------------------------------------------------------------------

function makeColumn(f: NestedField): Column {
  const pname = parquetName(f.name);
  if (typeof f.type !== 'string') return new NestedColumn(f.name, pname, f);
  const stats = new FieldStats(f.id, f.type);
  const kind = primitiveKind(f.type);
  switch (kind) {
    case 'int':
    case 'date':
    case 'float':
    case 'double':
      return new NumberColumn(f.name, pname, kind, f.required, stats);
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return new BigIntColumn(f.name, pname, kind, f.type, f.required, stats);
    case 'decimal':
      if (decimalParams(f.type)!.precision <= 18)
        return new BigIntColumn(f.name, pname, kind, f.type, f.required, stats);
      return new ArrayColumn(f.name, pname, f.type, f.required, stats);
    default:
      return new ArrayColumn(f.name, pname, f.type, f.required, stats);
  }
}

/** The buffered rows of one data file's current row group, plus the file's running statistics. */
export class ColumnBuffers {
  private readonly columns: Column[];
  private readonly scratch: unknown[];
  /** rows buffered in the current row group */
  rows = 0;
  /** estimated encoded (uncompressed) bytes of the buffered rows */
  bytes = 0;

  constructor(schema: Schema) {
    this.columns = schema.fields.map(makeColumn);
    this.scratch = new Array<unknown>(this.columns.length);
  }

  /**
   * Adds one row; returns its estimated encoded bytes. Throws SchemaMismatchError (and changes nothing) when a
   * value does not fit its column. `rowNumber` only labels the error.
   */
  add(row: Record<string, unknown>, rowNumber: number): number {
    if (typeof row !== 'object' || row === null) {
      throw new SchemaMismatchError('(row)', rowNumber, `expected an object, got ${describe(row)}`);
    }
    const cols = this.columns;
    const scratch = this.scratch;
    nestedBytes = 0;
    for (let i = 0; i < cols.length; i++) {
      const col = cols[i]!;
      try {
        scratch[i] = col.convert(row[col.name]);
      } catch (e) {
        if (e instanceof ValueError) {
          const path = [col.name, ...e.path].join('.').replace(/\.(\[|\{)/g, '$1');
          throw new SchemaMismatchError(path, rowNumber, e.message);
        }
        throw e;
      }
    }
    let bytes = nestedBytes;
    for (let i = 0; i < cols.length; i++) {
      bytes += cols[i]!.push(scratch[i], row[cols[i]!.name]);
      scratch[i] = undefined;
    }
    this.rows++;
    this.bytes += bytes;
    return bytes;
  }

  /**
   * Takes the buffered row group and empties the buffers. Columns are materialized one at a time, as the
   * iterator is consumed, so that only one column's encoder input exists at once.
   */
  take(): { rows: number; columns: Iterable<ColumnChunkData> } {
    const rows = this.rows;
    this.rows = 0;
    this.bytes = 0;
    const cols = this.columns;
    function* columns(): Generator<ColumnChunkData> {
      for (const c of cols) yield { name: c.parquetName, data: c.take() };
    }
    return { rows, columns: columns() };
  }

  /** The file's statistics so far, for every primitive field outside lists and maps. */
  stats(): FieldStats[] {
    const out: FieldStats[] = [];
    for (const c of this.columns) {
      c.syncStats();
      out.push(...c.stats);
    }
    return out;
  }
}

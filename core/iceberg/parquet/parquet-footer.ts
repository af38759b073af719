// The Parquet footer (FileMetaData) and offset indexes in Thrift's compact protocol (parquet-format's
// parquet.thrift), written straight from the encoder's column chunk records: no generic object-to-Thrift
// reflection, since the footer's cost is paid once per data file and a partitioned write makes hundreds.
// Column statistics carry min_value/max_value (plus the legacy min/max for types whose order is signed, as
// parquet-mr writes them) in PLAIN form; byte arrays longer than STATS_MAX_BYTES get no min/max.
import type { SchemaElement } from 'hyparquet';
import { bigintToFixedBytes } from '../spec/values.js';

/** Byte-array bounds longer than this are left out of the statistics (they would bloat every footer). */
export const STATS_MAX_BYTES = 4096;

/** parquet.thrift enum values */
const TYPES = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'];
const REPETITION = ['REQUIRED', 'OPTIONAL', 'REPEATED'];
const CONVERTED = [
  'UTF8',
  'MAP',
  'MAP_KEY_VALUE',
  'LIST',
  'ENUM',
  'DECIMAL',
  'DATE',
  'TIME_MILLIS',
  'TIME_MICROS',
  'TIMESTAMP_MILLIS',
  'TIMESTAMP_MICROS',
];
export const CODECS = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, ZSTD: 6 } as const;
export const ENCODING = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
export const PAGE_TYPE = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;

/** What the footer records about one column chunk (numbers are Thrift enum values; offsets are file positions). */
export interface ChunkRecord {
  element: SchemaElement;
  path: string[];
  codec: number;
  encodings: number[];
  numValues: number;
  uncompressedSize: number;
  compressedSize: number;
  /** file position of the chunk's first page */
  start: number;
  dataPageOffset: number;
  dictionaryPageOffset?: number;
  nullCount: number;
  /** bounds in physical form: number (INT32, FLOAT, DOUBLE), bigint (INT64, any DECIMAL), boolean, string, bytes */
  min?: unknown;
  max?: unknown;
  dataPages: number;
  dataEncoding: number;
  /** page locations when the chunk has more than one page: [offset, compressed size, first row] */
  pages?: [number, number, number][];
  offsetIndexOffset?: number;
  offsetIndexLength?: number;
}

export interface RowGroupRecord {
  chunks: ChunkRecord[];
  rows: number;
  start: number;
  uncompressedSize: number;
  compressedSize: number;
}

// Thrift compact protocol types
const T_TRUE = 1;
const T_FALSE = 2;
const T_I32 = 5;
const T_I64 = 6;
const T_BINARY = 8;
const T_LIST = 9;
const T_STRUCT = 12;

const utf8 = new TextEncoder();

/** Thrift compact protocol writer (fields must be written in ascending id order within a struct). */
export class ThriftWriter {
  private buf = new Uint8Array(4096);
  pos = 0;
  private last = 0;
  private readonly stack: number[] = [];

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Unsigned varint of a non-negative safe integer. */
  private varint(v: number): void {
    this.ensure(10);
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  private zigzag(v: number): void {
    this.varint(v >= 0 ? 2 * v : -2 * v - 1);
  }

  private field(id: number, type: number): void {
    const delta = id - this.last;
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(id);
    }
    this.last = id;
  }

  i32(id: number, v: number | undefined): void {
    if (v === undefined) return;
    this.field(id, T_I32);
    this.zigzag(v);
  }

  /** i64 from a safe integer. */
  i64(id: number, v: number | undefined): void {
    if (v === undefined) return;
    this.field(id, T_I64);
    this.zigzag(v);
  }

  bool(id: number, v: boolean | undefined): void {
    if (v === undefined) return;
    this.field(id, v ? T_TRUE : T_FALSE);
  }

  binary(id: number, v: Uint8Array | string | undefined): void {
    if (v === undefined) return;
    const b = typeof v === 'string' ? utf8.encode(v) : v;
    this.field(id, T_BINARY);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  beginStruct(id: number): void {
    this.field(id, T_STRUCT);
    this.stack.push(this.last);
    this.last = 0;
  }

  /** A struct that is an element of a list (no field header). */
  beginElement(): void {
    this.stack.push(this.last);
    this.last = 0;
  }

  endStruct(): void {
    this.byte(0);
    this.last = this.stack.pop()!;
  }

  list(id: number, elementType: number, size: number): void {
    this.field(id, T_LIST);
    if (size < 15) this.byte((size << 4) | elementType);
    else {
      this.byte(0xf0 | elementType);
      this.varint(size);
    }
  }

  listI32(id: number, values: number[]): void {
    this.list(id, T_I32, values.length);
    for (const v of values) this.zigzag(v);
  }

  listStrings(id: number, values: string[]): void {
    this.list(id, T_BINARY, values.length);
    for (const v of values) {
      const b = utf8.encode(v);
      this.varint(b.length);
      this.ensure(b.length);
      this.buf.set(b, this.pos);
      this.pos += b.length;
    }
  }

  listStructs(id: number, size: number): void {
    this.list(id, T_STRUCT, size);
  }
}

function enumIndex(values: readonly string[], v: string, what: string): number {
  const i = values.indexOf(v);
  if (i < 0) throw new Error(`parquet footer: unsupported ${what} ${v}`);
  return i;
}

function writeLogicalType(w: ThriftWriter, lt: NonNullable<SchemaElement['logical_type']>): void {
  w.beginStruct(10);
  const unit = (u: string): void => {
    w.beginStruct(2);
    w.beginStruct(u === 'MILLIS' ? 1 : u === 'MICROS' ? 2 : 3);
    w.endStruct();
    w.endStruct();
  };
  switch (lt.type) {
    case 'STRING':
    case 'MAP':
    case 'LIST':
    case 'DATE':
    case 'UUID': {
      const id = { STRING: 1, MAP: 2, LIST: 3, DATE: 6, UUID: 14 }[lt.type];
      w.beginStruct(id);
      w.endStruct();
      break;
    }
    case 'DECIMAL':
      w.beginStruct(5);
      w.i32(1, lt.scale);
      w.i32(2, lt.precision);
      w.endStruct();
      break;
    case 'TIME':
    case 'TIMESTAMP':
      w.beginStruct(lt.type === 'TIME' ? 7 : 8);
      w.bool(1, lt.isAdjustedToUTC);
      unit(lt.unit);
      w.endStruct();
      break;
    default:
      throw new Error(`parquet footer: unsupported logical type ${lt.type}`);
  }
  w.endStruct();
}

/** A chunk bound as Statistics bytes (PLAIN encoding of the value; byte arrays without a length). */
function statBytes(e: SchemaElement, v: unknown): Uint8Array | undefined {
  const dv = (n: number, f: (d: DataView) => void): Uint8Array => {
    const b = new Uint8Array(n);
    f(new DataView(b.buffer));
    return b;
  };
  switch (e.type) {
    case 'BOOLEAN':
      return new Uint8Array([v ? 1 : 0]);
    case 'INT32':
      return dv(4, (d) => d.setInt32(0, Number(v), true));
    case 'INT64':
      return dv(8, (d) => d.setBigInt64(0, BigInt(v as bigint), true));
    case 'FLOAT':
      return dv(4, (d) => d.setFloat32(0, v as number, true));
    case 'DOUBLE':
      return dv(8, (d) => d.setFloat64(0, v as number, true));
    case 'FIXED_LEN_BYTE_ARRAY':
      return typeof v === 'bigint' ? bigintToFixedBytes(v, e.type_length!) : (v as Uint8Array);
    case 'BYTE_ARRAY': {
      const b = typeof v === 'string' ? utf8.encode(v) : (v as Uint8Array);
      return b.length > STATS_MAX_BYTES ? undefined : b;
    }
    default:
      throw new Error(`parquet footer: no statistics for ${e.type}`);
  }
}

function writeStatistics(w: ThriftWriter, c: ChunkRecord): void {
  w.beginStruct(12);
  const e = c.element;
  let min: Uint8Array | undefined;
  let max: Uint8Array | undefined;
  if (c.min !== undefined && c.max !== undefined) {
    min = statBytes(e, c.min);
    max = statBytes(e, c.max);
    if (!min || !max) min = max = undefined;
  }
  // the legacy fields (signed order) only for types whose order was always signed, as parquet-mr
  const legacy = e.type === 'INT32' || e.type === 'INT64' || e.type === 'FLOAT' || e.type === 'DOUBLE';
  if (legacy) {
    w.binary(1, max);
    w.binary(2, min);
  }
  w.i64(3, c.nullCount);
  w.binary(5, max);
  w.binary(6, min);
  w.endStruct();
}

function writeColumnChunk(w: ThriftWriter, c: ChunkRecord): void {
  w.beginElement();
  w.i64(2, c.start);
  w.beginStruct(3);
  w.i32(1, enumIndex(TYPES, c.element.type!, 'type'));
  w.listI32(2, c.encodings);
  w.listStrings(3, c.path);
  w.i32(4, c.codec);
  w.i64(5, c.numValues);
  w.i64(6, c.uncompressedSize);
  w.i64(7, c.compressedSize);
  w.i64(9, c.dataPageOffset);
  w.i64(11, c.dictionaryPageOffset);
  writeStatistics(w, c);
  const stats: [number, number, number][] = [];
  if (c.dictionaryPageOffset !== undefined) stats.push([PAGE_TYPE.DICTIONARY_PAGE, ENCODING.PLAIN, 1]);
  stats.push([PAGE_TYPE.DATA_PAGE, c.dataEncoding, c.dataPages]);
  w.listStructs(13, stats.length);
  for (const [type, encoding, count] of stats) {
    w.beginElement();
    w.i32(1, type);
    w.i32(2, encoding);
    w.i32(3, count);
    w.endStruct();
  }
  w.endStruct();
  w.i64(4, c.offsetIndexOffset);
  w.i32(5, c.offsetIndexLength);
  w.endStruct();
}

/** An OffsetIndex (page locations of one column chunk). */
export function writeOffsetIndex(w: ThriftWriter, pages: [number, number, number][]): void {
  w.beginElement();
  w.listStructs(1, pages.length);
  for (const [offset, size, firstRow] of pages) {
    w.beginElement();
    w.i64(1, offset);
    w.i32(2, size);
    w.i64(3, firstRow);
    w.endStruct();
  }
  w.endStruct();
}

export interface FooterInput {
  schema: SchemaElement[];
  rowGroups: RowGroupRecord[];
  rows: number;
  keyValueMetadata?: { key: string; value?: string }[];
  createdBy: string;
}

/** FileMetaData, as the footer stores it (the caller appends its length and PAR1). */
export function writeFileMetaData(w: ThriftWriter, f: FooterInput): void {
  w.beginElement();
  w.i32(1, 2); // version
  w.listStructs(2, f.schema.length);
  for (const e of f.schema) {
    w.beginElement();
    if (e.type) w.i32(1, enumIndex(TYPES, e.type, 'type'));
    w.i32(2, e.type_length);
    if (e.repetition_type) w.i32(3, enumIndex(REPETITION, e.repetition_type, 'repetition'));
    w.binary(4, e.name);
    w.i32(5, e.num_children);
    if (e.converted_type) w.i32(6, enumIndex(CONVERTED, e.converted_type, 'converted type'));
    w.i32(7, e.scale);
    w.i32(8, e.precision);
    w.i32(9, e.field_id);
    if (e.logical_type) writeLogicalType(w, e.logical_type);
    w.endStruct();
  }
  w.i64(3, f.rows);
  w.listStructs(4, f.rowGroups.length);
  for (const rg of f.rowGroups) {
    w.beginElement();
    w.listStructs(1, rg.chunks.length);
    for (const c of rg.chunks) writeColumnChunk(w, c);
    w.i64(2, rg.uncompressedSize);
    w.i64(3, rg.rows);
    w.i64(5, rg.start);
    w.i64(6, rg.compressedSize);
    w.endStruct();
  }
  if (f.keyValueMetadata) {
    w.listStructs(5, f.keyValueMetadata.length);
    for (const kv of f.keyValueMetadata) {
      w.beginElement();
      w.binary(1, kv.key);
      w.binary(2, kv.value);
      w.endStruct();
    }
  }
  w.binary(6, f.createdBy);
  const leaves = f.schema.filter((e) => e.type).length;
  w.listStructs(7, leaves); // column_orders: TYPE_ORDER for every leaf
  for (let i = 0; i < leaves; i++) {
    w.beginElement();
    w.beginStruct(1);
    w.endStruct();
    w.endStruct();
  }
  w.endStruct();
}

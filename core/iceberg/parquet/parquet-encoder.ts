// The Parquet file layout: the ONLY module (with parquet-footer.ts, its Thrift footer) that writes Parquet bytes,
// and the only user of the Parquet writer library (hyparquet-writer, for SNAPPY); swap or extend it here.
//
// Column chunks are encoded here from the typed buffers of column-buffers.ts, with no per-value JS objects:
// DATA_PAGE (v1, as parquet-mr, Trino/Athena and Iceberg Java write) with RLE/bit-packed levels, values PLAIN or,
// where it pays, RLE_DICTIONARY after a PLAIN dictionary page (built here per column chunk for strings, binary,
// INT32 and INT64; kept when dictionary + indexes are smaller than PLAIN, parquet-mr's rule, and under 2 MiB);
// pages of ~pageSize bytes cut at row starts, each compressed on its own; an offset index for chunks of more than
// one page; column statistics in the footer. Bytes leave through `sink` as they are produced (in ~1 MiB chunks,
// always at the end of a row group), so a file is never held whole in memory. Assumes a little-endian host (x86,
// ARM), where typed arrays already hold PLAIN's byte order.
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import type { KeyValue, SchemaElement } from 'hyparquet';
import { giveBuffer, takeBuffer } from './buffer-pool.js';
import type { Compression } from './compression.js';
import type { ChunkStats, LeafBuffer } from './column-buffers.js';
import {
  CODECS,
  ENCODING,
  ThriftWriter,
  writeFileMetaData,
  writeOffsetIndex,
  type ChunkRecord,
  type RowGroupRecord,
} from './parquet-footer.js';

/** For the footer's created_by. */
export const ENCODER_LIBRARY = 'shoplake-parquet 1';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('core/iceberg/parquet needs a little-endian host');
}

export interface ParquetEncoderOptions {
  /** full (logical) Parquet schema, as toParquetSchema returns it */
  schema: SchemaElement[];
  compression: Compression;
  keyValueMetadata?: KeyValue[];
  createdBy: string;
  /** target uncompressed page size (default 1 MiB, as parquet-mr) */
  pageSize?: number;
  /** receives the file's bytes in order; each chunk is a fresh array the encoder never touches again */
  sink: (chunk: Uint8Array) => void;
}

export interface EncodedFile {
  size: number;
  rows: number;
  /** byte offset of each row group's first column chunk, ascending */
  rowGroupOffsets: number[];
  /** compressed bytes of every leaf column by field id, summed over row groups */
  columnSizes: Map<number, number>;
}

const FLUSH_BYTES = 1024 * 1024;
const MAGIC = [0x50, 0x41, 0x52, 0x31]; // PAR1

const PAGE_DATA = 0;
const PAGE_DICTIONARY = 2;
const ENC_PLAIN = ENCODING.PLAIN;
const ENC_RLE = ENCODING.RLE;
const ENC_RLE_DICTIONARY = ENCODING.RLE_DICTIONARY;

/** A growable byte buffer (pooled memory) with the few writes the encoder needs. */
class ByteBuf {
  buf: Uint8Array<ArrayBuffer>;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(takeBuffer(size));
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(takeBuffer(Math.max(this.buf.length * 2, this.pos + n)));
    next.set(this.buf.subarray(0, this.pos));
    giveBuffer(this.buf.buffer);
    this.buf = next;
  }

  release(): void {
    giveBuffer(this.buf.buffer);
    this.buf = new Uint8Array(0);
    this.pos = 0;
  }

  u8(v: number): void {
    this.buf[this.pos++] = v;
  }

  /** Unsigned varint (v < 2^32). */
  varint(v: number): void {
    while (v > 127) {
      this.buf[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  /** Zigzag varint of a 32-bit signed integer (Thrift compact i32). */
  zigzag(v: number): void {
    this.varint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  bytes(a: Uint8Array): void {
    this.ensure(a.length);
    this.buf.set(a, this.pos);
    this.pos += a.length;
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

// ---------------------------------------------------------------------------------------------------------
// RLE / bit-packing hybrid (levels and dictionary indexes)

/** Bits needed for values 0..max. */
function bitWidth(max: number): number {
  return max <= 0 ? 0 : 32 - Math.clz32(max);
}

/**
 * Encodes a[start, end) with the RLE/bit-packing hybrid: runs of 8+ equal values as RLE runs, the rest in
 * bit-packed groups of 8 (at most 63 groups per run header, as parquet-mr and Arrow write).
 */
function rleHybrid(out: ByteBuf, a: Uint8Array | Int32Array, start: number, end: number, w: number): void {
  const byteWidth = (w + 7) >> 3;
  let lit = start; // first value not yet written
  let i = start;
  while (i < end) {
    const v = a[i]!;
    let j = i + 1;
    while (j < end && a[j] === v) j++;
    const run = j - i;
    if (run >= 8) {
      // literals so far must be whole groups of 8: borrow the run's first values to complete the last group
      const pad = (8 - ((i - lit) & 7)) & 7;
      if (run - pad >= 8) {
        if (i + pad > lit) bitPacked(out, a, lit, i + pad, w);
        out.ensure(5 + byteWidth);
        out.varint((run - pad) * 2);
        for (let b = 0; b < byteWidth; b++) out.u8((v >>> (8 * b)) & 255);
        lit = j;
      }
    }
    i = j;
  }
  if (lit < end) bitPacked(out, a, lit, end, w);
}

/**
 * Bit-packed runs of a[from, to); a last group short of 8 values (only at the end of the data) is zero-padded.
 * Widths up to 24 bits (levels need a few; dictionaries are capped at 2 MiB, so indexes need at most 20).
 */
function bitPacked(out: ByteBuf, a: Uint8Array | Int32Array, from: number, to: number, w: number): void {
  if (w > 24) throw new Error(`parquet encoder: bit width ${w} is over 24`);
  for (let i = from; i < to;) {
    const groups = Math.min(63, Math.ceil((to - i) / 8));
    const n = groups * 8;
    out.ensure(1 + groups * w);
    out.varint(groups * 2 + 1);
    const buf = out.buf;
    let p = out.pos;
    const stop = Math.min(i + n, to);
    let acc = 0;
    let bits = 0;
    for (let k = i; k < i + n; k++) {
      acc |= (k < stop ? a[k]! : 0) << bits;
      bits += w;
      while (bits >= 8) {
        buf[p++] = acc & 255;
        acc >>>= 8;
        bits -= 8;
      }
    }
    out.pos = p;
    i += n;
  }
}

/** Levels as a v1 data page stores them: a 4-byte length, then the hybrid encoding. */
function writeLevels(out: ByteBuf, levels: Uint8Array, start: number, end: number, w: number): void {
  out.ensure(4);
  const at = out.pos;
  out.pos += 4;
  rleHybrid(out, levels, start, end, w);
  const len = out.pos - at - 4;
  out.buf[at] = len & 255;
  out.buf[at + 1] = (len >>> 8) & 255;
  out.buf[at + 2] = (len >>> 16) & 255;
  out.buf[at + 3] = len >>> 24;
}

// ---------------------------------------------------------------------------------------------------------
// dictionaries

/** Largest dictionary page (Iceberg's write.parquet.dict-size-bytes default); past it the chunk stays PLAIN. */
export const DICTIONARY_MAX_BYTES = 2 * 1024 * 1024;

interface Dictionary {
  count: number;
  /** the dictionary page body (PLAIN values) */
  bytes: Uint8Array;
  indexes: Int32Array;
}

/** Whether dictionary + bit-packed indexes beat PLAIN (parquet-mr's rule). */
function dictionaryPays(count: number, dictBytes: number, n: number, plainBytes: number): boolean {
  return dictBytes + Math.ceil((n * Math.max(1, bitWidth(count - 1))) / 8) < plainBytes;
}

/** Gives up early on columns that are (nearly) all distinct: checked after 1,024 values, then at powers of two. */
function tooDistinct(seen: number, distinct: number): boolean {
  if (seen === 1024) return distinct > 0.95 * seen;
  return seen >= 4096 && (seen & (seen - 1)) === 0 && distinct > 0.8 * seen;
}

/**
 * Byte-array chunks also give up once `DISTINCT_PROBE_BYTES` of values were read and 90% of those bytes went into
 * the dictionary: for long unique values (a raw payload, URLs with ids) that is after a few dozen values instead
 * of 1,024 (hashing them all was most of the cost of trying).
 */
const DISTINCT_PROBE_BYTES = 64 * 1024;

/** Hash of the PLAIN value at p (u32 length + bytes): murmur3's 32-bit mixing, four bytes per step. */
function hashValue(u: Uint8Array, dv: DataView, p: number, len: number): number {
  let h = len;
  let k = p + 4;
  const end = k + len;
  for (const stop = k + (len & ~3); k < stop; k += 4) {
    let w = dv.getInt32(k, true);
    w = Math.imul(w, 0xcc9e2d51);
    w = Math.imul((w << 15) | (w >>> 17), 0x1b873593);
    h ^= w;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  if (k < end) {
    let w = 0;
    for (let shift = 0; k < end; k++, shift += 8) w |= u[k]! << shift;
    w = Math.imul(w, 0xcc9e2d51);
    h ^= Math.imul((w << 15) | (w >>> 17), 0x1b873593);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Pooled scratch arrays of one column chunk, given back once the chunk is written. */
class Scratch {
  private readonly held: ArrayBuffer[] = [];

  i32(n: number): Int32Array<ArrayBuffer> {
    const b = takeBuffer(n * 4);
    this.held.push(b);
    return new Int32Array(b, 0, n);
  }

  zeroI32(n: number): Int32Array<ArrayBuffer> {
    return this.i32(n).fill(0);
  }

  u8(n: number): Uint8Array<ArrayBuffer> {
    const b = takeBuffer(n);
    this.held.push(b);
    return new Uint8Array(b, 0, n);
  }

  /** Twice the length, same contents (the old array is kept until release). */
  grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
    const next = this.i32(a.length * 2);
    next.set(a);
    return next;
  }

  release(): void {
    for (const b of this.held) giveBuffer(b);
    this.held.length = 0;
  }
}

/** A dictionary for a BYTE_ARRAY chunk (strings, binary), built over its PLAIN bytes with an open-addressing table. */
function bytesDictionary(leaf: LeafBuffer, scratch: Scratch): Dictionary | undefined {
  const n = leaf.values;
  if (n < 16) return undefined;
  const u = leaf.u8;
  const dv = new DataView(u.buffer, u.byteOffset, u.byteLength);
  let cap = 1024;
  let table = scratch.zeroI32(cap); // entry index + 1; 0 = empty
  let starts = scratch.i32(256); // entry -> offset of its length prefix in u
  let hashes = scratch.i32(256);
  let count = 0;
  let dictBytes = 0;
  const indexes = scratch.i32(n);
  for (let i = 0, p = 0; i < n; i++) {
    const len = (u[p]! | (u[p + 1]! << 8) | (u[p + 2]! << 16) | (u[p + 3]! << 24)) >>> 0;
    const end = p + 4 + len;
    const h = hashValue(u, dv, p, len);
    let slot = h & (cap - 1);
    let entry = -1;
    for (let t = table[slot]!; t !== 0; t = table[slot]!) {
      const c = t - 1;
      if (hashes[c] === h && sameBytes(u, dv, starts[c]!, p, 4 + len)) {
        entry = c;
        break;
      }
      slot = (slot + 1) & (cap - 1);
    }
    if (entry < 0) {
      entry = count++;
      dictBytes += 4 + len;
      if (dictBytes > DICTIONARY_MAX_BYTES) return undefined;
      if (entry === starts.length) {
        starts = scratch.grow(starts);
        hashes = scratch.grow(hashes);
      }
      starts[entry] = p;
      hashes[entry] = h;
      table[slot] = entry + 1;
      if (count * 2 > cap) {
        cap *= 2;
        table = scratch.zeroI32(cap);
        for (let c = 0; c < count; c++) {
          let s = hashes[c]! & (cap - 1);
          while (table[s] !== 0) s = (s + 1) & (cap - 1);
          table[s] = c + 1;
        }
      }
    }
    indexes[i] = entry;
    if (tooDistinct(i + 1, count) || (end >= DISTINCT_PROBE_BYTES && dictBytes > 0.9 * end)) return undefined;
    p = end;
  }
  if (!dictionaryPays(count, dictBytes, n, leaf.len)) return undefined;
  const bytes = scratch.u8(dictBytes);
  for (let c = 0, o = 0; c < count; c++) {
    const p = starts[c]!;
    const end = p + 4 + ((u[p]! | (u[p + 1]! << 8) | (u[p + 2]! << 16) | (u[p + 3]! << 24)) >>> 0);
    if (end - p > 64) {
      bytes.set(u.subarray(p, end), o);
      o += end - p;
    } else for (let k = p; k < end; k++) bytes[o++] = u[k]!; // short entries: no subarray object per entry
  }
  return { count, bytes, indexes };
}

/** Whether u[a, a + n) and u[b, b + n) hold the same bytes (four at a time). */
function sameBytes(u: Uint8Array, dv: DataView, a: number, b: number, n: number): boolean {
  let k = 0;
  for (const stop = n & ~3; k < stop; k += 4) if (dv.getInt32(a + k, true) !== dv.getInt32(b + k, true)) return false;
  for (; k < n; k++) if (u[a + k] !== u[b + k]) return false;
  return true;
}

/**
 * A dictionary for an INT32/INT64 chunk when it pays, built with an open-addressing table over the values' 32-bit
 * halves (no Map, no BigInt, any 64-bit value).
 */
function integerDictionary(leaf: LeafBuffer, scratch: Scratch): Dictionary | undefined {
  const n = leaf.values;
  if (n < 16) return undefined;
  const wide = leaf.kind === 'i64';
  const width = wide ? 8 : 4;
  const a = leaf.i32;
  const maxEntries = Math.min(n >> 1, DICTIONARY_MAX_BYTES / width);
  let cap = 1024;
  let table = scratch.zeroI32(cap); // entry index + 1; 0 = empty
  let los = scratch.i32(256);
  let his = scratch.i32(256);
  let count = 0;
  const indexes = scratch.i32(n);
  const hash = (lo: number, hi: number): number => {
    const h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
    return h ^ (h >>> 15);
  };
  for (let i = 0; i < n; i++) {
    const lo = wide ? a[2 * i]! : a[i]!;
    const hi = wide ? a[2 * i + 1]! : 0;
    let slot = hash(lo, hi) & (cap - 1);
    let entry = -1;
    for (let t = table[slot]!; t !== 0; t = table[slot]!) {
      if (los[t - 1] === lo && his[t - 1] === hi) {
        entry = t - 1;
        break;
      }
      slot = (slot + 1) & (cap - 1);
    }
    if (entry < 0) {
      entry = count++;
      if (entry >= maxEntries) return undefined;
      if (entry === los.length) {
        los = scratch.grow(los);
        his = scratch.grow(his);
      }
      los[entry] = lo;
      his[entry] = hi;
      table[slot] = entry + 1;
      if (count * 2 > cap) {
        cap *= 2;
        table = scratch.zeroI32(cap);
        for (let c = 0; c < count; c++) {
          let s = hash(los[c]!, his[c]!) & (cap - 1);
          while (table[s] !== 0) s = (s + 1) & (cap - 1);
          table[s] = c + 1;
        }
      }
    }
    indexes[i] = entry;
    if (tooDistinct(i + 1, count)) return undefined;
  }
  if (!dictionaryPays(count, count * width, n, n * width)) return undefined;
  const values = scratch.i32(count * (width / 4));
  for (let c = 0; c < count; c++) {
    if (wide) {
      values[2 * c] = los[c]!;
      values[2 * c + 1] = his[c]!;
    } else values[c] = los[c]!;
  }
  return { count, bytes: new Uint8Array(values.buffer, 0, count * width), indexes };
}

// ---------------------------------------------------------------------------------------------------------

export class ParquetEncoder {
  private readonly out = new ByteBuf(64 * 1024);
  private readonly page = new ByteBuf(64 * 1024);
  private readonly scratch = new Scratch();
  private flushed = 0;
  private readonly compress: ((b: Uint8Array) => Uint8Array) | undefined;
  private readonly codec: number;
  private readonly rowGroups: RowGroupRecord[] = [];
  private readonly rowGroupOffsets: number[] = [];
  private readonly columnSizes = new Map<number, number>();
  private readonly pageSize: number;
  private rows = 0;
  private finished = false;

  constructor(private readonly options: ParquetEncoderOptions) {
    const { codec, compress } = options.compression;
    this.compress = compress ?? (codec === 'SNAPPY' ? snappyCompress : undefined);
    if (codec !== 'UNCOMPRESSED' && !this.compress) throw new Error(`parquet encoder: no compressor for ${codec}`);
    this.codec = CODECS[codec];
    this.pageSize = options.pageSize ?? 1024 * 1024;
    for (const b of MAGIC) this.out.u8(b);
  }

  /** Bytes of the file so far (emitted or staged). */
  get bytesWritten(): number {
    return this.flushed + this.out.pos;
  }

  /**
   * Encodes and compresses one row group from the leaves' buffers (with their chunk statistics), and emits its
   * bytes through the sink. The buffers are only read.
   */
  writeRowGroup(leaves: LeafBuffer[], stats: ChunkStats[], rows: number): void {
    if (this.finished) throw new Error('parquet encoder: row group after finish');
    if (rows === 0) return;
    const start = this.bytesWritten;
    this.rowGroupOffsets.push(start);
    const chunks: ChunkRecord[] = [];
    let uncompressed = 0;
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i]!;
      if (leaf.levels !== rows && leaf.spec.maxRep === 0) {
        throw new Error(
          `parquet encoder: column ${leaf.spec.path.join('.')} has ${leaf.levels} values, expected ${rows}`,
        );
      }
      const chunk = this.writeColumn(leaf, stats[i]!);
      chunks.push(chunk);
      uncompressed += chunk.uncompressedSize;
    }
    this.rowGroups.push({
      chunks,
      rows,
      start,
      uncompressedSize: uncompressed,
      compressedSize: this.bytesWritten - start,
    });
    this.rows += rows;
    this.emit();
  }

  /** Writes the offset indexes and the footer (with the logical schema); returns the file's layout. */
  finish(): EncodedFile {
    if (this.finished) throw new Error('parquet encoder: finish called twice');
    this.finished = true;
    const w = new ThriftWriter();
    const base = this.bytesWritten; // index offsets are file positions
    for (const rg of this.rowGroups) {
      for (const c of rg.chunks) {
        if (!c.pages) continue;
        const at = w.pos;
        writeOffsetIndex(w, c.pages);
        c.offsetIndexOffset = base + at;
        c.offsetIndexLength = w.pos - at;
        c.pages = undefined;
      }
    }
    const footerStart = w.pos;
    writeFileMetaData(w, {
      schema: this.options.schema,
      rowGroups: this.rowGroups,
      rows: this.rows,
      keyValueMetadata: this.options.keyValueMetadata,
      createdBy: this.options.createdBy,
    });
    const footerLength = w.pos - footerStart;
    this.out.bytes(w.bytes());
    this.out.ensure(8);
    for (let k = 0; k < 4; k++) this.out.u8((footerLength >>> (8 * k)) & 255);
    for (const b of MAGIC) this.out.u8(b);
    const size = this.bytesWritten;
    this.emit();
    this.dispose();
    return { size, rows: this.rows, rowGroupOffsets: this.rowGroupOffsets, columnSizes: this.columnSizes };
  }

  /** Gives the staging memory back (after finish(), or when the file is abandoned). */
  dispose(): void {
    this.finished = true;
    this.out.release();
    this.page.release();
  }

  private emit(): void {
    if (this.out.pos === 0) return;
    const chunk = this.out.buf.slice(0, this.out.pos);
    this.flushed += this.out.pos;
    this.out.pos = 0;
    this.options.sink(chunk);
  }

  /** Compresses the page body in `this.page` and stages header + body; returns the uncompressed size. */
  private writePage(type: number, numValues: number, encoding: number): number {
    const body = this.page.view();
    const data = this.compress ? this.compress(body) : body;
    const out = this.out;
    const headerStart = out.pos;
    out.ensure(64);
    out.u8(0x15); // 1: type (i32)
    out.zigzag(type);
    out.u8(0x15); // 2: uncompressed_page_size
    out.zigzag(body.length);
    out.u8(0x15); // 3: compressed_page_size
    out.zigzag(data.length);
    out.u8(type === PAGE_DICTIONARY ? 0x4c : 0x2c); // 7: dictionary_page_header / 5: data_page_header (struct)
    out.u8(0x15); // num_values
    out.zigzag(numValues);
    out.u8(0x15); // encoding
    out.zigzag(encoding);
    if (type === PAGE_DATA) {
      out.u8(0x15); // definition_level_encoding
      out.zigzag(ENC_RLE);
      out.u8(0x15); // repetition_level_encoding
      out.zigzag(ENC_RLE);
    }
    out.u8(0); // end of the page-type header
    out.u8(0); // end of PageHeader
    const header = out.pos - headerStart;
    out.bytes(data);
    if (out.pos >= FLUSH_BYTES) this.emit();
    return header + body.length;
  }

  private writeColumn(leaf: LeafBuffer, stats: ChunkStats): ChunkRecord {
    try {
      return this.encodeColumn(leaf, stats);
    } finally {
      this.scratch.release();
    }
  }

  private encodeColumn(leaf: LeafBuffer, stats: ChunkStats): ChunkRecord {
    const spec = leaf.spec;
    const start = this.bytesWritten;
    let uncompressed = 0;
    const dict =
      leaf.kind === 'bytes'
        ? bytesDictionary(leaf, this.scratch)
        : leaf.kind === 'i32' || leaf.kind === 'i64'
          ? integerDictionary(leaf, this.scratch)
          : undefined;
    let dictionaryOffset: number | undefined;
    if (dict) {
      dictionaryOffset = start;
      this.page.pos = 0;
      this.page.bytes(dict.bytes);
      uncompressed += this.writePage(PAGE_DICTIONARY, dict.count, ENC_PLAIN);
    }
    const dataOffset = this.bytesWritten;

    const { maxDef, maxRep } = spec;
    const levels = leaf.levels;
    const def = leaf.def;
    const rep = leaf.rep;
    const dw = bitWidth(maxDef);
    const rw = bitWidth(maxRep);
    const iw = dict ? Math.max(1, bitWidth(dict.count - 1)) : 0;
    const n = leaf.values;
    const valueBytes = dict
      ? (n * iw) / 8
      : leaf.kind === 'bytes'
        ? leaf.len
        : leaf.kind === 'bool'
          ? n / 8
          : n * spec.width;
    const perLevel = Math.max((valueBytes + (levels * (dw + rw)) / 8) / Math.max(levels, 1), 1 / 64);
    const levelsPerPage = Math.max(1, Math.floor(this.pageSize / perLevel));
    const locations: [number, number, number][] = [];
    const page = this.page;
    let ls = 0; // first level of the page
    let vs = 0; // first value of the page
    let bs = 0; // first byte of the page (bytes kind)
    let row = 0; // rows before the page
    while (ls < levels) {
      let le = Math.min(levels, ls + levelsPerPage);
      if (rep) while (le < levels && rep[le] !== 0) le++;
      let nv = le - ls;
      if (maxDef > 0) {
        nv = 0;
        for (let k = ls; k < le; k++) if (def![k] === maxDef) nv++;
      }
      page.pos = 0;
      if (maxRep > 0) writeLevels(page, rep!, ls, le, rw);
      if (maxDef > 0) writeLevels(page, def!, ls, le, dw);
      if (dict) {
        page.ensure(1);
        page.u8(iw);
        rleHybrid(page, dict.indexes, vs, vs + nv, iw);
      } else {
        switch (leaf.kind) {
          case 'i32':
            page.bytes(new Uint8Array(leaf.i32.buffer, vs * 4, nv * 4));
            break;
          case 'i64':
            page.bytes(new Uint8Array(leaf.i32.buffer, vs * 8, nv * 8));
            break;
          case 'f32':
            page.bytes(new Uint8Array(leaf.f32.buffer, vs * 4, nv * 4));
            break;
          case 'f64':
            page.bytes(new Uint8Array(leaf.f64.buffer, vs * 8, nv * 8));
            break;
          case 'fixed':
            page.bytes(leaf.u8.subarray(vs * spec.width, (vs + nv) * spec.width));
            break;
          case 'bool': {
            page.ensure((nv + 7) >> 3);
            const u = leaf.u8;
            for (let k = 0; k < nv; k += 8) {
              let byte = 0;
              for (let b = 0; b < 8 && k + b < nv; b++) byte |= u[vs + k + b]! << b;
              page.u8(byte);
            }
            break;
          }
          case 'bytes': {
            const u = leaf.u8;
            let be = bs;
            for (let k = 0; k < nv; k++)
              be += 4 + ((u[be]! | (u[be + 1]! << 8) | (u[be + 2]! << 16) | (u[be + 3]! << 24)) >>> 0);
            page.bytes(u.subarray(bs, be));
            bs = be;
            break;
          }
        }
      }
      const pageOffset = this.bytesWritten;
      uncompressed += this.writePage(PAGE_DATA, le - ls, dict ? ENC_RLE_DICTIONARY : ENC_PLAIN);
      locations.push([pageOffset, this.bytesWritten - pageOffset, row]);
      if (rep) {
        for (let k = ls; k < le; k++) if (rep[k] === 0) row++;
      } else row += le - ls;
      ls = le;
      vs += nv;
    }

    const encodings: number[] = dict ? [ENC_PLAIN, ENC_RLE_DICTIONARY] : [ENC_PLAIN];
    if (maxDef > 0 || maxRep > 0) encodings.push(ENC_RLE);
    const compressedSize = this.bytesWritten - start;
    this.columnSizes.set(spec.fieldId, (this.columnSizes.get(spec.fieldId) ?? 0) + compressedSize);
    const [min, max] = footerBounds(leaf, stats);
    return {
      element: spec.element,
      path: spec.path,
      codec: this.codec,
      encodings,
      numValues: levels,
      uncompressedSize: uncompressed,
      compressedSize,
      start,
      dataPageOffset: dataOffset,
      dictionaryPageOffset: dictionaryOffset,
      nullCount: stats.nulls,
      min,
      max,
      dataPages: locations.length,
      dataEncoding: dict ? ENC_RLE_DICTIONARY : ENC_PLAIN,
      pages: locations.length > 1 ? locations : undefined,
    };
  }
}

/** The chunk's bounds for the footer: Parquet writes a zero float minimum as -0.0 and a zero maximum as +0.0. */
function footerBounds(leaf: LeafBuffer, s: ChunkStats): [unknown, unknown] {
  let min = s.min;
  let max = s.max;
  if (leaf.kind === 'f32' || leaf.kind === 'f64') {
    if (min === 0) min = -0;
    if (max === 0) max = 0;
  }
  return [min, max];
}

// The Parquet file layout: the ONLY module that writes Parquet bytes, and the only user of the Parquet writer
// library (hyparquet-writer: its Thrift footer, page-index and snappy code); swap or extend it here.
//
// Column chunks are encoded here from the typed buffers of column-buffers.ts, with no per-value JS objects:
// DATA_PAGE (v1, as parquet-mr, Trino/Athena and Iceberg Java write) with RLE/bit-packed levels, values PLAIN or,
// where it pays, RLE_DICTIONARY after a PLAIN dictionary page (low-cardinality strings from column-buffers,
// integers decided here); pages of ~pageSize bytes cut at row starts, each compressed on its own; an offset index
// for chunks of more than one page; column statistics in the footer. Bytes leave through `sink` as they are
// produced (in ~1 MiB chunks, always at the end of a row group), so a file is never held whole in memory.
// Assumes a little-endian host (x86, ARM), where typed arrays already hold PLAIN's byte order.
import { ByteWriter } from 'hyparquet-writer';
import { writeIndexes } from 'hyparquet-writer/src/indexes.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import type { ColumnChunk, Encoding, FileMetaData, KeyValue, OffsetIndex, RowGroup, SchemaElement } from 'hyparquet';

type PageLocation = OffsetIndex['page_locations'][number];
import type { ChunkStatistics, PageIndexes } from 'hyparquet-writer/src/types.js';
import type { Compression } from './compression.js';
import { DICTIONARY_MAX_BYTES, type ChunkStats, type LeafBuffer } from './column-buffers.js';

/** For the footer's created_by. */
export const ENCODER_LIBRARY = 'shoplake parquet-encoder, hyparquet-writer 0.17 footer';

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

// Thrift enum values (parquet.thrift)
const PAGE_DATA = 0;
const PAGE_DICTIONARY = 2;
const ENC_PLAIN = 0;
const ENC_RLE = 3;
const ENC_RLE_DICTIONARY = 8;

/** A growable byte buffer with the few writes the encoder needs. */
class ByteBuf {
  buf: Uint8Array;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
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

/** Bit-packed runs of a[from, to); a last group short of 8 values (only at the end of the data) is zero-padded. */
function bitPacked(out: ByteBuf, a: Uint8Array | Int32Array, from: number, to: number, w: number): void {
  for (let i = from; i < to; ) {
    const groups = Math.min(63, Math.ceil((to - i) / 8));
    const n = groups * 8;
    out.ensure(1 + groups * w);
    out.varint(groups * 2 + 1);
    const buf = out.buf;
    let p = out.pos;
    const stop = Math.min(i + n, to);
    if (w <= 24) {
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
    } else {
      let acc = 0; // as a double: exact below 2^53
      let scale = 1;
      for (let k = i; k < i + n; k++) {
        acc += (k < stop ? a[k]! >>> 0 : 0) * scale;
        scale *= 2 ** w;
        while (scale >= 256) {
          buf[p++] = acc % 256;
          acc = Math.floor(acc / 256);
          scale /= 256;
        }
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
// dictionaries for integer columns

interface Dictionary {
  count: number;
  /** the dictionary page body (PLAIN values) */
  bytes: Uint8Array;
  indexes: Int32Array;
}

/**
 * A dictionary for an INT32/INT64 chunk when it makes the chunk smaller (dictionary + bit-packed indexes under
 * the PLAIN size, parquet-mr's rule); a sample of the values rules out high-cardinality columns cheaply.
 */
function integerDictionary(leaf: LeafBuffer): Dictionary | undefined {
  const n = leaf.values;
  if (n < 64) return undefined;
  const wide = leaf.kind === 'i64';
  const width = wide ? 8 : 4;
  const a = leaf.i32;
  const sample = Math.min(n, 512);
  const seen = new Set<number>();
  for (let k = 0; k < sample; k++) {
    const i = Math.floor((k * (n - 1)) / (sample - 1));
    if (wide) {
      const hi = a[2 * i + 1]!;
      if (hi < -2097152 || hi >= 2097152) return undefined; // keys must be exact doubles
      seen.add(hi * 4294967296 + (a[2 * i]! >>> 0));
    } else seen.add(a[i]!);
  }
  if (seen.size > sample * 0.9) return undefined;
  const maxEntries = Math.min(n >> 1, DICTIONARY_MAX_BYTES / width);
  const map = new Map<number, number>();
  const first: number[] = [];
  const indexes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let key: number;
    if (wide) {
      const hi = a[2 * i + 1]!;
      if (hi < -2097152 || hi >= 2097152) return undefined;
      key = hi * 4294967296 + (a[2 * i]! >>> 0);
    } else key = a[i]!;
    let j = map.get(key);
    if (j === undefined) {
      j = first.length;
      if (j >= maxEntries) return undefined;
      map.set(key, j);
      first.push(i);
    }
    indexes[i] = j;
  }
  const count = first.length;
  if (count * width + Math.ceil((n * Math.max(1, bitWidth(count - 1))) / 8) >= n * width) return undefined;
  const src = new Uint8Array(a.buffer, a.byteOffset, n * width);
  const bytes = new Uint8Array(count * width);
  for (let j = 0; j < count; j++) bytes.set(src.subarray(first[j]! * width, first[j]! * width + width), j * width);
  return { count, bytes, indexes };
}

// ---------------------------------------------------------------------------------------------------------

/** Leaf path (Parquet names joined by \u0000) -> field id. */
function leafFieldIds(schema: SchemaElement[]): Map<string, number> {
  const out = new Map<string, number>();
  let i = 1;
  const walk = (count: number, prefix: string[]): void => {
    for (let k = 0; k < count; k++) {
      const e = schema[i++]!;
      const path = [...prefix, e.name];
      if (e.num_children) walk(e.num_children, path);
      else if (e.field_id !== undefined) out.set(path.join('\u0000'), e.field_id);
    }
  };
  walk(schema[0]!.num_children ?? 0, []);
  return out;
}

export class ParquetEncoder {
  private readonly out = new ByteBuf(FLUSH_BYTES + 64 * 1024);
  private readonly page = new ByteBuf(64 * 1024);
  private flushed = 0;
  private readonly compress: ((b: Uint8Array) => Uint8Array) | undefined;
  private readonly rowGroups: RowGroup[] = [];
  private readonly indexes: PageIndexes[] = [];
  private readonly rowGroupOffsets: number[] = [];
  private readonly columnSizes = new Map<number, number>();
  private readonly leafIds: Map<string, number>;
  private readonly pageSize: number;
  private rows = 0;
  private finished = false;

  constructor(private readonly options: ParquetEncoderOptions) {
    const { codec, compress } = options.compression;
    this.compress = compress ?? (codec === 'SNAPPY' ? snappyCompress : undefined);
    if (codec !== 'UNCOMPRESSED' && !this.compress) throw new Error(`parquet encoder: no compressor for ${codec}`);
    this.pageSize = options.pageSize ?? 1024 * 1024;
    this.leafIds = leafFieldIds(options.schema);
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
    const columns: ColumnChunk[] = [];
    let uncompressed = 0;
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i]!;
      if (leaf.levels !== rows && leaf.spec.maxRep === 0) {
        throw new Error(`parquet encoder: column ${leaf.spec.path.join('.')} has ${leaf.levels} values, expected ${rows}`);
      }
      const { chunk, uncompressedBytes } = this.writeColumn(leaf, stats[i]!);
      columns.push(chunk);
      uncompressed += uncompressedBytes;
    }
    this.rowGroups.push({
      columns,
      total_byte_size: BigInt(uncompressed),
      num_rows: BigInt(rows),
      file_offset: BigInt(start),
      total_compressed_size: BigInt(this.bytesWritten - start),
    });
    this.rows += rows;
    this.emit();
  }

  /** Writes the page indexes and the footer (with the logical schema); returns the file's layout. */
  finish(): EncodedFile {
    if (this.finished) throw new Error('parquet encoder: finish called twice');
    this.finished = true;
    const w = new ByteWriter();
    w.offset = this.bytesWritten; // index offsets are file positions
    writeIndexes(w, this.indexes);
    const metadata: Omit<FileMetaData, 'metadata_length'> = {
      version: 2,
      created_by: this.options.createdBy,
      schema: this.options.schema,
      num_rows: BigInt(this.rows),
      row_groups: this.rowGroups,
      key_value_metadata: this.options.keyValueMetadata,
    };
    writeMetadata(w, metadata as FileMetaData);
    w.appendUint32(0x31524150); // PAR1
    this.out.bytes(w.getBytes());
    const size = this.bytesWritten;
    this.emit();
    return { size, rows: this.rows, rowGroupOffsets: this.rowGroupOffsets, columnSizes: this.columnSizes };
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

  private writeColumn(leaf: LeafBuffer, stats: ChunkStats): { chunk: ColumnChunk; uncompressedBytes: number } {
    const spec = leaf.spec;
    const start = this.bytesWritten;
    let uncompressed = 0;
    let dict: Dictionary | undefined;
    if (leaf.kind === 'dict') {
      dict = { count: leaf.dictStrings.length, bytes: leaf.dictBytes.subarray(0, leaf.dictLen), indexes: leaf.i32 };
    } else if (leaf.kind === 'i32' || leaf.kind === 'i64') {
      dict = integerDictionary(leaf);
    }
    let dictionaryOffset: bigint | undefined;
    if (dict) {
      dictionaryOffset = BigInt(start);
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
    const locations: PageLocation[] = [];
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
            for (let k = 0; k < nv; k++) be += 4 + ((u[be]! | (u[be + 1]! << 8) | (u[be + 2]! << 16) | (u[be + 3]! << 24)) >>> 0);
            page.bytes(u.subarray(bs, be));
            bs = be;
            break;
          }
          case 'dict':
            throw new Error('unreachable: dictionary leaf without a dictionary');
        }
      }
      const pageOffset = this.bytesWritten;
      uncompressed += this.writePage(PAGE_DATA, le - ls, dict ? ENC_RLE_DICTIONARY : ENC_PLAIN);
      locations.push({
        offset: BigInt(pageOffset),
        compressed_page_size: this.bytesWritten - pageOffset,
        first_row_index: BigInt(row),
      });
      if (rep) {
        for (let k = ls; k < le; k++) if (rep[k] === 0) row++;
      } else row += le - ls;
      ls = le;
      vs += nv;
    }

    const encodings: Encoding[] = dict ? ['PLAIN', 'RLE_DICTIONARY'] : ['PLAIN'];
    if (maxDef > 0 || maxRep > 0) encodings.push('RLE');
    const compressedSize = this.bytesWritten - start;
    const chunk: ColumnChunk = {
      file_offset: BigInt(start),
      meta_data: {
        type: spec.element.type!,
        encodings,
        path_in_schema: spec.path,
        codec: this.options.compression.codec,
        num_values: BigInt(levels),
        total_uncompressed_size: BigInt(uncompressed),
        total_compressed_size: BigInt(compressedSize),
        data_page_offset: BigInt(dataOffset),
        dictionary_page_offset: dictionaryOffset,
        statistics: footerStatistics(leaf, stats),
        encoding_stats: [
          ...(dict ? [{ page_type: 'DICTIONARY_PAGE' as const, encoding: 'PLAIN' as const, count: 1 }] : []),
          { page_type: 'DATA_PAGE', encoding: dict ? 'RLE_DICTIONARY' : 'PLAIN', count: locations.length },
        ],
      },
    };
    if (locations.length > 1) this.indexes.push({ chunk, offsetIndex: { page_locations: locations } });
    const id = this.leafIds.get(spec.path.join('\u0000'));
    if (id !== undefined) this.columnSizes.set(id, (this.columnSizes.get(id) ?? 0) + compressedSize);
    return { chunk, uncompressedBytes: uncompressed };
  }
}

/** Column chunk statistics for the footer (hyparquet-writer serializes and truncates them). */
function footerStatistics(leaf: LeafBuffer, s: ChunkStats): ChunkStatistics {
  const out: ChunkStatistics = { null_count: BigInt(s.nulls) };
  const float = leaf.kind === 'f32' || leaf.kind === 'f64';
  if (float) out.nan_count = BigInt(s.nans);
  if (s.min === undefined) return out;
  let min = s.min;
  let max = s.max;
  if (float) {
    // Parquet: a zero minimum is written as -0.0 and a zero maximum as +0.0
    if (min === 0) min = -0;
    if (max === 0) max = 0;
  }
  out.min_value = min as ChunkStatistics['min_value'];
  out.max_value = max as ChunkStatistics['max_value'];
  return out;
}

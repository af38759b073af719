// The ONLY module that uses the Parquet writer library (hyparquet-writer); swap the library here.
// Encodes row groups one at a time into in-memory chunks (one per row group, so memory holds compressed bytes,
// never the whole file twice until the end), and reports what the metrics need: row group offsets (the
// manifest's split_offsets) and compressed bytes per leaf column by field id (column_sizes).
//
// Values arrive in physical form (INT64 as bigint, DATE as days, UUID as 16 bytes, DECIMAL as unscaled bigint;
// see column-buffers.ts). hyparquet-writer converts values by the annotations of the schema it encodes with, so
// it encodes with a "physical" schema (leaf annotations removed, except UTF8 and DECIMAL whose conversions we
// rely on), and the footer gets the full logical schema: ParquetWriter reads `schema` again in finish().
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { KeyValue, SchemaElement } from 'hyparquet';
import type { Compression } from './compression.js';
import type { ColumnChunkData } from './column-buffers.js';

/** hyparquet-writer's version, for the footer's created_by. */
export const ENCODER_LIBRARY = 'hyparquet-writer 0.17';

export interface ParquetEncoderOptions {
  /** full (logical) Parquet schema, as toParquetSchema returns it */
  schema: SchemaElement[];
  compression: Compression;
  keyValueMetadata?: KeyValue[];
  createdBy: string;
  /** target uncompressed page size (default 1 MiB, as parquet-mr) */
  pageSize?: number;
}

export interface EncodedFile {
  /** the file, as written chunks (concatenate to get the bytes) */
  chunks: Uint8Array[];
  size: number;
  rows: number;
  /** byte offset of each row group's first column chunk, ascending */
  rowGroupOffsets: number[];
  /** compressed bytes of every leaf column by field id, summed over row groups */
  columnSizes: Map<number, number>;
}

/** A ByteWriter that hands over its bytes after each row group instead of growing to the file's size. */
class ChunkWriter extends ByteWriter {
  readonly chunks: Uint8Array[] = [];

  flush(): void {
    if (this.index > 0) this.chunks.push(new Uint8Array(this.buffer.slice(0, this.index)));
    this.index = 0;
  }
}

function physicalElement(e: SchemaElement): SchemaElement {
  if (!e.type) return e; // groups keep LIST / MAP annotations, which drive the level encoding
  if (e.converted_type === 'UTF8' || e.converted_type === 'DECIMAL') return e;
  if (!e.converted_type && !e.logical_type) return e;
  const { converted_type: _c, logical_type: _l, ...rest } = e;
  return rest;
}

/** Leaf column paths (Parquet names joined by \u0000) -> field id. */
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
  private readonly out = new ChunkWriter(64 * 1024);
  private readonly pq: ParquetWriter;
  private readonly logicalSchema: SchemaElement[];
  private readonly leafIds: Map<string, number>;
  private readonly pageSize: number;
  private readonly rowGroupOffsets: number[] = [];
  private rows = 0;
  private finished = false;

  constructor(options: ParquetEncoderOptions) {
    this.logicalSchema = options.schema;
    this.leafIds = leafFieldIds(options.schema);
    this.pageSize = options.pageSize ?? 1024 * 1024;
    const { codec, compress } = options.compression;
    this.pq = new ParquetWriter({
      writer: this.out,
      schema: options.schema.map(physicalElement),
      codec,
      compressors: compress ? { [codec]: compress } : {},
      statistics: true,
      kvMetadata: options.keyValueMetadata,
      createdBy: options.createdBy,
    });
  }

  /** Bytes written so far (header and finished row groups). */
  get bytesWritten(): number {
    return this.out.offset;
  }

  /**
   * Encodes and compresses one row group. Each column is encoded by its own library call (then the
   * single-column row groups the library records are merged back into one), so only one column's transient
   * encoding memory exists at a time.
   */
  writeRowGroup(columns: Iterable<ColumnChunkData>, rows: number): void {
    if (this.finished) throw new Error('parquet encoder: row group after finish');
    if (rows === 0) return;
    const start = this.out.offset;
    this.rowGroupOffsets.push(start);
    const groups = this.pq.row_groups;
    const first = groups.length;
    for (const c of columns) {
      if (c.data.length !== rows)
        throw new Error(`parquet encoder: column ${c.name} has ${c.data.length} values, expected ${rows}`);
      const r = this.pq.write({
        columnData: [{ name: c.name, data: c.data as unknown[] }],
        rowGroupSize: rows,
        pageSize: this.pageSize,
      });
      if (r) throw new Error('parquet encoder: unexpected asynchronous write');
    }
    const parts = groups.splice(first);
    let total = 0n;
    for (const g of parts) total += g.total_byte_size;
    groups.push({
      columns: parts.flatMap((g) => g.columns),
      total_byte_size: total,
      num_rows: BigInt(rows),
      file_offset: BigInt(start),
      total_compressed_size: BigInt(this.out.offset - start),
    });
    this.pq.num_rows -= BigInt(rows) * BigInt(parts.length - 1);
    this.rows += rows;
  }

  /** Writes indexes and the footer (with the logical schema); returns the file's chunks and layout. */
  finish(): EncodedFile {
    if (this.finished) throw new Error('parquet encoder: finish called twice');
    this.finished = true;
    this.pq.schema = this.logicalSchema;
    const r = this.pq.finish();
    if (r) throw new Error('parquet encoder: unexpected asynchronous finish');
    this.out.flush();
    const columnSizes = new Map<number, number>();
    for (const rg of this.pq.row_groups) {
      for (const c of rg.columns) {
        const md = c.meta_data;
        if (!md) continue;
        const id = this.leafIds.get(md.path_in_schema.join('\u0000'));
        if (id !== undefined) columnSizes.set(id, (columnSizes.get(id) ?? 0) + Number(md.total_compressed_size));
      }
    }
    return {
      chunks: this.out.chunks,
      size: this.out.offset,
      rows: this.rows,
      rowGroupOffsets: this.rowGroupOffsets,
      columnSizes,
    };
  }
}

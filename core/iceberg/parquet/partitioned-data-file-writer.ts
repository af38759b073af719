// PartitionedDataFileWriter: rows -> one RollingDataFileWriter per partition tuple (the spec's transforms over
// the row), files under <data location>/<partition path>/ (`event_time_day=2026-11-22/shop_id_bucket=3`), each
// DataFile carrying its partition tuple keyed by partition field name. Memory stays bounded: the rows buffered
// over all partitions are capped (the largest buffer is encoded early) and so is the number of open files (the
// largest one is closed). Mirrors DataFileWriter: open(), write(row), close() -> DataFile[].
import type { DataFile, PartitionValues } from '../spec/manifest.js';
import type { PartitionSpec } from '../spec/partition-spec.js';
import { bindPartitionSpec, boundPartitionPath, type BoundPartitionField } from '../spec/transform.js';
import { SchemaMismatchError } from './column-buffers.js';
import type { Compression } from './compression.js';
import { DEFAULT_ROW_GROUP_BYTES, resolveCompression, type ParquetWriteOptions } from './data-file-writer.js';
import { DataFileNamer, RollingDataFileWriter } from './rolling-data-file-writer.js';

export interface PartitionedDataFileWriterOptions extends ParquetWriteOptions {
  spec: PartitionSpec;
  /** base directory of data files: `<table location>/data`, or the table's write.data.path */
  dataLocation: string;
  targetFileBytes?: number;
  namer?: DataFileNamer;
  /** partitions with an open file at once; past it the largest open file is closed (default 64) */
  maxOpenFiles?: number;
  /** estimated bytes buffered over all partitions; past it the largest buffer is encoded (default 4 x rowGroupBytes) */
  maxBufferedBytes?: number;
}

interface Partition {
  values: PartitionValues;
  writer: RollingDataFileWriter;
}

function keyPart(v: unknown): string {
  if (v === null || v === undefined) return '\u0000';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return `${typeof v}:${String(v)}`;
}

export class PartitionedDataFileWriter {
  private readonly fields: BoundPartitionField[];
  private readonly open = new Map<string, Partition>();
  private readonly closing: Promise<DataFile[]>[] = [];
  private readonly namer: DataFileNamer;
  private readonly maxOpenFiles: number;
  private readonly maxBufferedBytes: number;
  private buffered = 0;
  private rowNumber = 0;
  private closed = false;

  static async open(options: PartitionedDataFileWriterOptions): Promise<PartitionedDataFileWriter> {
    return new PartitionedDataFileWriter({ ...options, compression: await resolveCompression(options) });
  }

  constructor(private readonly options: PartitionedDataFileWriterOptions & { compression: Compression }) {
    this.fields = bindPartitionSpec(options.spec, options.schema);
    this.namer = options.namer ?? new DataFileNamer();
    this.maxOpenFiles = options.maxOpenFiles ?? 64;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * (options.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES);
  }

  /** Partitions with an open file. */
  get openFiles(): number {
    return this.open.size;
  }

  /** Whether uploads are piling up: await drain() before writing more. */
  get needsDrain(): boolean {
    if (this.closing.length >= 2) return true;
    for (const p of this.open.values()) if (p.writer.needsDrain) return true;
    return false;
  }

  /**
   * Routes a row to its partition's writer. Throws SchemaMismatchError (naming column and row, writing nothing
   * of the row) when a value does not fit the schema or a partition source cannot be transformed.
   */
  write(row: Record<string, unknown>): number {
    if (this.closed) throw new Error('partitioned writer is closed');
    const rowNumber = this.rowNumber++;
    const fields = this.fields;
    let key = '';
    const values: unknown[] = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      let v: unknown;
      try {
        v = f.apply(f.get(row));
      } catch (e) {
        throw new SchemaMismatchError(f.sourceName, rowNumber, `partition ${f.name}: ${(e as Error).message}`);
      }
      values[i] = v;
      key += keyPart(v) + '\u0001';
    }
    let p = this.open.get(key);
    if (!p) {
      if (this.open.size >= this.maxOpenFiles) this.closeLargest();
      const tuple: PartitionValues = {};
      fields.forEach((f, i) => (tuple[f.name] = values[i]));
      const path = fields.length ? `/${boundPartitionPath(fields, tuple)}` : '';
      const writer = new RollingDataFileWriter({
        ...this.options,
        directory: `${this.options.dataLocation}${path}`,
        partition: tuple,
        namer: this.namer,
      });
      p = { values: tuple, writer };
      this.open.set(key, p);
    }
    const bytes = p.writer.write(row, rowNumber);
    this.buffered += bytes;
    if (this.buffered >= this.maxBufferedBytes) this.boundBuffers();
    return bytes;
  }

  /** Encodes the largest buffers as row groups until the buffered total is back under the cap. */
  private boundBuffers(): void {
    let total = 0;
    for (const p of this.open.values()) total += p.writer.bufferedBytes;
    while (total >= this.maxBufferedBytes) {
      let largest: Partition | undefined;
      for (const p of this.open.values())
        if (!largest || p.writer.bufferedBytes > largest.writer.bufferedBytes) largest = p;
      if (!largest || largest.writer.bufferedBytes === 0) break;
      total -= largest.writer.bufferedBytes;
      largest.writer.flushRowGroup();
    }
    this.buffered = total;
  }

  /** Closes the partition holding the most bytes (its files upload in the background). */
  private closeLargest(): void {
    let largestKey: string | undefined;
    let most = -1;
    for (const [k, p] of this.open) {
      if (p.writer.heldBytes > most) {
        most = p.writer.heldBytes;
        largestKey = k;
      }
    }
    if (largestKey === undefined) return;
    const p = this.open.get(largestKey)!;
    this.open.delete(largestKey);
    this.buffered -= p.writer.bufferedBytes;
    const closing = p.writer.close();
    closing.catch(() => undefined); // surfaced by close()/drain()
    this.closing.push(closing);
  }

  /** Waits for files being uploaded (closed partitions and rolled files). */
  async drain(): Promise<void> {
    await Promise.all(this.closing);
    await Promise.all([...this.open.values()].map((p) => p.writer.drain()));
  }

  /** Closes every partition's writer and returns all the data files written. */
  async close(): Promise<DataFile[]> {
    if (this.closed) throw new Error('partitioned writer is already closed');
    this.closed = true;
    const results = await Promise.all([...this.closing, ...[...this.open.values()].map((p) => p.writer.close())]);
    this.open.clear();
    return results.flat();
  }
}

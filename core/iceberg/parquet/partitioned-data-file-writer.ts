// PartitionedDataFileWriter: rows -> one RollingDataFileWriter per partition tuple (the spec's transforms over
// the row), files under <data location>/<partition path>/ (`event_time_day=2026-11-22/shop_id_bucket=3`), or where
// the table's location provider puts them (spec/location-provider.ts: object storage adds hash directories), each
// DataFile carrying its partition tuple keyed by partition field name. Memory stays bounded: the rows buffered
// over all partitions are capped (the largest buffer is encoded early and streamed out) and so is the number of
// open files (the largest one is closed). Partitions are found through nested Maps keyed by the partition
// values (no key string per row). Mirrors DataFileWriter: open(), write(row), close() -> DataFile[].
import type { DataFile, PartitionValues } from '../spec/manifest.js';
import type { PartitionSpec } from '../spec/partition-spec.js';
import type { LocationProvider } from '../spec/location-provider.js';
import { bindPartitionSpec, boundPartitionPath, type BoundPartitionField } from '../spec/transform.js';
import { SchemaMismatchError } from './column-buffers.js';
import type { Compression } from './compression.js';
import {
  DEFAULT_ROW_GROUP_BYTES,
  resolveCompression,
  WriteBacklog,
  type ParquetWriteOptions,
} from './data-file-writer.js';
import { DataFileNamer, RollingDataFileWriter } from './rolling-data-file-writer.js';

export interface PartitionedDataFileWriterOptions extends ParquetWriteOptions {
  spec: PartitionSpec;
  /** where data files go: the table's `locationProvider(metadata)`, or `folderLocationProvider(dir)` (spec/location-provider.ts) */
  locations: LocationProvider;
  targetFileBytes?: number;
  namer?: DataFileNamer;
  /** partitions with an open file at once; past it the largest open file is closed (default 64) */
  maxOpenFiles?: number;
  /** bytes buffered over all partitions; past it the largest buffer is encoded (default rowGroupBytes, 128 MiB) */
  maxBufferedBytes?: number;
}

interface Partition {
  values: PartitionValues;
  writer: RollingDataFileWriter;
  /** where it sits in the lookup, to remove it */
  slot: Map<unknown, unknown>;
  slotKey: unknown;
}

/** A partition value as a Map key (bytes by content; everything else is already a primitive). */
function keyOf(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  return v;
}

export class PartitionedDataFileWriter {
  private readonly fields: BoundPartitionField[];
  /** partition lookup: one Map level per partition field, the last holding the Partition */
  private readonly lookup = new Map<unknown, unknown>();
  private readonly open = new Set<Partition>();
  private readonly values: unknown[];
  private readonly backlog = new WriteBacklog();
  /** closes in flight, and every close started (for close()) */
  private readonly closing = new Set<Promise<DataFile[]>>();
  private readonly closes: Promise<DataFile[]>[] = [];
  private readonly namer: DataFileNamer;
  private readonly maxOpenFiles: number;
  private readonly maxBufferedBytes: number;
  private readonly locations: LocationProvider;
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
    this.maxBufferedBytes = options.maxBufferedBytes ?? options.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES;
    this.values = new Array<unknown>(this.fields.length);
    this.locations = options.locations;
  }

  /** Partitions with an open file. */
  get openFiles(): number {
    return this.open.size;
  }

  /** Whether uploads are piling up (closed files, or encoded bytes not yet in storage): await drain(). */
  get needsDrain(): boolean {
    return this.closing.size >= 2 || this.backlog.bytes >= this.backlog.maxBytes;
  }

  /**
   * Routes a row to its partition's writer. Throws SchemaMismatchError (naming column and row, writing nothing
   * of the row) when a value does not fit the schema or a partition source cannot be transformed.
   */
  write(row: Record<string, unknown>): number {
    if (this.closed) throw new Error('partitioned writer is closed');
    const rowNumber = this.rowNumber++;
    const fields = this.fields;
    const values = this.values;
    let slot: Map<unknown, unknown> | undefined = this.lookup;
    let p: Partition | undefined;
    const last = fields.length - 1;
    for (let i = 0; i <= last; i++) {
      const f = fields[i]!;
      let v: unknown;
      try {
        v = f.apply(f.get(row));
      } catch (e) {
        throw new SchemaMismatchError(f.sourceName, rowNumber, `partition ${f.name}: ${(e as Error).message}`);
      }
      values[i] = v;
      if (slot === undefined) continue;
      const next = slot.get(keyOf(v));
      if (i === last) p = next as Partition | undefined;
      else slot = next as Map<unknown, unknown> | undefined;
    }
    if (fields.length === 0) p = this.lookup.get(null) as Partition | undefined;
    p ??= this.openPartition();
    const bytes = p.writer.write(row, rowNumber);
    this.buffered += bytes;
    if (this.buffered >= this.maxBufferedBytes) this.boundBuffers();
    return bytes;
  }

  /** A writer for the partition whose values write() just put in this.values. */
  private openPartition(): Partition {
    const fields = this.fields;
    const values = this.values;
    if (this.open.size >= this.maxOpenFiles) this.closeLargest();
    const tuple: PartitionValues = {};
    fields.forEach((f, i) => (tuple[f.name] = values[i]));
    const path = fields.length ? boundPartitionPath(fields, tuple) : '';
    const locations = this.locations;
    const writer = new RollingDataFileWriter({
      ...this.options,
      directory: path ? `${locations.dataLocation}/${path}` : locations.dataLocation,
      locate: (name) => locations.newDataLocation(name, path),
      partition: tuple,
      namer: this.namer,
      backlog: this.backlog,
    });
    let slot = this.lookup;
    for (let i = 0; i < fields.length - 1; i++) {
      const k = keyOf(values[i]);
      let next = slot.get(k) as Map<unknown, unknown> | undefined;
      if (!next) slot.set(k, (next = new Map()));
      slot = next;
    }
    const slotKey = fields.length ? keyOf(values[fields.length - 1]) : null;
    const p: Partition = { values: tuple, writer, slot, slotKey };
    slot.set(slotKey, p);
    this.open.add(p);
    return p;
  }

  /** Encodes the largest buffers as row groups until the buffered total is back under the cap. */
  private boundBuffers(): void {
    let total = 0;
    for (const p of this.open) total += p.writer.bufferedBytes;
    while (total >= this.maxBufferedBytes) {
      let largest: Partition | undefined;
      for (const p of this.open) if (!largest || p.writer.bufferedBytes > largest.writer.bufferedBytes) largest = p;
      if (!largest || largest.writer.bufferedBytes === 0) break;
      total -= largest.writer.bufferedBytes;
      largest.writer.flushRowGroup();
    }
    this.buffered = total;
  }

  /** Closes the partition holding the most bytes (its files upload in the background). */
  private closeLargest(): void {
    let largest: Partition | undefined;
    for (const p of this.open) if (!largest || p.writer.heldBytes > largest.writer.heldBytes) largest = p;
    if (!largest) return;
    const p = largest;
    this.open.delete(p);
    p.slot.delete(p.slotKey);
    this.buffered -= p.writer.bufferedBytes;
    const closing = p.writer.close();
    this.closing.add(closing);
    this.closes.push(closing);
    closing.then(
      () => this.closing.delete(closing),
      () => this.closing.delete(closing), // the failure surfaces in close()
    );
  }

  /** Waits for files being uploaded (closed partitions and rolled files); rethrows an upload failure. */
  async drain(): Promise<void> {
    await Promise.all(this.closes);
    await Promise.all([...this.open].map((p) => p.writer.drain()));
  }

  /** Closes every partition's writer and returns all the data files written. */
  async close(): Promise<DataFile[]> {
    if (this.closed) throw new Error('partitioned writer is already closed');
    this.closed = true;
    const results = await Promise.all([...this.closes, ...[...this.open].map((p) => p.writer.close())]);
    this.open.clear();
    this.lookup.clear();
    return results.flat();
  }
}

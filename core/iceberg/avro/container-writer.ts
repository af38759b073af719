// Writes an Avro object container file (Avro 1.11 specification, "Object Container Files"). The schema goes into
// the header exactly as given (JSON.stringify), so every attribute Iceberg needs is kept; caller metadata is
// written as UTF-8 strings beside avro.schema and avro.codec. Records are grouped in blocks of ~64 KB, as
// Avro's own writers do.
import { randomBytes } from 'node:crypto';
import { BinaryEncoder } from './binary-encoder.js';
import { compressBlock } from './codecs.js';
import type { WriteCodec } from './codecs.js';
import { compileDatumWriter } from './datum-writer.js';
import { AvroValueError } from './errors.js';
import { AVRO_MAGIC } from './container-reader.js';
import { resolveAvroSchema } from './schema.js';
import type { AvroSchema } from './schema.js';

export interface AvroContainerOptions {
  schema: AvroSchema;
  records: Iterable<unknown>;
  /** Extra header metadata (Iceberg: schema, partition-spec, format-version, ...). */
  metadata?: Record<string, string>;
  /** Default deflate, as Iceberg Java writes manifests. */
  codec?: WriteCodec;
  /** 16 bytes; random by default. Fixed only for reproducible (golden) files. */
  syncMarker?: Uint8Array;
  /** Uncompressed bytes per block before it is flushed; default 64,000 (Avro's default sync interval). */
  blockSize?: number;
}

const utf8 = new TextEncoder();

export function writeAvroContainer(opts: AvroContainerOptions): Uint8Array {
  const codec = opts.codec ?? 'deflate';
  const sync = opts.syncMarker ?? randomBytes(16);
  if (sync.length !== 16) throw new RangeError(`the sync marker must have 16 bytes, got ${sync.length}`);
  const write = compileDatumWriter(resolveAvroSchema(opts.schema));
  const blockSize = opts.blockSize ?? 64_000;

  const out = new BinaryEncoder(4096);
  out.writeFixed(AVRO_MAGIC);
  const meta: [string, string][] = [
    ...Object.entries(opts.metadata ?? {}).filter(([k]) => k !== 'avro.schema' && k !== 'avro.codec'),
    ['avro.schema', JSON.stringify(opts.schema)],
    ['avro.codec', codec],
  ];
  out.writeLong(meta.length);
  for (const [k, v] of meta) {
    out.writeString(k);
    out.writeBytes(utf8.encode(v));
  }
  out.writeLong(0);
  out.writeFixed(sync);

  const block = new BinaryEncoder(blockSize + 1024);
  let count = 0;
  const flush = (): void => {
    if (count === 0) return;
    const data = compressBlock(codec, block.toBytes());
    out.writeLong(count);
    out.writeLong(data.length);
    out.writeFixed(data);
    out.writeFixed(sync);
    block.reset();
    count = 0;
  };
  let index = 0;
  for (const record of opts.records) {
    try {
      write(block, record);
    } catch (err) {
      if (err instanceof AvroValueError)
        throw new AvroValueError(`record ${index}${err.path ? `.${err.path}` : ''}`, err.reason);
      throw err;
    }
    index++;
    count++;
    if (block.pos >= blockSize) flush();
  }
  flush();
  return out.toBytes();
}

// Reads an Avro object container file (Avro 1.11 specification, "Object Container Files"): magic, key-value
// metadata, sync marker, then blocks of records. Every failure is an AvroFileError naming the file and the
// cause: not an Avro file (bad magic), truncated header or block, corrupt block (bad codec data, sync marker
// mismatch, trailing or missing bytes), or an invalid writer schema.
import { BinaryDecoder } from './binary-decoder.js';
import { decompressBlock } from './codecs.js';
import { compileDatumReader } from './datum-reader.js';
import type { DatumReader, DatumReaderOptions } from './datum-reader.js';
import { AvroFileError, EndOfDataError } from './errors.js';
import { resolveAvroSchema } from './schema.js';
import type { AvroSchema, ResolvedSchema } from './schema.js';
import { parseLosslessJson } from '../spec/lossless-json.js';

export const AVRO_MAGIC = Uint8Array.of(0x4f, 0x62, 0x6a, 0x01); // "Obj" 1

export interface AvroContainer {
  /** The writer schema from the header, exactly as stored (attributes included). Shared: do not mutate. */
  schema: AvroSchema;
  resolved: ResolvedSchema;
  /** Header key-value metadata, decoded as UTF-8 (avro.schema and avro.codec included). */
  metadata: Record<string, string>;
  codec: string;
  records: unknown[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a whole container file. `file` names it in errors. */
export function readAvroContainer(bytes: Uint8Array, file: string, options?: DatumReaderOptions): AvroContainer {
  if (bytes.length < 4 || AVRO_MAGIC.some((b, i) => bytes[i] !== b)) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new AvroFileError(
      file,
      bytes.length === 0
        ? 'not an Avro object container file: the file is empty'
        : `not an Avro object container file: bad magic bytes [${head}], expected [4f 62 6a 01]`,
    );
  }
  const d = new BinaryDecoder(bytes);
  d.pos = 4;
  let metadata: Record<string, string>;
  let sync: Uint8Array;
  try {
    metadata = readMetadata(d);
    sync = d.readFixedView(16);
  } catch (err) {
    throw new AvroFileError(
      file,
      `${err instanceof EndOfDataError ? 'truncated' : 'corrupt'} header: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }

  const schemaText = metadata['avro.schema'];
  if (schemaText === undefined) throw new AvroFileError(file, 'header has no avro.schema');
  let compiled: Compiled;
  try {
    compiled = compile(schemaText, options);
  } catch (err) {
    throw new AvroFileError(file, `invalid avro.schema in header: ${(err as Error).message}`, { cause: err });
  }
  const { schema, resolved, read } = compiled;
  const codec = metadata['avro.codec'] ?? 'null';

  const records: unknown[] = [];
  for (let block = 0; d.remaining > 0; block++) {
    let count: number;
    let size: number;
    try {
      count = d.readSafeLong();
      size = d.readSafeLong();
    } catch (err) {
      throw new AvroFileError(
        file,
        `truncated or corrupt header of block ${block} at byte ${d.pos}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    if (count < 0 || size < 0) throw new AvroFileError(file, `corrupt block ${block}: negative record count or size`);
    if (size + 16 > d.remaining) {
      throw new AvroFileError(
        file,
        `truncated: block ${block} declares ${size} bytes plus a 16-byte sync marker but only ${d.remaining} bytes remain`,
      );
    }
    const raw = d.readFixedView(size);
    const marker = d.readFixedView(16);
    if (marker.some((b, i) => b !== sync[i])) {
      throw new AvroFileError(
        file,
        `corrupt block ${block}: sync marker mismatch (file damaged or not what its header says)`,
      );
    }
    let data: Uint8Array;
    try {
      data = decompressBlock(codec, raw);
    } catch (err) {
      throw new AvroFileError(file, `corrupt block ${block}: cannot decompress (${codec}): ${(err as Error).message}`, {
        cause: err,
      });
    }
    const bd = new BinaryDecoder(data);
    for (let i = 0; i < count; i++) {
      try {
        records.push(read(bd));
      } catch (err) {
        throw new AvroFileError(
          file,
          `corrupt block ${block}: record ${i} of ${count} does not decode with the file's schema: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    if (bd.remaining !== 0) {
      throw new AvroFileError(file, `corrupt block ${block}: ${bd.remaining} bytes left after its ${count} records`);
    }
  }
  return { schema, resolved, metadata, codec, records };
}

interface Compiled {
  schema: AvroSchema;
  resolved: ResolvedSchema;
  read: DatumReader;
}

/** Compiled readers by schema text: a table's manifests share a handful of schemas, so most reads skip this work. */
const compiledCache = new Map<string, Compiled>();
const CACHE_SIZE = 64;

function compile(schemaText: string, options: DatumReaderOptions | undefined): Compiled {
  const key = `${options?.mapArrays ? 'm' : '-'}${schemaText}`;
  const hit = compiledCache.get(key);
  if (hit) return hit;
  const schema = parseLosslessJson(schemaText) as AvroSchema;
  const resolved = resolveAvroSchema(schema);
  const compiled = { schema, resolved, read: compileDatumReader(resolved, options) };
  if (compiledCache.size >= CACHE_SIZE) compiledCache.delete(compiledCache.keys().next().value!);
  compiledCache.set(key, compiled);
  return compiled;
}

/** The header's key-value metadata: an Avro map of bytes. */
function readMetadata(d: BinaryDecoder): Record<string, string> {
  const out: Record<string, string> = {};
  for (;;) {
    let n = d.readSafeLong();
    if (n === 0) return out;
    if (n < 0) {
      n = -n;
      d.readSafeLong();
    }
    for (let i = 0; i < n; i++) {
      const key = d.readString();
      out[key] = utf8.decode(d.readBytes());
    }
  }
}

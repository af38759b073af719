// readDataFile: one Parquet data file -> rows in the DESIGN.md representation, columns matched to the Iceberg
// schema BY FIELD ID (format/spec.md "Column Projection"), so renamed, reordered and added columns read right
// and files written by Spark, Iceberg Java or Athena (sanitized names, no iceberg.schema footer) read too.
// Values are decoded from the physical Parquet values by the Iceberg type (exact decimals, microsecond
// timestamps), not by hyparquet's lossy conversions.
import zlib from 'node:zlib';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { AsyncBuffer, FileMetaData, SchemaElement } from 'hyparquet';
import { compressors as hyparquetCompressors } from 'hyparquet-compressors';
import type { FileIO } from '../io/file-io.js';
import type { IcebergType, NestedField, Schema } from '../spec/types.js';
import { bytesToBigint, bytesToUuid, decimalParams, decimalToString, longToJs, primitiveKind } from '../spec/values.js';

export interface ReadDataFileOptions {
  /** the (projection) schema to read with; default: the file's iceberg.schema footer, else its Parquet schema */
  schema?: Schema;
  /** top-level field names of `schema` to return (default all) */
  columns?: string[];
}

/** A data file that cannot be read (truncated, corrupt, or not matching the schema). */
export class DataFileReadError extends Error {
  constructor(
    readonly location: string,
    reason: string,
  ) {
    super(`cannot read Parquet data file ${location}: ${reason}`);
    this.name = 'DataFileReadError';
  }
}

interface ParquetNode {
  element: SchemaElement;
  children: ParquetNode[];
}

function parquetTree(schema: SchemaElement[]): ParquetNode {
  let i = 0;
  const build = (): ParquetNode => {
    const element = schema[i++]!;
    const children: ParquetNode[] = [];
    for (let k = 0; k < (element.num_children ?? 0); k++) children.push(build());
    return { element, children };
  };
  return build();
}

type Reader = (v: unknown) => unknown;

const utf8 = new TextDecoder();

/** Decoder for a Parquet primitive (raw physical value) to the Iceberg type's JS value. */
function primitiveReader(type: IcebergType, element: SchemaElement): Reader {
  const kind = primitiveKind(type);
  const lt = element.logical_type;
  switch (kind) {
    case 'boolean':
    case 'float':
    case 'double':
    case 'int':
    case 'date':
      return (v) => (typeof v === 'bigint' ? Number(v) : v);
    case 'long':
      return (v) => (typeof v === 'bigint' ? longToJs(v) : v);
    case 'time':
    case 'timestamp':
    case 'timestamptz': {
      // files written in millis (or INT96 nanos) are scaled to micros
      const unit =
        lt?.type === 'TIMESTAMP' || lt?.type === 'TIME'
          ? lt.unit
          : element.converted_type?.endsWith('MILLIS')
            ? 'MILLIS'
            : element.type === 'INT96'
              ? 'NANOS'
              : 'MICROS';
      if (unit === 'MILLIS') return (v) => Number(v) * 1000;
      if (unit === 'NANOS') return (v) => longToJs(BigInt(v as bigint) / 1000n);
      return (v) => (typeof v === 'bigint' ? longToJs(v) : v);
    }
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return (v) => BigInt(v as bigint);
    case 'decimal': {
      const { scale } = decimalParams(type)!;
      return (v) => decimalToString(v instanceof Uint8Array ? bytesToBigint(v) : BigInt(v as number | bigint), scale);
    }
    case 'string':
      return (v) => (v instanceof Uint8Array ? utf8.decode(v) : v);
    case 'uuid':
      return (v) => (v instanceof Uint8Array ? bytesToUuid(v) : v);
    case 'binary':
    case 'fixed':
      return (v) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
  }
}

/** Map keys come back as object property names: parse them back to the key type. */
function mapKeyReader(type: IcebergType): (k: string) => unknown {
  if (typeof type !== 'string') throw new Error('map keys of nested types are not supported by this reader');
  switch (primitiveKind(type)) {
    case 'int':
    case 'date':
    case 'float':
    case 'double':
      return Number;
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return (k) => longToJs(BigInt(k));
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return (k) => BigInt(k);
    case 'boolean':
      return (k) => k === 'true';
    case 'binary':
    case 'fixed':
      return (k) => Uint8Array.from(k === '' ? [] : k.split(',').map(Number));
    case 'decimal': {
      const { scale } = decimalParams(type)!;
      return (k) =>
        decimalToString(
          k.includes(',') || k === ''
            ? bytesToBigint(Uint8Array.from(k === '' ? [] : k.split(',').map(Number)))
            : BigInt(k),
          scale,
        );
    }
    case 'uuid':
      return (k) => (k.includes(',') ? bytesToUuid(Uint8Array.from(k.split(',').map(Number))) : k);
    default:
      return (k) => k;
  }
}

function nodeReader(field: NestedField, node: ParquetNode, location: string): Reader {
  const type = field.type;
  if (typeof type === 'string') {
    if (node.children.length)
      throw new DataFileReadError(
        location,
        `field ${field.id} (${field.name}) is a group in the file, ${type} in the schema`,
      );
    const prim = primitiveReader(type, node.element);
    return (v) => (v === null || v === undefined ? null : prim(v));
  }
  if (type.type === 'struct') {
    const byId = new Map(node.children.map((c) => [c.element.field_id, c]));
    const parts = type.fields.map((f) => {
      const child = byId.get(f.id);
      return {
        name: f.name,
        from: child?.element.name,
        read: child ? nodeReader(f, child, location) : undefined,
        dflt: f['initial-default'] ?? null,
      };
    });
    return (v) => {
      if (v === null || v === undefined) return null;
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const p of parts) out[p.name] = p.read ? p.read(src[p.from!]) : p.dflt;
      return out;
    };
  }
  if (type.type === 'list') {
    const repeated = node.children[0];
    // 3-level list: group (LIST) { repeated group list { element } }; 2-level legacy: repeated element itself
    const elementNode = repeated && repeated.children.length === 1 ? repeated.children[0]! : repeated;
    if (!elementNode) throw new DataFileReadError(location, `list field ${field.name} has no element column`);
    const read = nodeReader(
      { id: type['element-id'], name: 'element', required: type['element-required'], type: type.element },
      elementNode,
      location,
    );
    return (v) => (v === null || v === undefined ? null : (v as unknown[]).map(read));
  }
  const kv = node.children[0];
  const valueNode = kv?.children[1];
  if (!kv || !valueNode) throw new DataFileReadError(location, `map field ${field.name} is not a 3-level map`);
  const readKey = mapKeyReader(type.key);
  const readValue = nodeReader(
    { id: type['value-id'], name: 'value', required: type['value-required'], type: type.value },
    valueNode,
    location,
  );
  return (v) => {
    if (v === null || v === undefined) return null;
    const out = new Map<unknown, unknown>();
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) out.set(readKey(k), readValue(val));
    return out;
  };
}

/** Leaf annotations removed (except strings), so hyparquet returns physical values that we decode exactly. */
function rawMetadata(md: FileMetaData): FileMetaData {
  const schema = md.schema.map((e) => {
    if (!e.type) return e;
    const isString = e.converted_type === 'UTF8' || e.logical_type?.type === 'STRING';
    if (isString) return e;
    const { converted_type: _c, logical_type: _l, ...rest } = e;
    return rest;
  });
  return { ...md, schema };
}

function asyncBuffer(io: FileIO, location: string, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const bytes = await io.readRange(location, start, (end ?? size) - start);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

type ZstdZlib = typeof zlib & { zstdDecompressSync?: (buf: Uint8Array) => Buffer };

const decompressors = {
  ...hyparquetCompressors,
  // the native decompressor is several times faster than the JS one where the runtime has it
  ...((zlib as ZstdZlib).zstdDecompressSync
    ? { ZSTD: (input: Uint8Array) => new Uint8Array((zlib as ZstdZlib).zstdDecompressSync!(input)) }
    : {}),
};

/** The Iceberg schema a file declares (iceberg.schema footer), if any. */
function footerSchema(md: FileMetaData): Schema | undefined {
  const kv = md.key_value_metadata?.find((e) => e.key === 'iceberg.schema');
  return kv?.value ? (JSON.parse(kv.value) as Schema) : undefined;
}

/** Reads the rows of one Parquet data file, matching columns to `schema` by field id. */
export async function readDataFile(
  io: FileIO,
  location: string,
  options: ReadDataFileOptions = {},
): Promise<Record<string, unknown>[]> {
  let metadata: FileMetaData;
  let size: number;
  try {
    size = await io.size(location);
    metadata = await parquetMetadataAsync(asyncBuffer(io, location, size));
  } catch (e) {
    throw new DataFileReadError(location, `${(e as Error).message} (truncated or not a Parquet file?)`);
  }
  const schema = options.schema ?? footerSchema(metadata);
  if (!schema) throw new DataFileReadError(location, 'no schema given and the file has no iceberg.schema footer');
  const wanted = options.columns ? new Set(options.columns) : undefined;
  const fields = schema.fields.filter((f) => !wanted || wanted.has(f.name));
  if (wanted && fields.length !== wanted.size) {
    const missing = [...wanted].filter((n) => !schema.fields.some((f) => f.name === n));
    throw new DataFileReadError(location, `unknown columns ${missing.join(', ')}`);
  }
  const root = parquetTree(metadata.schema);
  const byId = new Map(root.children.map((c) => [c.element.field_id, c]));
  const plan = fields.map((f) => {
    const node = byId.get(f.id);
    return {
      name: f.name,
      from: node?.element.name,
      read: node ? nodeReader(f, node, location) : undefined,
      dflt: f['initial-default'] ?? null,
    };
  });
  const columns = plan.flatMap((p) => (p.from === undefined ? [] : [p.from]));
  const rowCount = Number(metadata.num_rows);
  let raw: Record<string, unknown>[];
  if (columns.length === 0) {
    raw = Array.from({ length: rowCount }, () => ({}));
  } else {
    try {
      raw = await parquetReadObjects({
        file: asyncBuffer(io, location, size),
        metadata: rawMetadata(metadata),
        columns,
        compressors: decompressors,
        utf8: false,
        parsers: { timestampFromNanoseconds: (n: bigint) => n },
      });
    } catch (e) {
      throw new DataFileReadError(location, (e as Error).message);
    }
  }
  const out = new Array<Record<string, unknown>>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    const row: Record<string, unknown> = {};
    for (const p of plan) row[p.name] = p.read ? p.read(r[p.from!]) : p.dflt;
    out[i] = row;
  }
  return out;
}

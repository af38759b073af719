// Page compression for the Parquet writer. ZSTD (what Athena and Iceberg >= 1.4 write by default) comes from the
// WebAssembly build of the reference zstd library (@hpcc-js/wasm-zstd) on every runtime, or, when asked
// (`native`, SHOPLAKE_PARQUET_ZSTD=native), from node:zlib where the runtime has it (Node >= 22.15, so AWS Lambda's
// Node 22): both produce standard zstd frames; the wasm build costs about the same CPU and far less memory.
// The wasm package's compress() copies its output through a JS array (`new Uint8Array([...view])`, ~10x the cost
// of compressing itself), so pages are compressed through its module directly, with one typed-array copy; the
// public compress() remains the fallback if a new version of the package changes those internals.
import zlib from 'node:zlib';
import { PARQUET_COMPRESSION, PARQUET_COMPRESSION_LEVEL } from '../spec/table-properties.js';

export type ParquetCodec = 'ZSTD' | 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED';

export interface Compression {
  codec: ParquetCodec;
  /** undefined for UNCOMPRESSED and for SNAPPY (the writer library's built-in compressor) */
  compress?: (bytes: Uint8Array) => Uint8Array;
  /** which implementation compresses, for logs, tests and benchmarks */
  implementation: 'node:zlib' | '@hpcc-js/wasm-zstd' | 'hyparquet-writer' | 'none';
}

export interface CompressionOptions {
  /** zstd level (parquet-mr and Iceberg default: 3) or gzip level (default 6) */
  level?: number;
  /**
   * zstd from node:zlib where the runtime has it (Node >= 22.15), instead of the WebAssembly build. Off by default:
   * each `zstdCompressSync` call allocates a native context (~2 MB at level 3) that is freed only when V8 collects
   * its wrapper, and V8 does not count that memory, so it piles up between collections (1M rows: 452 MB peak RSS
   * against 364 MB with the wasm build on the same Node 22, for about the same CPU; docs/benchmarks.md "## node22").
   * Default: the environment variable SHOPLAKE_PARQUET_ZSTD=native turns it on process-wide.
   */
  native?: boolean;
  /** never node:zlib's zstd, whatever `native` says (tests and benchmarks of the wasm build) */
  forceFallback?: boolean;
}

type ZstdZlib = typeof zlib & {
  zstdCompressSync?: (buf: Uint8Array, options?: { params?: Record<number, number> }) => Buffer;
  constants: typeof zlib.constants & { ZSTD_c_compressionLevel?: number };
};

/** Whether this runtime's node:zlib compresses zstd (Node >= 22.15). */
export function nativeZstdAvailable(): boolean {
  return typeof (zlib as ZstdZlib).zstdCompressSync === 'function';
}

type Compress = (data: Uint8Array, level: number) => Uint8Array;

let wasmZstd: Promise<Compress> | undefined;

interface HeapBlock {
  ptr: number;
  size: number;
}
/** The parts of @hpcc-js/wasm-zstd 1.x's (private) module that compress() itself uses. */
interface WasmInternals {
  _mainModule?: {
    dataToHeap?(data: Uint8Array): HeapBlock;
    malloc?(size: number): HeapBlock;
    free?(block: HeapBlock): void;
    heapView?(block: HeapBlock): Uint8Array;
  };
  _zstdClass?: {
    compressBound?(size: number): number;
    compress?(dst: number, capacity: number, src: number, size: number, level: number): number;
    isError?(code: number): boolean;
    getErrorName?(code: number): string;
  };
}

async function loadWasmZstd(): Promise<Compress> {
  wasmZstd ??= import('@hpcc-js/wasm-zstd').then(async (m) => {
    const zstd = await m.Zstd.load();
    const { _mainModule: mod, _zstdClass: cls } = zstd as unknown as WasmInternals;
    if (
      !mod?.dataToHeap ||
      !mod.malloc ||
      !mod.free ||
      !mod.heapView ||
      !cls?.compressBound ||
      !cls.compress ||
      !cls.isError ||
      !cls.getErrorName
    ) {
      return (data, level) => zstd.compress(data, level);
    }
    const { dataToHeap, malloc, free, heapView } = mod as Required<NonNullable<WasmInternals['_mainModule']>>;
    const z = cls as Required<NonNullable<WasmInternals['_zstdClass']>>;
    return (data, level) => {
      const src = dataToHeap.call(mod, data);
      const capacity = z.compressBound.call(cls, data.length);
      const dst = malloc.call(mod, capacity);
      try {
        const size = z.compress.call(cls, dst.ptr, capacity, src.ptr, src.size, level);
        if (z.isError.call(cls, size)) throw new Error(`zstd compression failed: ${z.getErrorName.call(cls, size)}`);
        return heapView.call(mod, { ptr: dst.ptr, size }).slice(); // copy out before the heap can move
      } finally {
        free.call(mod, dst);
        free.call(mod, src);
      }
    };
  });
  return wasmZstd;
}

/** Resolves a codec to a synchronous page compressor (loading the wasm zstd once when it is needed). */
export async function loadCompression(
  codec: ParquetCodec = 'ZSTD',
  options: CompressionOptions = {},
): Promise<Compression> {
  switch (codec) {
    case 'UNCOMPRESSED':
      return { codec, implementation: 'none' };
    case 'SNAPPY':
      return { codec, implementation: 'hyparquet-writer' };
    case 'GZIP': {
      const level = options.level ?? 6;
      return { codec, implementation: 'node:zlib', compress: (b) => zlib.gzipSync(b, { level }) };
    }
    case 'ZSTD': {
      const level = options.level ?? 3;
      const z = zlib as ZstdZlib;
      const native = options.native ?? process.env.SHOPLAKE_PARQUET_ZSTD === 'native';
      if (native && !options.forceFallback && z.zstdCompressSync && z.constants.ZSTD_c_compressionLevel !== undefined) {
        const params = { [z.constants.ZSTD_c_compressionLevel]: level };
        const compressSync = z.zstdCompressSync;
        return { codec, implementation: 'node:zlib', compress: (b) => compressSync(b, { params }) };
      }
      const wasm = await loadWasmZstd();
      return { codec, implementation: '@hpcc-js/wasm-zstd', compress: (b) => wasm(b, level) };
    }
    default:
      throw new Error(`unsupported Parquet codec "${codec as string}" (ZSTD, SNAPPY, GZIP or UNCOMPRESSED)`);
  }
}

/** Maps Iceberg's `write.parquet.compression-codec` property value (zstd, snappy, gzip, uncompressed). */
export function codecFromProperty(value: string | undefined): ParquetCodec {
  const v = (value ?? 'zstd').toUpperCase();
  if (v === 'ZSTD' || v === 'SNAPPY' || v === 'GZIP' || v === 'UNCOMPRESSED') return v;
  throw new Error(`write.parquet.compression-codec "${value}" is not supported (zstd, snappy, gzip, uncompressed)`);
}

/**
 * A table's codec and level from its properties (`write.parquet.compression-codec`, `write.parquet.compression-level`).
 * With no level set, zstd takes `zstdLevel` (the writer's default) and other codecs their own default.
 */
export function tableCompression(
  props: Record<string, string>,
  zstdLevel: number | undefined,
): { codec: ParquetCodec; level: number | undefined } {
  const codec = codecFromProperty(props[PARQUET_COMPRESSION]);
  const raw = props[PARQUET_COMPRESSION_LEVEL]?.trim();
  if (raw === undefined || raw === '') return { codec, level: codec === 'ZSTD' ? zstdLevel : undefined };
  const level = Number(raw);
  if (!Number.isSafeInteger(level)) {
    throw new Error(`table property ${PARQUET_COMPRESSION_LEVEL}=${JSON.stringify(raw)} is not an integer`);
  }
  return { codec, level };
}

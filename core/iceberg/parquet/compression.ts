// Page compression for the Parquet writer. ZSTD (what Athena and Iceberg >= 1.4 write by default) comes from
// node:zlib where the runtime has it (Node >= 22.15 / 23.8, so AWS Lambda's Node 22), and otherwise from the
// WebAssembly build of the reference zstd library (@hpcc-js/wasm-zstd); both produce standard zstd frames.
import zlib from 'node:zlib';

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
  /** use the WebAssembly zstd even where node:zlib has zstd (tests and benchmarks of the fallback) */
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

let wasmZstd: Promise<{ compress(data: Uint8Array, level?: number): Uint8Array }> | undefined;

async function loadWasmZstd(): Promise<{ compress(data: Uint8Array, level?: number): Uint8Array }> {
  wasmZstd ??= import('@hpcc-js/wasm-zstd').then((m) => m.Zstd.load());
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
      if (!options.forceFallback && z.zstdCompressSync && z.constants.ZSTD_c_compressionLevel !== undefined) {
        const params = { [z.constants.ZSTD_c_compressionLevel]: level };
        const compressSync = z.zstdCompressSync;
        return { codec, implementation: 'node:zlib', compress: (b) => compressSync(b, { params }) };
      }
      const wasm = await loadWasmZstd();
      return { codec, implementation: '@hpcc-js/wasm-zstd', compress: (b) => wasm.compress(b, level) };
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

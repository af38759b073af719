// Record-batch compression codecs for kafkajs, which decodes only gzip itself: a batch compressed with snappy, lz4
// or zstd (what many MSK producers and Kafka Connect use) would otherwise make kafkajs throw KafkaJSNotImplemented
// while decoding the fetch, crash the consumer, and crash it again on the same batch after every restart.
// Every implementation here is JavaScript or WebAssembly, so the esbuild bundles (Lambda, the ECS image: no
// node_modules at run time) carry them and nothing is built natively at deploy time:
//   snappy  kafkajs-snappy (kafkajs' own codec, over snappyjs): raw Snappy out, as librdkafka writes; raw or
//           xerial-framed Snappy in (the Java client writes xerial frames).
//   lz4     lz4js: the LZ4 frame format, which Kafka uses for magic v1/v2 batches (the frame's header checksum is
//           not checked, so magic v0's known-bad checksum is read too).
//   zstd    node:zlib where the runtime has it (Node >= 22.15: Lambda's Node 22, the ECS image); otherwise fzstd to
//           decompress (handles frames without a content size, as the Java client writes) and the WebAssembly
//           zstd that the Parquet writer loads (core/iceberg/parquet/compression.ts) to compress.
import zlib from 'node:zlib';
import kafkajs, { type CompressionTypes } from 'kafkajs';
import { decompress as fzstdDecompress } from 'fzstd';
import SnappyCodec from 'kafkajs-snappy';
import * as lz4 from 'lz4js';
import { loadCompression } from '../iceberg/parquet/compression.js';

/** The codecs a producer may choose; a consumer reads all of them. */
export type KafkaCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export const KAFKA_COMPRESSIONS: readonly KafkaCompression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** The kafkajs CompressionTypes value of `name`. */
// kafkajs is CommonJS: its codec table and enum are reachable only through the default export under Node's ESM.
const { CompressionCodecs, CompressionTypes: Types } = kafkajs;

export const COMPRESSION_TYPES: Record<KafkaCompression, CompressionTypes> = {
  none: Types.None,
  gzip: Types.GZIP,
  snappy: Types.Snappy,
  lz4: Types.LZ4,
  zstd: Types.ZSTD,
};

/** What kafkajs calls: compress(encoder) with the encoded records in encoder.buffer; decompress(batch payload). */
export interface KafkaCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

type ZstdZlib = typeof zlib & {
  zstdDecompressSync?: (buf: Uint8Array, options?: { maxOutputLength?: number }) => Buffer;
};

/** Which zstd implementations this runtime uses, for logs and tests. */
export function zstdImplementation(options: { forceFallback?: boolean } = {}): 'node:zlib' | 'fzstd' {
  return !options.forceFallback && typeof (zlib as ZstdZlib).zstdDecompressSync === 'function' ? 'node:zlib' : 'fzstd';
}

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));

/** Wraps a codec so that a bad payload fails with a message naming the codec and the payload size. */
function named(name: string, codec: KafkaCodec): KafkaCodec {
  return {
    compress: codec.compress,
    async decompress(buffer) {
      try {
        return await codec.decompress(buffer);
      } catch (err) {
        const cause = err instanceof Error ? err.message : String(err);
        throw new Error(`Kafka: cannot decompress a ${name} record batch of ${buffer.length} bytes: ${cause}`, {
          cause: err,
        });
      }
    },
  };
}

const snappyCodec: KafkaCodec = named('snappy', SnappyCodec());

const lz4Codec: KafkaCodec = named('lz4', {
  async compress(encoder) {
    return asBuffer(lz4.compress(encoder.buffer));
  },
  async decompress(buffer) {
    return asBuffer(lz4.decompress(buffer));
  },
});

/** A zstd codec; `forceFallback` uses the Node 20 implementations even where node:zlib has zstd (tests). */
export function zstdCodec(options: { forceFallback?: boolean; level?: number } = {}): KafkaCodec {
  const native = zstdImplementation(options) === 'node:zlib' ? (zlib as ZstdZlib).zstdDecompressSync : undefined;
  const level = options.level ?? 3;
  let compression: ReturnType<typeof loadCompression> | undefined; // loaded on the first compress (producers only)
  return named('zstd', {
    async compress(encoder) {
      compression ??= loadCompression('ZSTD', { level, forceFallback: !!options.forceFallback });
      const { compress } = await compression;
      return asBuffer(compress!(encoder.buffer));
    },
    async decompress(buffer) {
      return native ? native(buffer) : asBuffer(fzstdDecompress(buffer));
    },
  });
}

let registered = false;

/**
 * Registers snappy, lz4 and zstd with kafkajs (process-wide, idempotent). createKafka calls it, so every client
 * built in core/kafka reads and writes all of Kafka's codecs.
 */
export function registerCompressionCodecs(): void {
  if (registered) return;
  registered = true;
  const zstd = zstdCodec();
  const codecs = CompressionCodecs as Record<number, () => KafkaCodec>;
  codecs[Types.Snappy] = () => snappyCodec;
  codecs[Types.LZ4] = () => lz4Codec;
  codecs[Types.ZSTD] = () => zstd;
}

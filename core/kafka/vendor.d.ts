// Types for the two untyped codec packages core/kafka/compression.ts uses (only the parts it calls).

declare module 'kafkajs-snappy' {
  /** A kafkajs codec factory: raw Snappy out (as librdkafka writes), raw or xerial-framed Snappy in (snappyjs). */
  const SnappyCodec: () => {
    compress(encoder: { buffer: Buffer }): Promise<Buffer>;
    decompress(buffer: Buffer): Promise<Buffer>;
  };
  export default SnappyCodec;
}

declare module 'lz4js' {
  /** One LZ4 frame (the LZ4 frame format, as Kafka uses) of `src`. */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  /** The content of an LZ4 frame. */
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
}

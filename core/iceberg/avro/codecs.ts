// Block codecs of Avro object container files: `null` and `deflate` (raw RFC 1951) are read and written;
// `snappy` (with its big-endian CRC32 of the uncompressed data) and `zstandard` are read, for files from other
// writers. zstd uses node:zlib where the runtime has it (Node >= 22.15) and fzstd otherwise.
import * as zlib from 'node:zlib';
import { snappyUncompress } from 'hyparquet';
import { decompressZstd } from 'hyparquet-compressors';

export type WriteCodec = 'null' | 'deflate';
export const READ_CODECS = ['null', 'deflate', 'snappy', 'zstandard'] as const;

export function compressBlock(codec: WriteCodec, data: Uint8Array): Uint8Array {
  return codec === 'deflate' ? new Uint8Array(zlib.deflateRawSync(data)) : data;
}

/** Decompresses one block; throws on corrupt data or an unknown codec. */
export function decompressBlock(codec: string, data: Uint8Array): Uint8Array {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return new Uint8Array(zlib.inflateRawSync(data));
    case 'snappy':
      return unsnappy(data);
    case 'zstandard': {
      const native = (zlib as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;
      return native ? new Uint8Array(native(data)) : decompressZstd(data);
    }
    default:
      throw new Error(`unsupported codec ${JSON.stringify(codec)} (supported: ${READ_CODECS.join(', ')})`);
  }
}

function unsnappy(data: Uint8Array): Uint8Array {
  if (data.length < 4) throw new Error('snappy block is shorter than its CRC32');
  const body = data.subarray(0, data.length - 4);
  // The raw snappy stream starts with the uncompressed length as a varint.
  let length = 0;
  let mul = 1;
  for (let i = 0; i < 5; i++) {
    const b = body[i];
    if (b === undefined) throw new Error('snappy block ends inside its length');
    length += (b & 0x7f) * mul;
    if (!(b & 0x80)) break;
    mul *= 128;
  }
  const out = new Uint8Array(length);
  snappyUncompress(body, out);
  const expected = new DataView(data.buffer, data.byteOffset + data.length - 4, 4).getUint32(0, false);
  if (zlib.crc32 !== undefined && zlib.crc32(out) !== expected) throw new Error('snappy block fails its CRC32 check');
  return out;
}

// NDJSON output: each record's value bytes followed by "\n", copied into 1 MiB chunks (one memcpy per record) that
// are written to a stream with backpressure (a file, stdout). Bad records are written as they are, invalid UTF-8 included, so a
// file holds exactly what a producer would have sent; none of them contains a newline.
import type { Writable } from 'node:stream';
import type { GeneratedRecord } from './record.js';

export interface NdjsonWriteResult {
  records: number;
  bytes: number;
}

export interface NdjsonWriteOptions {
  /** Chunk size; default 1 MiB. */
  chunkBytes?: number;
  /** Called after each chunk is handed to the stream, with the records written so far. */
  onProgress?: (records: number) => void;
}

const NEWLINE = 0x0a;

export async function writeNdjson(
  records: Iterable<GeneratedRecord>,
  out: Writable,
  options: NdjsonWriteOptions = {},
): Promise<NdjsonWriteResult> {
  const size = options.chunkBytes ?? 1024 * 1024;
  let chunk = Buffer.allocUnsafe(size);
  let pos = 0;
  let count = 0;
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (pos === 0) return;
    const full = chunk.subarray(0, pos);
    // The stream keeps a reference to what it was given: continue in a fresh chunk.
    chunk = Buffer.allocUnsafe(size);
    pos = 0;
    if (!out.write(full)) await drained(out);
    options.onProgress?.(count);
  };
  const iterator = records[Symbol.iterator]();
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    const value = next.value.value;
    if (pos + value.length + 1 > size) {
      await flush();
      if (value.length + 1 > size) {
        if (!out.write(Buffer.concat([value, Buffer.of(NEWLINE)]))) await drained(out);
        count++;
        bytes += value.length + 1;
        continue;
      }
    }
    chunk.set(value, pos);
    pos += value.length;
    chunk[pos++] = NEWLINE;
    count++;
    bytes += value.length + 1;
  }
  await flush();
  return { records: count, bytes };
}

function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      out.off('error', onError);
      resolve();
    };
    const onError = (err: Error): void => {
      out.off('drain', onDrain);
      reject(err);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

// NDJSON output: each record's value bytes followed by "\n", copied into 1 MiB chunks that are written to a
// stream with backpressure (a file, stdout). Bad records are written as they are, invalid UTF-8 included, so a
// file holds exactly what a producer would have sent; none of them contains a newline.
import { WriteStream } from 'node:fs';
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
  /**
   * Fill a chunk again once the stream's write callback says it is written, instead of allocating a new one: no
   * fresh memory (page faults, zeroing) per MiB of output. Only for streams that are done with a chunk when they
   * call back (a file stream is; a PassThrough may still hold it). Default: true for an fs.WriteStream.
   */
  reuseChunks?: boolean;
}

const NEWLINE = 0x0a;

export async function writeNdjson(
  records: Iterable<GeneratedRecord>,
  out: Writable,
  options: NdjsonWriteOptions = {},
): Promise<NdjsonWriteResult> {
  const size = options.chunkBytes ?? 1024 * 1024;
  const reuse = options.reuseChunks ?? out instanceof WriteStream;
  // Chunks the stream has finished with (reuse only): written to the file, so they can be filled again.
  const free: Buffer[] = [];
  let chunk: Buffer = Buffer.allocUnsafe(size);
  let pos = 0;
  let count = 0;
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (pos === 0) return;
    const full = chunk.subarray(0, pos);
    const done = chunk;
    // The stream keeps a reference to what it was given: continue in another chunk.
    chunk = free.pop() ?? Buffer.allocUnsafe(size);
    pos = 0;
    const accepted = reuse ? out.write(full, (err) => err || free.push(done)) : out.write(full);
    if (!accepted) await drained(out);
    options.onProgress?.(count);
  };
  const iterator = records[Symbol.iterator]();
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    const text = next.value.text;
    if (text !== undefined && 3 * text.length + 1 < size) {
      // Encode straight into the chunk: no Buffer per record.
      if (pos + 3 * text.length + 1 > size) await flush();
      const n = chunk.write(text, pos, next.value.asciiText ? 'latin1' : 'utf8');
      pos += n;
      chunk[pos++] = NEWLINE;
      count++;
      bytes += n + 1;
      continue;
    }
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
    value.copy(chunk, pos);
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

// NDJSON output: each record's value bytes followed by "\n", copied into 1 MiB chunks that are written to a
// stream (a file, stdout) while the next chunk fills: up to `queueChunks` chunks may wait for the stream, so the
// file write (libuv's thread pool for a file stream) overlaps generation instead of alternating with it. Bad records
// are written as they are, invalid UTF-8 included, so a file holds exactly what a producer would have sent; none of
// them contains a newline.
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
  /**
   * Chunks handed to the stream whose write has not called back yet before the writer waits (backpressure);
   * default 4. More lets generation run on while the stream is slow, at chunkBytes of memory each.
   */
  queueChunks?: number;
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
/**
 * ASCII texts are joined into one string of about this many characters and copied into the chunk in one call:
 * the join copies each text (often a rope of cached fragments) once, where a copy per record pays a native call
 * and a flattened temporary string per record. Below V8's regular object size, so the joined string is an
 * ordinary young-generation allocation.
 */
const JOIN_CHARS = 64 * 1024;

export async function writeNdjson(
  records: Iterable<GeneratedRecord>,
  out: Writable,
  options: NdjsonWriteOptions = {},
): Promise<NdjsonWriteResult> {
  const size = options.chunkBytes ?? 1024 * 1024;
  const queue = Math.max(1, options.queueChunks ?? 4);
  const reuse = options.reuseChunks ?? out instanceof WriteStream;
  // Chunks the stream has finished with (reuse only): written to the file, so they can be filled again.
  const free: Buffer[] = [];
  let chunk: Buffer = Buffer.allocUnsafe(size);
  let pos = 0;
  let count = 0;
  let bytes = 0;
  // ASCII texts waiting to be joined into the chunk, and their length (each is followed by a newline).
  let joined: string[] = [];
  let joinedChars = 0;
  const copyJoined = (): void => {
    if (joined.length === 0) return;
    pos += chunk.write(joined.join('\n'), pos, 'latin1');
    chunk[pos++] = NEWLINE;
    joined = [];
    joinedChars = 0;
  };

  // Writes handed to the stream that have not called back, the first write error, and who waits for a callback.
  let pending = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const waitForWrites = async (max: number): Promise<void> => {
    while (pending > max && failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    if (failure) throw failure;
  };
  // The stream's 'error' event while this runs: reject, not an unhandled error event (the write callback sees it too).
  const onError = (err: Error): void => {
    failure ??= err;
    wake?.();
  };
  const write = (data: Buffer, done: Buffer | undefined): void => {
    pending++;
    out.write(data, (err) => {
      pending--;
      if (err) failure ??= err;
      else if (done) free.push(done);
      wake?.();
    });
  };
  const flush = async (): Promise<void> => {
    copyJoined();
    if (pos === 0) return;
    const full = chunk.subarray(0, pos);
    // The stream keeps a reference to what it was given: continue in another chunk.
    write(full, reuse ? chunk : undefined);
    chunk = free.pop() ?? Buffer.allocUnsafe(size);
    pos = 0;
    await waitForWrites(queue - 1);
    options.onProgress?.(count);
  };

  out.on('error', onError);
  try {
    return await writeAll();
  } finally {
    out.off('error', onError);
  }

  async function writeAll(): Promise<NdjsonWriteResult> {
    const nextRecord = recordsOf(records);
    for (let record = nextRecord(); record !== undefined; record = nextRecord()) {
      const text = record.text;
      if (text !== undefined && record.asciiText && text.length + 1 < size) {
        if (pos + joinedChars + text.length + 1 > size) await flush();
        joined.push(text);
        joinedChars += text.length + 1;
        if (joinedChars >= JOIN_CHARS) copyJoined();
        count++;
        bytes += text.length + 1;
        continue;
      }
      copyJoined();
      if (text !== undefined && 3 * text.length + 1 < size) {
        // Encode straight into the chunk: no Buffer per record.
        if (pos + 3 * text.length + 1 > size) await flush();
        const n = chunk.write(text, pos, 'utf8');
        pos += n;
        chunk[pos++] = NEWLINE;
        count++;
        bytes += n + 1;
        continue;
      }
      const value = record.value;
      if (pos + value.length + 1 > size) {
        await flush();
        if (value.length + 1 > size) {
          // Too big for a chunk: handed to the stream as it is (no copy); its newline starts the next chunk.
          write(value, undefined);
          await waitForWrites(queue - 1);
          chunk[pos++] = NEWLINE;
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
    // Every chunk written (or the first error): the caller may end the stream or read the file.
    await waitForWrites(0);
    return { records: count, bytes };
  }
}

/** The next record or undefined: an EventStream's nextRecord (no iterator result object per record), else next(). */
function recordsOf(records: Iterable<GeneratedRecord>): () => GeneratedRecord | undefined {
  const stream = records as { nextRecord?: () => GeneratedRecord | undefined };
  if (typeof stream.nextRecord === 'function') return stream.nextRecord.bind(records);
  const iterator = records[Symbol.iterator]();
  return () => {
    const next = iterator.next();
    return next.done ? undefined : next.value;
  };
}

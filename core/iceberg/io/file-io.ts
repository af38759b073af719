// FileIO: the storage abstraction every other module writes and reads through (local files, S3).
// Locations are absolute URIs or paths: `s3://bucket/key`, `file:///abs/path` or `/abs/path`.

export interface FileIO {
  /** Reads a whole object. Throws NotFoundError when it does not exist. */
  read(location: string): Promise<Uint8Array>;
  /** Reads bytes [offset, offset+length) of an object, for Parquet footers and pages. */
  readRange(location: string, offset: number, length: number): Promise<Uint8Array>;
  /** Size in bytes; throws NotFoundError when it does not exist. */
  size(location: string): Promise<number>;
  exists(location: string): Promise<boolean>;
  /** Writes (replaces) an object. */
  write(location: string, data: Uint8Array): Promise<void>;
  /**
   * Writes an object only if none exists at that location; returns false (and writes nothing) if one does.
   * The local catalog's commit relies on this being atomic.
   */
  writeIfAbsent(location: string, data: Uint8Array): Promise<boolean>;
  delete(location: string): Promise<void>;
  /** Lists object locations under a prefix (recursively). */
  list(prefix: string): Promise<string[]>;
  /**
   * Opens a file for writing piece by piece (large data files), so that it never has to be in memory whole.
   * Optional: `createOutputFile(io, location)` falls back to collecting the bytes and one `write` at close.
   */
  create?(location: string): OutputFile;
}

/**
 * A file being written in order, chunk by chunk (`FileIO.create`). Await each `write` before the next. Nothing
 * is visible at `location` until `close()` resolves, and then the whole file is (local: temp file + rename;
 * S3: one PUT or a completed multipart upload). `abort()` discards everything written.
 */
export interface OutputFile {
  readonly location: string;
  /** Appends bytes (the caller must not change `chunk` afterwards). */
  write(chunk: Uint8Array): Promise<void>;
  /** Completes the file; returns its size in bytes. */
  close(): Promise<number>;
  /** Discards the file (safe to call after a failed write or close; a no-op after close succeeded). */
  abort(): Promise<void>;
}

/** `io.create(location)` where the FileIO streams, else an OutputFile that writes the bytes at close. */
export function createOutputFile(io: FileIO, location: string): OutputFile {
  return io.create ? io.create(location) : new BufferedOutputFile(io, location);
}

/** Collects the chunks in memory and hands them to `FileIO.write` once, at close. */
export class BufferedOutputFile implements OutputFile {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private done = false;

  constructor(
    private readonly io: FileIO,
    readonly location: string,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    if (this.done) throw new Error(`${this.location}: write after close or abort`);
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  async close(): Promise<number> {
    if (this.done) throw new Error(`${this.location}: already closed or aborted`);
    this.done = true;
    const bytes = concatBytes(this.chunks, this.size);
    this.chunks = [];
    await this.io.write(this.location, bytes);
    return bytes.length;
  }

  async abort(): Promise<void> {
    this.done = true;
    this.chunks = [];
  }
}

/** The chunks as one array (the chunk itself when there is only one). */
export function concatBytes(chunks: Uint8Array[], size = chunks.reduce((a, c) => a + c.length, 0)): Uint8Array {
  if (chunks.length === 1 && chunks[0]!.length === size) return chunks[0]!;
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export class NotFoundError extends Error {
  constructor(readonly location: string) {
    super(`not found: ${location}`);
    this.name = 'NotFoundError';
  }
}

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
}

export class NotFoundError extends Error {
  constructor(readonly location: string) {
    super(`not found: ${location}`);
    this.name = 'NotFoundError';
  }
}

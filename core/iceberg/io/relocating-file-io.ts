// RelocatingFileIO: reads a table that was copied away from where it was written. Every location that starts
// with one of the `from` prefixes is rewritten to the matching `to` prefix before it reaches the inner FileIO,
// e.g. { 's3://hyperparam-iceberg/': '/fixtures/', 's3a://hyperparam-iceberg/': '/fixtures/' }.
// The table's metadata is untouched: paths inside it keep their original form, as Iceberg requires.
import { createOutputFile } from './file-io.js';
import type { FileIO, OutputFile } from './file-io.js';

export class RelocatingFileIO implements FileIO {
  private readonly rules: [string, string][];

  constructor(
    readonly inner: FileIO,
    prefixes: Record<string, string>,
  ) {
    // Longest prefix first, so nested prefixes map as the more specific one.
    this.rules = Object.entries(prefixes).sort((a, b) => b[0].length - a[0].length);
  }

  /** The location the inner FileIO sees. */
  relocate(location: string): string {
    for (const [from, to] of this.rules) if (location.startsWith(from)) return to + location.slice(from.length);
    return location;
  }

  read(location: string): Promise<Uint8Array> {
    return this.inner.read(this.relocate(location));
  }
  readRange(location: string, offset: number, length: number): Promise<Uint8Array> {
    return this.inner.readRange(this.relocate(location), offset, length);
  }
  size(location: string): Promise<number> {
    return this.inner.size(this.relocate(location));
  }
  exists(location: string): Promise<boolean> {
    return this.inner.exists(this.relocate(location));
  }
  write(location: string, data: Uint8Array): Promise<void> {
    return this.inner.write(this.relocate(location), data);
  }
  writeIfAbsent(location: string, data: Uint8Array): Promise<boolean> {
    return this.inner.writeIfAbsent(this.relocate(location), data);
  }
  delete(location: string): Promise<void> {
    return this.inner.delete(this.relocate(location));
  }
  list(prefix: string): Promise<string[]> {
    return this.inner.list(this.relocate(prefix));
  }
  create(location: string): OutputFile {
    return createOutputFile(this.inner, this.relocate(location));
  }
}

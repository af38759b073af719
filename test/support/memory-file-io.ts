// MemoryFileIO: a small in-memory FileIO for tests of code that writes and reads through FileIO.
import { NotFoundError, type FileIO } from '../../core/iceberg/io/file-io.js';

export class MemoryFileIO implements FileIO {
  readonly files = new Map<string, Uint8Array>();

  async read(location: string): Promise<Uint8Array> {
    const f = this.files.get(location);
    if (!f) throw new NotFoundError(location);
    return f;
  }

  async readRange(location: string, offset: number, length: number): Promise<Uint8Array> {
    const f = await this.read(location);
    if (offset < 0 || length < 0 || offset + length > f.length) {
      throw new RangeError(`bad range [${offset}, +${length}) of ${location} (${f.length} bytes)`);
    }
    return f.subarray(offset, offset + length);
  }

  async size(location: string): Promise<number> {
    return (await this.read(location)).length;
  }

  async exists(location: string): Promise<boolean> {
    return this.files.has(location);
  }

  async write(location: string, data: Uint8Array): Promise<void> {
    this.files.set(location, data);
  }

  async writeIfAbsent(location: string, data: Uint8Array): Promise<boolean> {
    if (this.files.has(location)) return false;
    this.files.set(location, data);
    return true;
  }

  async delete(location: string): Promise<void> {
    this.files.delete(location);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.files.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

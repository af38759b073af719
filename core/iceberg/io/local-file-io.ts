// LocalFileIO: FileIO over the local filesystem. Locations are `/abs/path` or `file:///abs/path`.
// write() is atomic (temp file + rename); writeIfAbsent() is atomic create-if-absent (temp file + link()), so a
// concurrent writer can never clobber a committed metadata file nor see a half-written one. create() streams into
// a temp file beside the target and renames it at close (fsync first), so a big data file is never in memory.
import { promises as fs } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NotFoundError } from './file-io.js';
import type { FileIO, OutputFile } from './file-io.js';

export class LocalFileIO implements FileIO {
  async read(location: string): Promise<Uint8Array> {
    const p = toPath(location);
    try {
      const buf = await fs.readFile(p);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      throw mapError(e, location);
    }
  }

  async readRange(location: string, offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || length < 0) throw new RangeError(`bad range [${offset}, +${length}) for ${location}`);
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(toPath(location), 'r');
    } catch (e) {
      throw mapError(e, location);
    }
    try {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(out, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      if (done < length) {
        throw new Error(
          `short read from ${location}: wanted bytes [${offset}, ${offset + length}), file ends at ${offset + done} (truncated file?)`,
        );
      }
      return out;
    } finally {
      await fh.close();
    }
  }

  async size(location: string): Promise<number> {
    try {
      return (await fs.stat(toPath(location))).size;
    } catch (e) {
      throw mapError(e, location);
    }
  }

  async exists(location: string): Promise<boolean> {
    try {
      await fs.stat(toPath(location));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw mapError(e, location);
    }
  }

  async write(location: string, data: Uint8Array): Promise<void> {
    const p = toPath(location);
    const tmp = await this.writeTemp(p, data);
    try {
      await fs.rename(tmp, p);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw mapError(e, location);
    }
  }

  async writeIfAbsent(location: string, data: Uint8Array): Promise<boolean> {
    const p = toPath(location);
    const tmp = await this.writeTemp(p, data);
    try {
      // link() fails with EEXIST if the target exists, atomically, and the target appears fully written.
      await fs.link(tmp, p);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      if (!isLinkUnsupported(e)) throw mapError(e, location);
      // Filesystems without hard links: exclusive create. A reader may then briefly see a partial file.
      return this.writeExclusive(p, data, location);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  async delete(location: string): Promise<void> {
    await fs.rm(toPath(location), { force: true });
  }

  create(location: string): OutputFile {
    return new LocalOutputFile(location, toPath(location));
  }

  async list(prefix: string): Promise<string[]> {
    const p = toPath(prefix);
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (isNotFound(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw mapError(e, dir);
      }
      for (const ent of entries) {
        const full = path.join(dir, ent.name);
        if (ent.isDirectory()) await walk(full);
        else if (ent.isFile() && !isTempName(ent.name)) out.push(full);
      }
    };
    // A prefix is a directory, or a directory plus the start of a file name.
    const dirStat = await fs.stat(p).catch(() => undefined);
    if (dirStat?.isDirectory()) await walk(p);
    else {
      const dir = path.dirname(p);
      const base = path.basename(p);
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const ent of entries) {
        if (!ent.name.startsWith(base)) continue;
        const full = path.join(dir, ent.name);
        if (ent.isDirectory()) await walk(full);
        else if (ent.isFile() && !isTempName(ent.name)) out.push(full);
      }
    }
    out.sort();
    return locationForm(prefix, out);
  }

  async listChildren(prefix: string): Promise<string[]> {
    const entries = await fs.readdir(toPath(prefix), { withFileTypes: true }).catch((e: unknown) => {
      if (isNotFound(e)) return [];
      throw mapError(e, prefix);
    });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  }

  private async writeTemp(p: string, data: Uint8Array): Promise<string> {
    const tmp = path.join(path.dirname(p), `.${path.basename(p)}.${randomUUID()}.tmp`);
    const fh = await openCreating(tmp);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } catch (e) {
      await fh.close();
      await fs.rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    return tmp;
  }

  private async writeExclusive(p: string, data: Uint8Array, location: string): Promise<boolean> {
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(p, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw mapError(e, location);
    }
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return true;
  }
}

/** Streams into `.<name>.<uuid>.tmp` beside the target (opened on the first write); close = fsync + rename. */
class LocalOutputFile implements OutputFile {
  private fh: fs.FileHandle | undefined;
  private readonly tmp: string;
  private size = 0;
  private state: 'open' | 'closed' | 'aborted' = 'open';

  constructor(
    readonly location: string,
    private readonly file: string,
  ) {
    this.tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
  }

  private async handle(): Promise<fs.FileHandle> {
    if (this.fh) return this.fh;
    try {
      this.fh = await openCreating(this.tmp);
    } catch (e) {
      throw mapError(e, this.location);
    }
    return this.fh;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.state !== 'open')
      throw new Error(`${this.location}: write after ${this.state === 'closed' ? 'close' : 'abort'}`);
    const fh = await this.handle();
    try {
      for (let done = 0; done < chunk.length;) {
        const { bytesWritten } = await fh.write(chunk, done, chunk.length - done);
        done += bytesWritten;
      }
    } catch (e) {
      throw mapError(e, this.location);
    }
    this.size += chunk.length;
  }

  async close(): Promise<number> {
    if (this.state !== 'open') throw new Error(`${this.location}: already ${this.state}`);
    const fh = await this.handle();
    this.state = 'closed';
    try {
      await fh.sync();
      await fh.close();
      this.fh = undefined;
      await fs.rename(this.tmp, this.file);
    } catch (e) {
      await this.discard();
      throw mapError(e, this.location);
    }
    return this.size;
  }

  async abort(): Promise<void> {
    if (this.state === 'closed' && !this.fh) return;
    this.state = 'aborted';
    await this.discard();
  }

  private async discard(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close().catch(() => undefined);
    await fs.rm(this.tmp, { force: true }).catch(() => undefined); // e.g. ENOTDIR: it was never created
  }
}

/**
 * Opens a new file for writing (exclusive), creating its directory only when it is missing: the directory
 * exists for almost every file, so this saves a mkdir call per write.
 */
async function openCreating(file: string): Promise<fs.FileHandle> {
  try {
    return await fs.open(file, 'wx');
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  return fs.open(file, 'wx');
}

/** `file:///a/b` and `/a/b` to a filesystem path; anything else (s3://…) is an error naming the location. */
export function toPath(location: string): string {
  if (location.startsWith('file:'))
    return fileURLToPath(location.startsWith('file://') ? location : `file://${location.slice(5)}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location))
    throw new Error(`LocalFileIO cannot handle ${location}: not a local path`);
  return path.resolve(location);
}

/** Returns listed paths in the caller's form: file: URIs for a file: prefix, plain paths otherwise. */
function locationForm(prefix: string, paths: string[]): string[] {
  return prefix.startsWith('file:') ? paths.map((p) => pathToFileURL(p).href) : paths;
}

function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

function isLinkUnsupported(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS' || code === 'EXDEV';
}

function mapError(e: unknown, location: string): Error {
  if (isNotFound(e)) return new NotFoundError(location);
  const err = e as NodeJS.ErrnoException;
  return new Error(`${location}: ${err.code ?? ''} ${err.message}`.trim(), { cause: e });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalFileIO } from '../../../../core/iceberg/io/local-file-io.js';
import { BufferedOutputFile, createOutputFile, NotFoundError } from '../../../../core/iceberg/io/file-io.js';
import { fileIOFor } from '../../../../core/iceberg/io/file-io-for.js';
import { S3FileIO } from '../../../../core/iceberg/io/s3-file-io.js';
import { RelocatingFileIO } from '../../../../core/iceberg/io/relocating-file-io.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

let dir: string;
const io = new LocalFileIO();
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-io-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('LocalFileIO', () => {
  it('writes, reads, sizes and ranges, creating parent folders', async () => {
    const f = path.join(dir, 'a/b/c.bin');
    await io.write(f, bytes('hello world'));
    expect(text(await io.read(f))).toBe('hello world');
    expect(await io.size(f)).toBe(11);
    expect(text(await io.readRange(f, 6, 5))).toBe('world');
    expect(await io.exists(f)).toBe(true);
    // file:// URIs address the same file
    expect(text(await io.read(pathToFileURL(f).href))).toBe('hello world');
  });

  it('replaces atomically and leaves no temp files behind', async () => {
    const f = path.join(dir, 'replace.txt');
    await io.write(f, bytes('one'));
    await io.write(f, bytes('two'));
    expect(text(await io.read(f))).toBe('two');
    expect((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('writeIfAbsent lets exactly one of many concurrent writers win and never clobbers', async () => {
    const f = path.join(dir, 'meta/v2.metadata.json');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => io.writeIfAbsent(f, bytes(`writer-${i}`.repeat(1000)))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(text(await io.read(f))).toBe(`writer-${winner}`.repeat(1000));
    expect(await io.writeIfAbsent(f, bytes('late'))).toBe(false);
    expect(text(await io.read(f))).toBe(`writer-${winner}`.repeat(1000));
    expect((await fs.readdir(path.dirname(f))).sort()).toEqual(['v2.metadata.json']);
  });

  it('maps missing files to NotFoundError and reports short reads with the file name', async () => {
    const missing = path.join(dir, 'missing.bin');
    await expect(io.read(missing)).rejects.toBeInstanceOf(NotFoundError);
    await expect(io.size(missing)).rejects.toBeInstanceOf(NotFoundError);
    await expect(io.readRange(missing, 0, 1)).rejects.toBeInstanceOf(NotFoundError);
    expect(await io.exists(missing)).toBe(false);
    const f = path.join(dir, 'short.bin');
    await io.write(f, bytes('abc'));
    await expect(io.readRange(f, 1, 10)).rejects.toThrow(/short\.bin.*truncated/);
  });

  it('lists recursively under a folder or a name prefix, and deletes', async () => {
    const base = path.join(dir, 'list');
    for (const n of ['x/1.parquet', 'x/y/2.parquet', 'z.avro', 'zz/3.avro'])
      await io.write(path.join(base, n), bytes(n));
    expect(await io.list(base)).toEqual(
      ['x/1.parquet', 'x/y/2.parquet', 'z.avro', 'zz/3.avro'].map((n) => path.join(base, n)),
    );
    expect(await io.list(path.join(base, 'z'))).toEqual([path.join(base, 'z.avro'), path.join(base, 'zz/3.avro')]);
    expect(await io.list(path.join(dir, 'nothing-here'))).toEqual([]);
    await io.delete(path.join(base, 'z.avro'));
    await io.delete(path.join(base, 'z.avro')); // deleting a missing file is fine
    expect(await io.exists(path.join(base, 'z.avro'))).toBe(false);
  });

  it('rejects non-local locations with the location named', async () => {
    await expect(io.read('s3://bucket/key')).rejects.toThrow(/s3:\/\/bucket\/key/);
  });
});

describe('LocalFileIO.create (streaming output)', () => {
  const tmpFiles = async (d: string) => (await fs.readdir(d)).filter((n) => n.endsWith('.tmp'));

  it('streams chunks into a temp file and shows the whole file only at close', async () => {
    const f = path.join(dir, 'stream/deep/a.parquet');
    const out = io.create(f);
    expect(out.location).toBe(f);
    const chunks = Array.from({ length: 5 }, (_, i) => bytes(`chunk-${i};`.repeat(1000 * (i + 1))));
    for (const c of chunks) await out.write(c);
    // written so far, but not visible at the location
    expect(await io.exists(f)).toBe(false);
    const [tmp] = await tmpFiles(path.dirname(f));
    const total = chunks.reduce((a, c) => a + c.length, 0);
    expect((await fs.stat(path.join(path.dirname(f), tmp!))).size).toBe(total);
    expect(await io.list(path.join(dir, 'stream'))).toEqual([]); // temp files are never listed
    expect(await out.close()).toBe(total);
    expect(text(await io.read(f))).toBe(chunks.map(text).join(''));
    expect(await tmpFiles(path.dirname(f))).toEqual([]);
    await expect(out.write(bytes('late'))).rejects.toThrow(/a\.parquet.*after close/);
  });

  it('abort leaves nothing behind, and an untouched output closes to an empty file', async () => {
    const f = path.join(dir, 'stream/aborted.parquet');
    const out = io.create(f);
    await out.write(bytes('partial'));
    await out.abort();
    expect(await io.exists(f)).toBe(false);
    expect(await tmpFiles(path.dirname(f))).toEqual([]);
    const empty = path.join(dir, 'stream/empty.bin');
    expect(await io.create(empty).close()).toBe(0);
    expect(await io.size(empty)).toBe(0);
  });

  it('replaces an existing file only at close', async () => {
    const f = path.join(dir, 'stream/replace.bin');
    await io.write(f, bytes('old'));
    const out = io.create(pathToFileURL(f).href);
    await out.write(bytes('new contents'));
    expect(text(await io.read(f))).toBe('old');
    await out.close();
    expect(text(await io.read(f))).toBe('new contents');
  });

  it('names the location when the file cannot be created', async () => {
    const blocker = path.join(dir, 'stream/blocker');
    await io.write(blocker, bytes('a file, not a folder'));
    const out = io.create(path.join(blocker, 'x.parquet'));
    await expect(out.write(bytes('x'))).rejects.toThrow(/blocker\/x\.parquet/);
    await out.abort();
  });

  it('createOutputFile buffers for a FileIO without create() and writes once at close', async () => {
    const writes: [string, number][] = [];
    const plain = {
      ...io,
      create: undefined,
      write: async (l: string, d: Uint8Array) => {
        writes.push([l, d.length]);
        await io.write(l, d);
      },
    } as unknown as LocalFileIO;
    const f = path.join(dir, 'stream/buffered.bin');
    const out = createOutputFile(plain, f);
    expect(out).toBeInstanceOf(BufferedOutputFile);
    await out.write(bytes('ab'));
    await out.write(bytes('cd'));
    expect(writes).toEqual([]);
    expect(await out.close()).toBe(4);
    expect(writes).toEqual([[f, 4]]);
    expect(text(await io.read(f))).toBe('abcd');
  });
});

describe('fileIOFor', () => {
  it('chooses S3 for s3:// and s3a://, local for paths and file://', () => {
    expect(fileIOFor('s3://bucket/warehouse')).toBeInstanceOf(S3FileIO);
    expect(fileIOFor('s3a://bucket/warehouse')).toBeInstanceOf(S3FileIO);
    expect(fileIOFor('/tmp/warehouse')).toBeInstanceOf(LocalFileIO);
    expect(fileIOFor('file:///tmp/warehouse')).toBeInstanceOf(LocalFileIO);
    expect(() => fileIOFor('gs://bucket/x')).toThrow(/gs:\/\/bucket\/x/);
  });
});

describe('RelocatingFileIO', () => {
  it('maps copied-table prefixes onto a local folder', async () => {
    await io.write(path.join(dir, 'reloc/data/f.parquet'), bytes('data'));
    const rio = new RelocatingFileIO(io, {
      's3://bucket/': `${dir}/reloc/`,
      's3a://bucket/': `${dir}/reloc/`,
    });
    expect(text(await rio.read('s3a://bucket/data/f.parquet'))).toBe('data');
    expect(await rio.size('s3://bucket/data/f.parquet')).toBe(4);
    expect(await rio.exists('s3://bucket/data/other.parquet')).toBe(false);
    const out = rio.create('s3://bucket/data/streamed.parquet');
    await out.write(bytes('streamed'));
    await out.close();
    expect(text(await io.read(path.join(dir, 'reloc/data/streamed.parquet')))).toBe('streamed');
  });
});

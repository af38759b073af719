import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3Client } from '@aws-sdk/client-s3';
import { S3FileIO, parseS3Location } from '../../../../core/iceberg/io/s3-file-io.js';
import { NotFoundError } from '../../../../core/iceberg/io/file-io.js';
import { startS3Server } from '../../../support/s3-server.js';
import type { S3TestServer } from '../../../support/s3-server.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
/** How long a test waits for a multipart upload to send its first part while the file is still open. */
const UPLOAD_STARTED = { timeout: 30_000, interval: 20 };

let s3: S3TestServer;
let io: S3FileIO;
beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('warehouse');
  io = new S3FileIO({ clientConfig: s3.clientConfig, multipartThreshold: 6 * 1024 * 1024, partSize: 5 * 1024 * 1024 });
});
afterAll(async () => {
  io.client.destroy();
  await s3.close();
});

describe('S3FileIO against s3rver on loopback', () => {
  it('parses s3, s3a and s3n locations', () => {
    expect(parseS3Location('s3a://b/k/x.parquet')).toEqual({ bucket: 'b', key: 'k/x.parquet' });
    expect(() => parseS3Location('/tmp/x')).toThrow(/\/tmp\/x/);
  });

  it('writes, reads, sizes and reads ranges with a Range GET', async () => {
    const loc = 's3://warehouse/t/data/a.bin';
    await io.write(loc, bytes('0123456789'));
    expect(text(await io.read(loc))).toBe('0123456789');
    expect(await io.size(loc)).toBe(10);
    const before = s3.requests.length;
    expect(text(await io.readRange(loc, 2, 4))).toBe('2345');
    expect(s3.requests.slice(before)).toEqual([{ method: 'GET', path: '/warehouse/t/data/a.bin', range: 'bytes=2-5' }]);
    await expect(io.readRange(loc, 8, 10)).rejects.toThrow(/a\.bin.*short read|short read.*a\.bin/);
    await expect(io.readRange(loc, 20, 1)).rejects.toThrow(/a\.bin/);
  });

  it('uses multipart upload for large objects and reads them back intact', async () => {
    const big = new Uint8Array(11 * 1024 * 1024).map((_, i) => (i * 31) % 251);
    const loc = 's3://warehouse/t/data/big.parquet';
    const before = s3.requests.length;
    await io.write(loc, big);
    const sent = s3.requests.slice(before);
    expect(sent.filter((r) => r.method === 'PUT').length).toBe(3); // three 5 MiB parts
    expect(sent.some((r) => r.method === 'POST')).toBe(true); // create + complete multipart upload
    const back = await io.read(loc);
    expect(back.length).toBe(big.length);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(big))).toBe(0);
    expect(text(await io.readRange(loc, 5 * 1024 * 1024 - 2, 4))).toBe(
      text(big.subarray(5 * 1024 * 1024 - 2, 5 * 1024 * 1024 + 2)),
    );
  });

  it('create() sends a small file as one PUT at close, and nothing before', async () => {
    const loc = 's3://warehouse/t/data/small-stream.parquet';
    const before = s3.requests.length;
    const out = io.create(loc);
    await out.write(bytes('PAR1'));
    await out.write(bytes('...PAR1'));
    expect(s3.requests.length).toBe(before);
    expect(await io.exists(loc)).toBe(false);
    expect(await out.close()).toBe(11);
    expect(text(await io.read(loc))).toBe('PAR1...PAR1');
    expect(s3.requests.slice(before).filter((r) => r.method === 'PUT' || r.method === 'POST')).toEqual([
      { method: 'PUT', path: '/warehouse/t/data/small-stream.parquet', range: undefined },
    ]);
  });

  it('create() streams a large file as a multipart upload that starts before close', async () => {
    const loc = 's3://warehouse/t/data/big-stream.parquet';
    const MiB = 1024 * 1024;
    const chunks = Array.from({ length: 12 }, (_, i) => new Uint8Array(MiB).map((_, k) => (k * 7 + i) % 253));
    const before = s3.requests.length;
    const out = io.create(loc);
    for (const c of chunks.slice(0, 11)) await out.write(c);
    // the upload runs while the file is still being written: CreateMultipartUpload and a part before close (waited for
    // well beyond vi.waitFor's 1 s default: on a loaded machine, signing and checksumming a 5 MiB part take a while)
    await vi.waitFor(() => {
      const early = s3.requests.slice(before);
      expect(early.some((r) => r.method === 'POST')).toBe(true);
      expect(early.some((r) => r.method === 'PUT')).toBe(true);
    }, UPLOAD_STARTED);
    expect(await io.exists(loc)).toBe(false); // not visible until completed
    await out.write(chunks[11]!);
    expect(await out.close()).toBe(12 * MiB);
    const sent = s3.requests.slice(before);
    expect(sent.filter((r) => r.method === 'PUT').length).toBe(3); // 5 + 5 + 2 MiB parts
    const back = await io.read(loc);
    expect(back.length).toBe(12 * MiB);
    expect(Buffer.compare(Buffer.from(back), Buffer.concat(chunks))).toBe(0);
  });

  it('create() abort cancels the multipart upload and leaves no object', async () => {
    const loc = 's3://warehouse/t/data/aborted-stream.parquet';
    const out = io.create(loc);
    const before = s3.requests.length;
    for (let i = 0; i < 7; i++) await out.write(new Uint8Array(1024 * 1024).fill(i));
    // a part is on its way, so the multipart upload exists
    await vi.waitFor(
      () => expect(s3.requests.slice(before).some((r) => r.method === 'PUT')).toBe(true),
      UPLOAD_STARTED,
    );
    await out.abort();
    expect(s3.requests.slice(before).some((r) => r.method === 'DELETE')).toBe(true); // AbortMultipartUpload
    expect(await io.exists(loc)).toBe(false);
    await expect(out.write(bytes('x'))).rejects.toThrow(/aborted-stream\.parquet/);
  });

  it('create() names the object when the upload fails', async () => {
    const bad = new S3FileIO({ client: io.client, partSize: 5 * 1024 * 1024 });
    const out = bad.create('s3://no-such-bucket/t/x.parquet');
    await out.write(bytes('data'));
    await expect(out.close()).rejects.toThrow(/no-such-bucket\/t\/x\.parquet/);
  });

  it('writeIfAbsent sends If-None-Match: * and lets exactly one concurrent writer win', async () => {
    const loc = 's3://warehouse/t/metadata/v2.metadata.json';
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => io.writeIfAbsent(loc, bytes(`w${i}`))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(text(await io.read(loc))).toBe(`w${results.indexOf(true)}`);
    expect(await io.writeIfAbsent(loc, bytes('late'))).toBe(false);
    expect(text(await io.read(loc))).toBe(`w${results.indexOf(true)}`);
  });

  it('head-then-put fallback refuses to overwrite an existing object', async () => {
    const fallback = new S3FileIO({ client: io.client, conditionalWrites: 'head-then-put' });
    const loc = 's3://warehouse/t/metadata/v9.metadata.json';
    expect(await fallback.writeIfAbsent(loc, bytes('first'))).toBe(true);
    expect(await fallback.writeIfAbsent(loc, bytes('second'))).toBe(false);
    expect(text(await io.read(loc))).toBe('first');
  });

  it('maps missing objects to NotFoundError', async () => {
    const loc = 's3://warehouse/nope/x.avro';
    await expect(io.read(loc)).rejects.toBeInstanceOf(NotFoundError);
    await expect(io.size(loc)).rejects.toBeInstanceOf(NotFoundError);
    expect(await io.exists(loc)).toBe(false);
  });

  it('lists with pagination and deletes in batches', async () => {
    const small = new S3FileIO({ client: io.client });
    const locs = Array.from({ length: 25 }, (_, i) => `s3://warehouse/listing/f${String(i).padStart(2, '0')}.parquet`);
    await Promise.all(locs.map((l) => small.write(l, bytes(l))));
    expect(await small.list('s3://warehouse/listing/')).toEqual(locs);
    await small.deleteMany(locs.slice(0, 20));
    expect(await small.list('s3://warehouse/listing/')).toEqual(locs.slice(20));
    await small.delete('s3://warehouse/listing/missing.parquet');
  });

  it('retries throttled requests (503 SlowDown) and then succeeds', async () => {
    const loc = 's3://warehouse/t/data/retry.bin';
    await io.write(loc, bytes('payload'));
    s3.failNext(2);
    const before = s3.requests.length;
    expect(text(await io.read(loc))).toBe('payload');
    expect(s3.requests.length - before).toBe(3);
  });

  it('gives up after maxAttempts with an error naming the object', async () => {
    const client = new S3Client({ ...s3.clientConfig, maxAttempts: 2, retryMode: 'standard' });
    const impatient = new S3FileIO({ client });
    s3.failNext(5);
    await expect(impatient.read('s3://warehouse/t/data/retry.bin')).rejects.toThrow(
      /retry\.bin.*SlowDown|SlowDown.*retry\.bin/,
    );
    s3.failNext(0);
    client.destroy();
  });
});

// S3FileIO: FileIO over Amazon S3 (or any S3-compatible server) through @aws-sdk/client-s3.
// - Retries: the SDK's standard retry strategy (exponential backoff with full jitter, throttling-aware), maxAttempts 5.
// - Large writes go through @aws-sdk/lib-storage's multipart Upload (parts in parallel, aborted on failure).
// - create() streams: chunks are held until `partSize` bytes, then a multipart Upload reads them from a stream
//   (memory per open file ~ partSize x (queueSize + 1)); a smaller file is one PUT at close.
// - readRange is one ranged GET; writeIfAbsent is a conditional PUT (If-None-Match: *), which S3 has honoured
//   since 2024-08. `conditionalWrites: 'head-then-put'` is a documented, NON-atomic fallback for servers that
//   ignore the header: two concurrent writers can both "win", so never run two committers against such a server.
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { concatBytes, NotFoundError } from './file-io.js';
import type { FileIO, OutputFile } from './file-io.js';

export interface S3FileIOOptions {
  /** A ready client; otherwise one is built from `clientConfig`. */
  client?: S3Client;
  clientConfig?: S3ClientConfig;
  /** Objects at least this large are written by multipart upload (default 32 MiB). */
  multipartThreshold?: number;
  /** Multipart part size (default 16 MiB; S3's minimum is 5 MiB). */
  partSize?: number;
  /** 'if-none-match' (default): atomic conditional PUT. 'head-then-put': non-atomic fallback, see above. */
  conditionalWrites?: 'if-none-match' | 'head-then-put';
}

export interface S3Location {
  bucket: string;
  key: string;
}

/** `s3://bucket/key` (also s3a:// and s3n://) to bucket and key; anything else is an error naming it. */
export function parseS3Location(location: string): S3Location {
  const m = /^s3[an]?:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!m) throw new Error(`S3FileIO cannot handle ${location}: not an s3:// location`);
  return { bucket: m[1] as string, key: m[2] as string };
}

export class S3FileIO implements FileIO {
  readonly client: S3Client;
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly conditionalWrites: 'if-none-match' | 'head-then-put';

  constructor(options: S3FileIOOptions = {}) {
    this.client =
      options.client ?? new S3Client({ maxAttempts: 5, retryMode: 'standard', ...(options.clientConfig ?? {}) });
    this.multipartThreshold = options.multipartThreshold ?? 32 * 1024 * 1024;
    this.partSize = options.partSize ?? 16 * 1024 * 1024;
    this.conditionalWrites = options.conditionalWrites ?? 'if-none-match';
  }

  async read(location: string): Promise<Uint8Array> {
    const { bucket, key } = parseS3Location(location);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await res.Body!.transformToByteArray();
      if (res.ContentLength !== undefined && bytes.length !== res.ContentLength) {
        throw new Error(`short read from ${location}: got ${bytes.length} of ${res.ContentLength} bytes`);
      }
      return bytes;
    } catch (e) {
      throw mapError(e, location);
    }
  }

  async readRange(location: string, offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || length < 0) throw new RangeError(`bad range [${offset}, +${length}) for ${location}`);
    if (length === 0) return new Uint8Array(0);
    const { bucket, key } = parseS3Location(location);
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}` }),
      );
      const bytes = await res.Body!.transformToByteArray();
      if (bytes.length !== length) {
        throw new Error(
          `short read from ${location}: wanted bytes [${offset}, ${offset + length}), got ${bytes.length} (truncated object?)`,
        );
      }
      return bytes;
    } catch (e) {
      if (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 416) {
        throw new Error(
          `short read from ${location}: range [${offset}, ${offset + length}) is past the end (truncated object?)`,
          { cause: e },
        );
      }
      throw mapError(e, location);
    }
  }

  async size(location: string): Promise<number> {
    const { bucket, key } = parseS3Location(location);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return res.ContentLength ?? 0;
    } catch (e) {
      throw mapError(e, location);
    }
  }

  async exists(location: string): Promise<boolean> {
    try {
      await this.size(location);
      return true;
    } catch (e) {
      if (e instanceof NotFoundError) return false;
      throw e;
    }
  }

  async write(location: string, data: Uint8Array): Promise<void> {
    const { bucket, key } = parseS3Location(location);
    try {
      if (data.length >= this.multipartThreshold) {
        const upload = new Upload({
          client: this.client,
          params: { Bucket: bucket, Key: key, Body: data },
          partSize: this.partSize,
          queueSize: 4,
          leavePartsOnError: false,
        });
        await upload.done();
      } else {
        await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }));
      }
    } catch (e) {
      throw mapError(e, location);
    }
  }

  /** A streaming upload: one PUT for a file under `partSize`, otherwise a multipart upload fed as it is written. */
  create(location: string): OutputFile {
    parseS3Location(location); // fail early on a bad location
    return new S3OutputFile(this, location, this.partSize);
  }

  /** A multipart upload reading from `body` (used by S3OutputFile). */
  multipartUpload(location: string, body: PassThrough): Upload {
    const { bucket, key } = parseS3Location(location);
    return new Upload({
      client: this.client,
      params: { Bucket: bucket, Key: key, Body: body },
      partSize: this.partSize,
      queueSize: 4,
      leavePartsOnError: false,
    });
  }

  /** Aborts a multipart upload (its parts are discarded); an upload that is already gone is fine. */
  async abortMultipartUpload(location: string, uploadId: string): Promise<void> {
    const { bucket, key } = parseS3Location(location);
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch (e) {
      if (!(e instanceof S3ServiceException && e.$metadata.httpStatusCode === 404)) throw mapError(e, location);
    }
  }

  async writeIfAbsent(location: string, data: Uint8Array): Promise<boolean> {
    const { bucket, key } = parseS3Location(location);
    if (this.conditionalWrites === 'head-then-put') {
      if (await this.exists(location)) return false;
      await this.write(location, data);
      return true;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, IfNoneMatch: '*' }));
        return true;
      } catch (e) {
        const status = e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
        if (status === 412) return false; // PreconditionFailed: the object exists
        // 409 ConditionalRequestConflict: a concurrent conditional write to the same key is in flight; retry, and
        // the loser then gets 412.
        if (status === 409 && attempt < 5) {
          await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** attempt));
          continue;
        }
        throw mapError(e, location);
      }
    }
  }

  async delete(location: string): Promise<void> {
    await this.deleteMany([location]);
  }

  /** Batch delete (up to 1000 keys per request); a missing object is not an error. */
  async deleteMany(locations: string[]): Promise<void> {
    const byBucket = new Map<string, string[]>();
    for (const l of locations) {
      const { bucket, key } = parseS3Location(l);
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), key]);
    }
    for (const [bucket, keys] of byBucket) {
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        const res = await this.client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
        );
        const failed = res.Errors ?? [];
        if (failed.length > 0) {
          const f = failed[0]!;
          throw new Error(
            `delete failed for s3://${bucket}/${f.Key}: ${f.Code} ${f.Message} (${failed.length} failed)`,
          );
        }
      }
    }
  }

  async list(prefix: string): Promise<string[]> {
    const { bucket, key } = parseS3Location(prefix);
    const scheme = prefix.slice(0, prefix.indexOf('://'));
    const out: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }),
      );
      for (const o of res.Contents ?? []) if (o.Key !== undefined) out.push(`${scheme}://${bucket}/${o.Key}`);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }
}

/**
 * Holds chunks until `partSize` bytes, then starts a multipart Upload over a stream and feeds it (waiting for the
 * stream to drain, so at most a few parts are in memory). close() ends the stream and waits for the upload to
 * complete (or PUTs the small file); abort() aborts the multipart upload, so no object and no parts remain.
 */
class S3OutputFile implements OutputFile {
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private size = 0;
  private stream: PassThrough | undefined;
  private upload: Upload | undefined;
  private uploaded: Promise<unknown> | undefined;
  private state: 'open' | 'closed' | 'aborted' = 'open';

  constructor(
    private readonly io: S3FileIO,
    readonly location: string,
    private readonly partSize: number,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    if (this.state !== 'open')
      throw new Error(`${this.location}: write after ${this.state === 'closed' ? 'close' : 'abort'}`);
    this.size += chunk.length;
    if (this.stream) return this.feed(chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes < this.partSize) return;
    this.stream = new PassThrough({ highWaterMark: this.partSize });
    this.upload = this.io.multipartUpload(this.location, this.stream);
    this.uploaded = this.upload.done();
    this.uploaded.catch(() => undefined); // awaited by feed() and close()
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const c of held) await this.feed(c);
  }

  private async feed(chunk: Uint8Array): Promise<void> {
    if (this.stream!.write(chunk)) return;
    try {
      // the upload failing (or finishing early) must not leave us waiting for a drain that never comes
      await Promise.race([
        once(this.stream!, 'drain'),
        this.uploaded!.then(() => Promise.reject(new Error('upload ended early'))),
      ]);
    } catch (e) {
      throw mapError(e, this.location);
    }
  }

  async close(): Promise<number> {
    if (this.state !== 'open') throw new Error(`${this.location}: already ${this.state}`);
    this.state = 'closed';
    try {
      if (this.stream) {
        this.stream.end();
        await this.uploaded;
      } else {
        const bytes = concatBytes(this.held, this.heldBytes);
        this.held = [];
        await this.io.write(this.location, bytes);
      }
    } catch (e) {
      await this.abortUpload();
      throw mapError(e, this.location);
    }
    return this.size;
  }

  async abort(): Promise<void> {
    if (this.state === 'aborted') return;
    const wasClosed = this.state === 'closed';
    this.state = 'aborted';
    this.held = [];
    if (!wasClosed) await this.abortUpload();
  }

  private async abortUpload(): Promise<void> {
    if (!this.upload) return;
    const upload = this.upload;
    this.upload = undefined;
    this.stream?.destroy();
    await upload.abort().catch(() => undefined);
    await this.uploaded?.catch(() => undefined);
    // lib-storage aborts the multipart upload in the background; do it now, so no parts outlive abort()
    if (upload.uploadId) await this.io.abortMultipartUpload(this.location, upload.uploadId).catch(() => undefined);
  }
}

function mapError(e: unknown, location: string): Error {
  if (e instanceof NotFoundError) return e;
  if (e instanceof S3ServiceException) {
    if (e.$metadata.httpStatusCode === 404 || e.name === 'NoSuchKey' || e.name === 'NotFound') {
      return new NotFoundError(location);
    }
    return new Error(`${location}: S3 ${e.name} (HTTP ${e.$metadata.httpStatusCode ?? '?'}): ${e.message}`, {
      cause: e,
    });
  }
  if (e instanceof Error && e.message.includes(location)) return e;
  return new Error(`${location}: ${(e as Error).message}`, { cause: e });
}

// A real S3-compatible server on 127.0.0.1 (s3rver, filesystem-backed) on a random port, for tests.
// s3rver 3.7 predates S3 conditional writes and ignores `If-None-Match: *` on PutObject, so this helper puts
// S3's documented semantics in front of it: a conditional PUT on an existing key gets 412 PreconditionFailed, and
// conditional PUTs to one key are serialized so exactly one of several concurrent writers wins (as on S3).
// `failNext(n)` makes the next n requests fail with 503 SlowDown, to prove the client's retries.
import { createRequire } from 'node:module';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  get(header: string): string;
  status: number;
  type: string;
  body: unknown;
  set(header: string, value: string): void;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverInstance {
  middleware: Middleware[];
  store: { existsObject(bucket: string, key: string): Promise<boolean> };
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;

export interface S3TestServer {
  endpoint: string;
  /** Client config for this server (path-style, dummy credentials, region us-east-1). */
  clientConfig: S3ClientConfig;
  client: S3Client;
  createBucket(name: string): Promise<void>;
  /** The next `n` requests get HTTP 503 SlowDown. */
  failNext(n: number): void;
  /** Requests seen so far (method and path), for assertions on what the client sent. */
  requests: { method: string; path: string; range?: string }[];
  close(): Promise<void>;
}

export async function startS3Server(): Promise<S3TestServer> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  let failures = 0;
  const requests: S3TestServer['requests'] = [];
  const locks = new Map<string, Promise<void>>();

  const front: Middleware = async (ctx, next) => {
    requests.push({ method: ctx.method, path: ctx.path, range: ctx.get('range') || undefined });
    if (failures > 0) {
      failures--;
      ctx.status = 503;
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
      return;
    }
    const conditional = ctx.method === 'PUT' && ctx.get('if-none-match') === '*' && ctx.query.uploadId === undefined;
    if (!conditional) return next();
    const [, bucket = '', ...rest] = ctx.path.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const lockKey = `${bucket}/${key}`;
    const previous = locks.get(lockKey) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = previous.then(() => mine);
    locks.set(lockKey, chained);
    await previous;
    try {
      if (await server.store.existsObject(bucket, key)) {
        ctx.status = 412;
        ctx.type = 'application/xml';
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition><Key>${key}</Key></Error>`;
        return;
      }
      await next();
    } finally {
      release();
      if (locks.get(lockKey) === chained) locks.delete(lockKey);
    }
  };
  server.middleware.unshift(front);

  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig: S3ClientConfig = {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
  const client = new S3Client(clientConfig);
  return {
    endpoint,
    clientConfig,
    client,
    requests,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    failNext(n) {
      failures = n;
    },
    async close() {
      client.destroy();
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

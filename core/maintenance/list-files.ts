// Listing a table's storage with each object's size and last-modified time: what orphan removal needs to tell a
// crashed writer's leftovers (old) from an in-flight commit's files (young). FileIO.list gives names only, so this
// reads the same storage directly: S3 through the S3FileIO's own client (ListObjectsV2: Key, Size, LastModified),
// local directories through node:fs (including the `.<name>.<uuid>.tmp` files an interrupted local write leaves,
// which LocalFileIO.list hides). Any other FileIO is refused with a clear error.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileIO } from '../iceberg/io/file-io.js';

export interface StoredFile {
  /** In the form the table's metadata uses: `s3://bucket/key` or an absolute path. */
  location: string;
  size: number;
  lastModifiedMs: number;
}

interface S3Like {
  client: { send(command: unknown): Promise<unknown> };
}

interface ListObjectsPage {
  Contents?: { Key?: string; Size?: number; LastModified?: Date }[];
  IsTruncated?: boolean;
  NextContinuationToken?: string;
}

const isS3Location = (l: string): boolean => /^s3[an]?:\/\//.test(l);

/** Every file under `prefix` (a folder: give it with a trailing slash), sorted by location. */
export async function listFiles(io: FileIO, prefix: string): Promise<StoredFile[]> {
  if (isS3Location(prefix)) {
    const client = (io as Partial<S3Like>).client;
    if (!client || typeof client.send !== 'function') {
      throw new Error(`cannot list ${prefix} with modification times: the table's FileIO is not an S3FileIO`);
    }
    return listS3(client, prefix);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(prefix) && !prefix.startsWith('file:')) {
    throw new Error(`cannot list ${prefix} with modification times: only s3:// and local paths are supported`);
  }
  return listLocal(prefix);
}

async function listS3(client: S3Like['client'], prefix: string): Promise<StoredFile[]> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const m = /^(s3[an]?):\/\/([^/]+)\/?(.*)$/.exec(prefix)!;
  const [, scheme, bucket, key] = m as unknown as [string, string, string, string];
  const out: StoredFile[] = [];
  let token: string | undefined;
  do {
    const page = (await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }),
    )) as ListObjectsPage;
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      const location = `${scheme}://${bucket}/${o.Key}`;
      if (!(o.LastModified instanceof Date)) throw new Error(`listing ${prefix}: ${location} has no LastModified`);
      out.push({ location, size: o.Size ?? 0, lastModifiedMs: o.LastModified.getTime() });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
}

async function listLocal(prefix: string): Promise<StoredFile[]> {
  const root = prefix.startsWith('file:') ? fileURLToPath(prefix) : path.resolve(prefix);
  const out: StoredFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw new Error(`listing ${dir}: ${(e as Error).message}`, { cause: e });
    }
    for (const ent of entries) {
      const full = path.join(dir, ent.name);
      if (ent.isDirectory()) await walk(full);
      else if (ent.isFile()) {
        const st = await fs.stat(full).catch((e: unknown) => {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // deleted meanwhile
          throw e;
        });
        if (st) out.push({ location: full, size: st.size, lastModifiedMs: st.mtimeMs });
      }
    }
  };
  await walk(root);
  return out.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
}

// fileIOFor: the FileIO a warehouse location needs: S3FileIO for s3:// (s3a://, s3n://), LocalFileIO for
// local paths and file:// URIs.
import type { FileIO } from './file-io.js';
import { LocalFileIO } from './local-file-io.js';
import { S3FileIO } from './s3-file-io.js';
import type { S3FileIOOptions } from './s3-file-io.js';

export function fileIOFor(warehouse: string, options: { s3?: S3FileIOOptions } = {}): FileIO {
  if (/^s3[an]?:\/\//.test(warehouse)) return new S3FileIO(options.s3);
  if (warehouse.startsWith('file:') || !/^[a-z][a-z0-9+.-]*:\/\//i.test(warehouse)) return new LocalFileIO();
  throw new Error(`no FileIO for ${warehouse}: use a local path, file:// or s3://`);
}

// Opening a table without a catalog: from one metadata file (time travel to an old metadata version, a table
// copied from elsewhere), or from a table folder by finding its newest metadata file, in both naming schemes:
// Hadoop `v<N>.metadata.json` (+ version-hint.text) and metastore `<NNNNN>-<uuid>.metadata.json` (Glue, Athena,
// Hive). There is no catalog behind such a table: read it, do not commit to it.
import type { FileIO } from '../io/file-io.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import type { LoadedTable, TableIdentifier } from './catalog.js';
import { NoSuchTableError } from './errors.js';
import { readMetadataFile } from './metadata-file.js';

/** The table as of one metadata file. */
export async function loadMetadataFile(
  io: FileIO,
  metadataLocation: string,
  identifier?: TableIdentifier,
): Promise<LoadedTable> {
  const metadata: TableMetadata = await readMetadataFile(io, metadataLocation);
  return { identifier: identifier ?? identifierOf(metadataLocation), metadata, metadataLocation, io };
}

/** The table in `tableLocation` as of its newest metadata file (the highest version number under metadata/). */
export async function loadTableAt(
  io: FileIO,
  tableLocation: string,
  identifier?: TableIdentifier,
): Promise<LoadedTable> {
  const dir = `${tableLocation.replace(/\/+$/, '')}/metadata/`;
  const newest = newestMetadataFile(await io.list(dir));
  const id = identifier ?? identifierOf(`${dir}x`);
  if (!newest) throw new NoSuchTableError(id, `no metadata files under ${dir}`);
  return loadMetadataFile(io, newest, id);
}

/** The newest of a listing of metadata files: highest v<N> or <NNNNN>- prefix number. */
export function newestMetadataFile(locations: string[]): string | undefined {
  let best: { loc: string; n: number } | undefined;
  for (const loc of locations) {
    const name = loc.slice(loc.lastIndexOf('/') + 1);
    const m =
      /^v(\d+)(?:\.gz\.metadata\.json|\.metadata\.json(?:\.gz)?)$/.exec(name) ??
      /^(\d+)-[^/]*\.metadata\.json(?:\.gz)?$/.exec(name);
    if (!m) continue;
    const n = Number(m[1]);
    if (!best || n > best.n) best = { loc, n };
  }
  return best?.loc;
}

/** <…>/<namespace>/<table>/metadata/<file> -> { namespace, name } (best effort, for error messages). */
function identifierOf(metadataLocation: string): TableIdentifier {
  const parts = metadataLocation.split('/').filter(Boolean);
  return { namespace: parts.at(-4) ?? '', name: parts.at(-3) ?? metadataLocation };
}

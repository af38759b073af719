// Remove orphan files: files under a table's location that nothing in its metadata references (reachable.ts) and
// that are older than a safety age: the data files, manifests and manifest lists left by writers that crashed
// between writing and committing (SHOPLAKE_FAULT after-data-files / after-manifests), by commits whose outcome
// was unknown, by expiry deletes that failed, and interrupted local temp files.
//
// Safety, as Iceberg Java's DeleteOrphanFiles and more:
// - Age: only files last modified more than `olderThanMs` ago (default 3 days, never less than 1 hour), so the
//   files of a commit in flight (written, not yet committed; a commit retries for 30 minutes at most) are never
//   touched.
// - The listing is of `<location>/` (with the slash: `s3://b/orders_v2/` is not under `s3://b/orders`), and files
//   under another table's location nested inside this one are skipped.
// - Every manifest list, manifest and content file the metadata references under the location must show up in the
//   listing; if one does not (a location spelled differently, an incomplete listing, a damaged table) nothing is
//   deleted and the table is reported as failed.
import type { LoadedTable } from '../iceberg/catalog/catalog.js';
import type { FileIO } from '../iceberg/io/file-io.js';
import { listFiles } from './list-files.js';
import type { StoredFile } from './list-files.js';
import { normalizeLocation, reachableFiles } from './reachable.js';

export const DEFAULT_ORPHAN_AGE_MS = 3 * 24 * 3_600_000;
export const MIN_ORPHAN_AGE_MS = 3_600_000;

export interface RemoveOrphansOptions {
  /** Only files older than this are removed (default 3 days; at least 1 hour). */
  olderThanMs?: number;
  /** List what would be removed, remove nothing. */
  dryRun?: boolean;
  /** Locations of other tables, skipped when nested inside this table's location. */
  otherTableLocations?: string[];
  /** Clock, ms since epoch (default Date.now). */
  now?: () => number;
}

export interface RemoveOrphansResult {
  table: string;
  location: string;
  dryRun: boolean;
  /** Files found under the location. */
  listed: number;
  /** Unreferenced and old enough: removed (or, in a dry run, to remove). */
  orphans: StoredFile[];
  orphanBytes: number;
  /** Unreferenced but younger than the safety age (possibly a commit in flight): kept. */
  tooYoung: number;
  /** Removed (empty in a dry run). */
  removed: string[];
  notRemoved: { location: string; reason: string }[];
}

export async function removeOrphans(
  table: LoadedTable,
  options: RemoveOrphansOptions = {},
): Promise<RemoveOrphansResult> {
  const name = `${table.identifier.namespace}.${table.identifier.name}`;
  const age = options.olderThanMs ?? DEFAULT_ORPHAN_AGE_MS;
  if (!Number.isFinite(age) || age < MIN_ORPHAN_AGE_MS) {
    throw new Error(
      `${name}: orphan age ${age} ms is below the 1 hour minimum (files that young may belong to a commit in flight)`,
    );
  }
  const now = (options.now ?? Date.now)();
  const cutoff = now - age;
  const location = `${table.metadata.location.replace(/\/+$/, '')}/`;
  const root = normalizeLocation(location).replace(/\/*$/, '/');
  const nested = (options.otherTableLocations ?? [])
    .map((l) => normalizeLocation(l).replace(/\/*$/, '/'))
    .filter((l) => l !== root && l.startsWith(root));

  // The metadata is read before the listing: a file committed after this load is younger than the safety age.
  const reachable = await reachableFiles(table);
  const listed = (await listFiles(table.io, location)).filter((f) => {
    const n = normalizeLocation(f.location);
    return !nested.some((p) => n.startsWith(p));
  });

  const present = new Set(listed.map((f) => normalizeLocation(f.location)));
  const missing = [...reachable.content].filter((l) => l.startsWith(root) && !present.has(l));
  if (missing.length > 0) {
    throw new Error(
      `${name}: ${missing.length} file(s) the metadata references are not in the listing of ${location} ` +
        `(e.g. ${missing[0]}); refusing to remove anything (location spelled differently, or a damaged table)`,
    );
  }

  const orphans: StoredFile[] = [];
  let tooYoung = 0;
  for (const f of listed) {
    if (reachable.all.has(normalizeLocation(f.location))) continue;
    if (f.lastModifiedMs < cutoff) orphans.push(f);
    else tooYoung++;
  }
  const result: RemoveOrphansResult = {
    table: name,
    location,
    dryRun: options.dryRun === true,
    listed: listed.length,
    orphans,
    orphanBytes: orphans.reduce((n, f) => n + f.size, 0),
    tooYoung,
    removed: [],
    notRemoved: [],
  };
  if (!options.dryRun) await deleteFiles(table.io, orphans, result);
  return result;
}

/** Deletes in chunks (S3: one DeleteObjects request per chunk); records what could not be deleted and why. */
async function deleteFiles(io: FileIO, files: StoredFile[], result: RemoveOrphansResult): Promise<void> {
  const many = (io as { deleteMany?: (l: string[]) => Promise<void> }).deleteMany?.bind(io);
  const chunk = many ? 1000 : 16;
  for (let i = 0; i < files.length; i += chunk) {
    const locations = files.slice(i, i + chunk).map((f) => f.location);
    if (many) {
      try {
        await many(locations);
        result.removed.push(...locations);
        continue;
      } catch {
        // Fall back to one by one, to tell which failed and why.
      }
    }
    await Promise.all(
      locations.map((l) =>
        io.delete(l).then(
          () => result.removed.push(l),
          (e: unknown) => result.notRemoved.push({ location: l, reason: (e as Error).message }),
        ),
      ),
    );
  }
}

// Expire snapshots (format/spec.md "Snapshot Retention Policy"), then delete the files that only the expired
// snapshots referenced: their manifest lists, the manifests no remaining snapshot lists, and the data and delete
// files no remaining snapshot has live. Refs' snapshots (main's head, tags, branches) are always kept.
//
// A snapshot of a branch is kept while it is one of the branch's newest `retainLast` snapshots OR no older than
// `olderThanMs`; walking back from the branch head, the first snapshot that is neither ends the branch's history.
// So "older than T" is expireSnapshots({ olderThanMs: T }) and "beyond the newest N" is
// expireSnapshots({ retainLast: N, olderThanMs: Date.now() }) (the defaults are Java's: 5 days and 1).
import type { LoadedTable } from '../catalog/catalog.js';
import type { FileIO } from '../io/file-io.js';
import { DataContent, EntryStatus } from '../spec/manifest.js';
import type { Snapshot, SnapshotRef, TableMetadata } from '../spec/table-metadata.js';
import { ValidationError } from './errors.js';
import { readEntries, readManifestFiles } from './manifests.js';
import type { CommitContext, Operation } from './operation.js';

export const MAX_SNAPSHOT_AGE_MS = 'history.expire.max-snapshot-age-ms';
export const MIN_SNAPSHOTS_TO_KEEP = 'history.expire.min-snapshots-to-keep';
export const MAX_REF_AGE_MS = 'history.expire.max-ref-age-ms';
const DEFAULT_MAX_SNAPSHOT_AGE_MS = 5 * 24 * 3600 * 1000;
const DEFAULT_MIN_SNAPSHOTS_TO_KEEP = 1;

export interface ExpireOptions {
  /** Expire snapshots older than this (ms since epoch). Default: now − history.expire.max-snapshot-age-ms (5 days). */
  olderThanMs?: number;
  /** Always keep each branch's newest N snapshots. Default: history.expire.min-snapshots-to-keep (1). */
  retainLast?: number;
  /** Delete the files only expired snapshots referenced (default true); false only drops them from metadata. */
  deleteFiles?: boolean;
}

export interface ExpireResult {
  expiredSnapshotIds: bigint[];
  /** Refs (never main) removed because they outlived max-ref-age-ms. */
  removedRefs: string[];
  /** Files deleted after the commit, by kind. Empty when deleteFiles is false. */
  deleted: {
    manifestLists: string[];
    manifests: string[];
    dataFiles: string[];
    deleteFiles: string[];
    statisticsFiles: string[];
  };
  /**
   * Files that could not be deleted, each with the reason. The commit itself succeeded: these are orphans now,
   * harmless to readers, and removable by hand or by a later orphan-file sweep.
   */
  notDeleted: { location: string; reason: string }[];
}

export class ExpireSnapshotsOperation implements Operation {
  readonly name = 'expire snapshots';
  /** Set once the commit has succeeded. */
  result: ExpireResult | undefined;
  private readonly now = Date.now();
  private expired: Snapshot[] = [];
  private removedRefs: string[] = [];
  private statisticsFiles: string[] = [];

  constructor(
    table: LoadedTable,
    private readonly options: ExpireOptions,
  ) {
    const { olderThanMs, retainLast } = options;
    if (olderThanMs !== undefined && !Number.isFinite(olderThanMs)) {
      throw new ValidationError(table.identifier, this.name, `olderThanMs must be a finite number, got ${olderThanMs}`);
    }
    if (retainLast !== undefined && (!Number.isInteger(retainLast) || retainLast < 1)) {
      throw new ValidationError(table.identifier, this.name, `retainLast must be an integer >= 1, got ${retainLast}`);
    }
  }

  async apply(base: TableMetadata): Promise<TableMetadata> {
    const { refs, removedRefs } = this.liveRefs(base);
    const retained = this.retainedIds(base, refs);
    const snapshots = base.snapshots ?? [];
    this.expired = snapshots.filter((s) => !retained.has(s['snapshot-id']));
    this.removedRefs = removedRefs;
    if (this.expired.length === 0 && removedRefs.length === 0) {
      this.statisticsFiles = [];
      return base;
    }
    const gone = new Set(this.expired.map((s) => s['snapshot-id']));
    const keepStats = <T extends { 'snapshot-id': bigint; 'statistics-path': string }>(list: T[] | undefined): T[] =>
      (list ?? []).filter((st) => !gone.has(st['snapshot-id']));
    const dropStats = <T extends { 'snapshot-id': bigint; 'statistics-path': string }>(
      list: T[] | undefined,
    ): string[] => (list ?? []).filter((st) => gone.has(st['snapshot-id'])).map((st) => st['statistics-path']);
    const statistics = base.statistics as StatisticsFile[] | undefined;
    const partitionStatistics = base['partition-statistics'] as StatisticsFile[] | undefined;
    this.statisticsFiles = [...dropStats(statistics), ...dropStats(partitionStatistics)];

    // The snapshot log keeps only the entries after the last expired one (as Java's updateSnapshotLog).
    const log: NonNullable<TableMetadata['snapshot-log']> = [];
    for (const e of base['snapshot-log'] ?? []) {
      if (gone.has(e['snapshot-id'])) log.length = 0;
      else log.push(e);
    }
    return {
      ...base,
      snapshots: snapshots.filter((s) => !gone.has(s['snapshot-id'])),
      'snapshot-log': log,
      refs,
      ...(statistics ? { statistics: keepStats(statistics) } : {}),
      ...(partitionStatistics ? { 'partition-statistics': keepStats(partitionStatistics) } : {}),
      'last-updated-ms': Math.max(this.now, base['last-updated-ms']),
    };
  }

  /** Never throws: the commit has already happened, so a failed delete is reported in `result.notDeleted`. */
  async afterCommit(committed: LoadedTable, ctx: CommitContext): Promise<void> {
    const result: ExpireResult = {
      expiredSnapshotIds: this.expired.map((s) => s['snapshot-id']),
      removedRefs: this.removedRefs,
      deleted: { manifestLists: [], manifests: [], dataFiles: [], deleteFiles: [], statisticsFiles: [] },
      notDeleted: [],
    };
    this.result = result;
    if (this.options.deleteFiles === false || this.expired.length === 0) return;
    try {
      await this.deleteUnreachable(committed, ctx.io, result);
    } catch (e) {
      // Could not work out what is unreachable (e.g. an unreadable manifest): delete nothing more.
      result.notDeleted.push({ location: committed.metadata.location, reason: (e as Error).message });
    }
  }

  private async deleteUnreachable(committed: LoadedTable, io: FileIO, result: ExpireResult): Promise<void> {
    // Everything the remaining snapshots reach: their manifests, and the files live in them.
    const keptManifests = new Set<string>();
    const liveFiles = new Set<string>();
    for (const s of committed.metadata.snapshots ?? []) {
      for (const m of await readManifestFiles(io, s)) {
        if (keptManifests.has(m.manifest_path)) continue;
        keptManifests.add(m.manifest_path);
        for (const e of await readEntries(io, m)) {
          if (e.status !== EntryStatus.Deleted) liveFiles.add(e.data_file.file_path);
        }
      }
    }
    // What only the expired snapshots reach.
    const manifests = new Set<string>();
    const dataFiles = new Set<string>();
    const deleteFiles = new Set<string>();
    for (const s of this.expired) {
      for (const m of await readManifestFiles(io, s)) {
        if (keptManifests.has(m.manifest_path) || manifests.has(m.manifest_path)) continue;
        manifests.add(m.manifest_path);
        for (const e of await readEntries(io, m)) {
          const path = e.data_file.file_path;
          if (liveFiles.has(path)) continue;
          (e.data_file.content === DataContent.Data ? dataFiles : deleteFiles).add(path);
        }
      }
    }
    // Data first, then the metadata that points at it, so that an interrupted run leaves no dangling pointers.
    const { deleted, notDeleted } = result;
    deleted.dataFiles = await deleteAll(io, [...dataFiles], notDeleted);
    deleted.deleteFiles = await deleteAll(io, [...deleteFiles], notDeleted);
    deleted.manifests = await deleteAll(io, [...manifests], notDeleted);
    deleted.manifestLists = await deleteAll(
      io,
      this.expired.map((s) => s['manifest-list']),
      notDeleted,
    );
    deleted.statisticsFiles = await deleteAll(io, this.statisticsFiles, notDeleted);
  }

  /** Refs after dropping those (never main) whose snapshot is older than their max-ref-age-ms. */
  private liveRefs(base: TableMetadata): { refs: Record<string, SnapshotRef>; removedRefs: string[] } {
    const refs: Record<string, SnapshotRef> = {};
    const removedRefs: string[] = [];
    const tableMaxRefAge = intProperty(base, MAX_REF_AGE_MS, Number.MAX_SAFE_INTEGER);
    for (const [name, ref] of Object.entries(base.refs ?? {})) {
      const snap = base.snapshots?.find((s) => s['snapshot-id'] === ref['snapshot-id']);
      const maxAge = ref['max-ref-age-ms'] ?? tableMaxRefAge;
      if (name !== 'main' && (!snap || this.now - snap['timestamp-ms'] > maxAge)) removedRefs.push(name);
      else refs[name] = ref;
    }
    return { refs, removedRefs };
  }

  /** Snapshot ids to keep: every ref's snapshot, each branch's recent ancestry, and recent unreferenced snapshots. */
  private retainedIds(base: TableMetadata, refs: Record<string, SnapshotRef>): Set<bigint> {
    const byId = new Map((base.snapshots ?? []).map((s) => [s['snapshot-id'], s]));
    const defaultOlderThan =
      this.options.olderThanMs ?? this.now - intProperty(base, MAX_SNAPSHOT_AGE_MS, DEFAULT_MAX_SNAPSHOT_AGE_MS);
    const defaultMinKeep =
      this.options.retainLast ?? intProperty(base, MIN_SNAPSHOTS_TO_KEEP, DEFAULT_MIN_SNAPSHOTS_TO_KEEP);
    const retained = new Set<bigint>();
    const inSomeBranch = new Set<bigint>();
    const currentId = base['current-snapshot-id'];
    if (currentId !== undefined && currentId !== null && currentId !== -1n) retained.add(currentId);
    for (const ref of Object.values(refs)) {
      retained.add(ref['snapshot-id']);
      if (ref.type !== 'branch') continue;
      const olderThan =
        ref['max-snapshot-age-ms'] !== undefined ? this.now - ref['max-snapshot-age-ms'] : defaultOlderThan;
      const minKeep = ref['min-snapshots-to-keep'] ?? defaultMinKeep;
      let kept = 0;
      let keeping = true;
      for (let s = byId.get(ref['snapshot-id']); s; s = lookupParent(byId, s)) {
        inSomeBranch.add(s['snapshot-id']);
        if (keeping && (kept < minKeep || s['timestamp-ms'] >= olderThan)) {
          retained.add(s['snapshot-id']);
          kept++;
        } else keeping = false;
      }
    }
    // Snapshots on no branch (left by a rollback or a dropped branch) are kept until they are old.
    for (const s of byId.values()) {
      if (!inSomeBranch.has(s['snapshot-id']) && s['timestamp-ms'] >= defaultOlderThan) retained.add(s['snapshot-id']);
    }
    return retained;
  }
}

interface StatisticsFile {
  'snapshot-id': bigint;
  'statistics-path': string;
}

function lookupParent(byId: Map<bigint, Snapshot>, s: Snapshot): Snapshot | undefined {
  const p = s['parent-snapshot-id'];
  return p === undefined ? undefined : byId.get(p);
}

function intProperty(m: TableMetadata, key: string, dflt: number): number {
  const raw = m.properties?.[key];
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(n) || n < 0) {
    throw new Error(`table ${m.location}: property ${key}=${JSON.stringify(raw)} is not a non-negative integer`);
  }
  return n;
}

/** Deletes with bounded parallelism; returns what was deleted and records what was not, with the reason. */
async function deleteAll(
  io: FileIO,
  locations: string[],
  notDeleted: ExpireResult['notDeleted'],
  parallel = 16,
): Promise<string[]> {
  const done: string[] = [];
  for (let i = 0; i < locations.length; i += parallel) {
    const batch = locations.slice(i, i + parallel);
    await Promise.all(
      batch.map((location) =>
        io.delete(location).then(
          () => done.push(location),
          (e: unknown) => notDeleted.push({ location, reason: (e as Error).message }),
        ),
      ),
    );
  }
  return done;
}

// Exactly-once: each table is idempotent on its own (docs/exactly-once.md).
// - Every commit stores, in its snapshot summary, the highest offset of the batch per topic-partition it consumed,
//   `shoplake.offsets.<topic>.<partition>`, merged with the values of the snapshot it is applied to, so the current
//   snapshot always carries every partition. Readers walk ancestors past snapshots that carry none (maintenance).
// - Before writing table T, the batch reads T's offsets and skips, for T, the records at or below them, and for
//   every table the records at or below bronze's (below).
// - At commit time (on every retry, against the newest base) the offsets of the batch's partitions must still be
//   the ones the batch started from; otherwise another writer committed some of the same records and the commit
//   is refused with OffsetConflictError (the batch is replayed, and the replay skips what landed).
// - Order: data files of every table first; then every table but bronze (in parallel); bronze.<topic> LAST, so
//   bronze's offsets are the consumer's checkpoint: every record at or below them is in every table it belongs to.
import type { Catalog, LoadedTable } from '../iceberg/catalog/catalog.js';
import type { DataFile } from '../iceberg/spec/manifest.js';
import type { Snapshot, TableMetadata } from '../iceberg/spec/table-metadata.js';
import { Transaction } from '../iceberg/transaction/transaction.js';
import { CommitFailedError } from '../iceberg/transaction/errors.js';
import type { FaultInjector } from './faults.js';

export const OFFSETS_PREFIX = 'shoplake.offsets.';
/** Highest event_time (µs) a silver table has seen: the lateness watermark. */
export const WATERMARK_KEY = 'shoplake.watermark';
/** The watermark a silver commit flagged lateness against (replays of its records reuse it for child rows). */
export const LATENESS_WATERMARK_KEY = 'shoplake.lateness-watermark';

/** topic -> partition -> offset */
export type Offsets = Map<string, Map<number, number>>;

export function offsetKey(topic: string, partition: number): string {
  return `${OFFSETS_PREFIX}${topic}.${partition}`;
}

export function getOffset(offsets: Offsets, topic: string, partition: number): number {
  return offsets.get(topic)?.get(partition) ?? -1;
}

export function setMax(offsets: Offsets, topic: string, partition: number, offset: number): void {
  let m = offsets.get(topic);
  if (!m) offsets.set(topic, (m = new Map()));
  if ((m.get(partition) ?? -1) < offset) m.set(partition, offset);
}

/** The offsets stored in one snapshot's summary (empty if it carries none). */
export function summaryOffsets(summary: Record<string, string>): Offsets {
  const out: Offsets = new Map();
  for (const [k, v] of Object.entries(summary)) {
    if (!k.startsWith(OFFSETS_PREFIX)) continue;
    const rest = k.slice(OFFSETS_PREFIX.length);
    const dot = rest.lastIndexOf('.');
    const partition = Number(rest.slice(dot + 1));
    const offset = Number(v);
    if (
      dot <= 0 ||
      !Number.isSafeInteger(partition) ||
      partition < 0 ||
      !/^\d+$/.test(v) ||
      !Number.isSafeInteger(offset)
    ) {
      throw new Error(
        `snapshot summary ${k}=${JSON.stringify(v)} is not shoplake.offsets.<topic>.<partition>=<offset>`,
      );
    }
    setMax(out, rest.slice(0, dot), partition, offset);
  }
  return out;
}

const hasOffsets = (s: Snapshot): boolean => Object.keys(s.summary).some((k) => k.startsWith(OFFSETS_PREFIX));

/** The current snapshot of main and its ancestors, newest first. */
export function* ancestors(metadata: TableMetadata): Generator<Snapshot> {
  const snapshots = metadata.snapshots ?? [];
  let byId: Map<bigint, Snapshot> | undefined;
  // The current snapshot and its parents are usually the last ones listed: look there before indexing them all.
  const find = (id: bigint): Snapshot | undefined => {
    for (let i = snapshots.length - 1; i >= Math.max(0, snapshots.length - 4); i--) {
      if (snapshots[i]!['snapshot-id'] === id) return snapshots[i];
    }
    byId ??= new Map(snapshots.map((s) => [s['snapshot-id'], s]));
    return byId.get(id);
  };
  const current = metadata['current-snapshot-id'];
  let s = current === undefined || current === null || current === -1n ? undefined : find(current);
  while (s) {
    yield s;
    const parent = s['parent-snapshot-id'];
    s = parent === undefined ? undefined : find(parent);
  }
}

/** What a table has committed: offsets and watermark from the newest ancestor that carries them. */
export interface CommittedState {
  offsets: Offsets;
  /** µs; null before the first silver commit. */
  watermark: number | null;
}

export function committedState(metadata: TableMetadata): CommittedState {
  for (const s of ancestors(metadata)) {
    if (!hasOffsets(s)) continue;
    const w = s.summary[WATERMARK_KEY];
    return { offsets: summaryOffsets(s.summary), watermark: w === undefined ? null : Number(w) };
  }
  return { offsets: new Map(), watermark: null };
}

/**
 * For one topic-partition, newest first: the offset each snapshot of the current ancestry covers and the
 * watermark its commit flagged lateness against (null when it recorded none). Stops at expired history.
 */
export function latenessHistory(metadata: TableMetadata, topic: string, partition: number): [number, number | null][] {
  const out: [number, number | null][] = [];
  for (const s of ancestors(metadata)) {
    if (!hasOffsets(s)) continue;
    const o = getOffset(summaryOffsets(s.summary), topic, partition);
    if (o < 0) break;
    const w = s.summary[LATENESS_WATERMARK_KEY];
    out.push([o, w === undefined ? null : Number(w)]);
  }
  return out;
}

/** The watermark of the commit that landed `offset`: the oldest snapshot whose offset still covers it. */
export function latenessWatermarkAt(history: [number, number | null][], offset: number): number | null {
  let found: number | null = null;
  for (const [o, w] of history) {
    if (o < offset) break;
    found = w;
  }
  return found;
}

/** latenessWatermarkAt(latenessHistory(...)) for a single record. */
export function latenessWatermarkOf(
  metadata: TableMetadata,
  topic: string,
  partition: number,
  offset: number,
): number | null {
  return latenessWatermarkAt(latenessHistory(metadata, topic, partition), offset);
}

/** Another writer committed offsets of this batch's partitions after the batch read them. */
export class OffsetConflictError extends Error {
  constructor(
    readonly table: string,
    readonly topic: string,
    readonly partition: number,
    readonly expected: number,
    readonly found: number,
  ) {
    super(
      `${table}: offsets of ${topic}/${partition} moved from ${expected} to ${found} while this batch was being written (another consumer of the partition committed); replay the batch`,
    );
    this.name = 'OffsetConflictError';
  }
}

export interface TableCommit {
  /** The contracts' qualified name, for errors and results. */
  name: string;
  table: LoadedTable;
  files: DataFile[];
  /** Highest offset of the batch per topic-partition feeding this table. */
  consumed: Offsets;
  /** The table's offsets when the batch read them (for the partitions in `consumed`). */
  expected: Offsets;
  /** Silver tables: the highest event_time of the rows, and the watermark lateness was flagged against. */
  watermark?: { max: number | null; applied: number | null };
  /** bronze.<topic> tables are committed last. */
  last: boolean;
}

export interface CommitOutcome {
  name: string;
  table: LoadedTable;
  snapshotId: bigint;
  parentSnapshotId: bigint | undefined;
  latencyMs: number;
  attempts: number;
}

/** The summary properties of a commit, computed against the base it is applied to (see AppendOptions.summary). */
export function summaryFor(c: TableCommit): (base: TableMetadata) => Record<string, string> {
  return (base) => {
    const state = committedState(base);
    for (const [topic, parts] of c.consumed) {
      for (const partition of parts.keys()) {
        const found = getOffset(state.offsets, topic, partition);
        const expected = getOffset(c.expected, topic, partition);
        if (found !== expected) throw new OffsetConflictError(c.name, topic, partition, expected, found);
      }
    }
    const merged: Offsets = new Map([...state.offsets].map(([t, m]) => [t, new Map(m)]));
    for (const [topic, parts] of c.consumed) for (const [p, o] of parts) setMax(merged, topic, p, o);
    const out: Record<string, string> = {};
    for (const topic of [...merged.keys()].sort()) {
      const parts = merged.get(topic)!;
      for (const p of [...parts.keys()].sort((a, b) => a - b)) out[offsetKey(topic, p)] = String(parts.get(p));
    }
    if (c.watermark) {
      const w = Math.max(state.watermark ?? -Infinity, c.watermark.max ?? -Infinity);
      if (Number.isFinite(w)) out[WATERMARK_KEY] = String(w);
      if (c.watermark.applied !== null) out[LATENESS_WATERMARK_KEY] = String(c.watermark.applied);
    }
    return out;
  };
}

export interface CommitOptions {
  catalog: Catalog;
  fault: FaultInjector;
  /** Transactions tried per table when every retry inside one still met a conflict (default 3). */
  attempts?: number;
  now?: () => number;
}

/**
 * Commits the tables of one batch: all but bronze in parallel, then bronze. Each table is one fast append whose
 * summary carries the merged offsets. Returns one outcome per table, in commit order.
 */
export async function commitInOrder(commits: TableCommit[], options: CommitOptions): Promise<CommitOutcome[]> {
  const catalog = faultingCatalog(options.catalog, options.fault);
  const first = commits.filter((c) => !c.last && c.files.length > 0);
  const last = commits.filter((c) => c.last && c.files.length > 0);
  const out = await settleAll(first.map((c) => commitOne(catalog, c, options)));
  out.push(...(await settleAll(last.map((c) => commitOne(catalog, c, options)))));
  return out;
}

/** Like Promise.all, but rejects only once every commit has finished, so nothing runs on after a failure. */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

async function commitOne(catalog: Catalog, c: TableCommit, options: CommitOptions): Promise<CommitOutcome> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const tries = options.attempts ?? 3;
  let table = c.table;
  let swaps = 0; // catalog commit attempts over all transactions (each retries conflicts itself)
  for (let attempt = 1; ; attempt++) {
    options.fault('before-commit', c.name);
    const tx = new Transaction(catalog, table);
    tx.fastAppend(c.files, { summary: summaryFor(c) });
    try {
      const committed = await tx.commit().finally(() => (swaps += tx.attempts));
      options.fault('after-commit', c.name);
      const snapshotId = tx.snapshotIds.at(-1)!;
      const snap = committed.metadata.snapshots?.find((s) => s['snapshot-id'] === snapshotId);
      return {
        name: c.name,
        table: committed,
        snapshotId,
        parentSnapshotId: snap?.['parent-snapshot-id'],
        latencyMs: now() - started,
        attempts: swaps,
      };
    } catch (e) {
      // Conflicts outlasted the transaction's own retries (many writers on one table): start over on a fresh base.
      if (!(e instanceof CommitFailedError) || attempt >= tries) throw e;
      table = await catalog.loadTable(c.table.identifier);
    }
  }
}

/** The catalog with the after-manifests crash point just before the metadata swap. */
function faultingCatalog(catalog: Catalog, fault: FaultInjector): Catalog {
  return new Proxy(catalog, {
    get(target, prop, receiver) {
      if (prop === 'commitTable') {
        return (base: LoadedTable, next: TableMetadata) => {
          fault('after-manifests', `${base.identifier.namespace}.${base.identifier.name}`);
          return target.commitTable(base, next);
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

// Maintenance and the exactly-once protocol (docs/exactly-once.md, docs/maintenance.md). The ingest pipeline reads a
// table's committed Kafka offsets and watermark from the newest snapshot of main's ancestry that carries
// `shoplake.offsets.*` keys (core/pipeline/exactly-once.ts committedState). Maintenance therefore:
// - copies every `shoplake.*` key of that snapshot onto the snapshots it produces (compaction), recomputed against
//   the newest base on every commit attempt, so a concurrent ingest append is never shadowed by older offsets;
// - never expires that snapshot (expiry keeps the main ancestry down to it);
// - commits through `guardCatalog`, which refuses any metadata swap that would change what committedState reads
//   (offsets or watermark). That check is the last line: a bug above it fails the commit instead of making the
//   next batch replay (duplicate) or skip (lose) records.
import type { Catalog, LoadedTable } from '../iceberg/catalog/catalog.js';
import type { Snapshot, TableMetadata } from '../iceberg/spec/table-metadata.js';
import { CommitStateUnknownError } from '../iceberg/transaction/errors.js';
import { ancestors, committedState, OFFSETS_PREFIX } from '../pipeline/exactly-once.js';
import type { CommittedState } from '../pipeline/exactly-once.js';

/** Every summary key shoplake writes starts with this (offsets, watermark, lateness watermark, ...). */
export const SHOPLAKE_PREFIX = 'shoplake.';

const carriesOffsets = (s: Snapshot): boolean => Object.keys(s.summary).some((k) => k.startsWith(OFFSETS_PREFIX));

/**
 * The snapshot the pipeline reads its committed state from (the newest of main's ancestry that carries offsets)
 * and its depth in that ancestry (1 = the current snapshot); undefined when no snapshot carries offsets.
 */
export function offsetsSnapshot(metadata: TableMetadata): { snapshot: Snapshot; depth: number } | undefined {
  let depth = 0;
  for (const s of ancestors(metadata)) {
    depth++;
    if (carriesOffsets(s)) return { snapshot: s, depth };
  }
  return undefined;
}

/** The `shoplake.*` summary keys a maintenance snapshot on top of `base` must carry (empty when there are none). */
export function carriedSummary(base: TableMetadata): Record<string, string> {
  const found = offsetsSnapshot(base);
  const out: Record<string, string> = {};
  if (!found) return out;
  for (const [k, v] of Object.entries(found.snapshot.summary)) if (k.startsWith(SHOPLAKE_PREFIX)) out[k] = v;
  return out;
}

/** A maintenance commit would have changed the offsets or watermark the ingest pipeline reads. Nothing landed. */
export class ProtocolGuardError extends Error {
  constructor(
    readonly table: string,
    readonly before: CommittedState,
    readonly after: CommittedState,
  ) {
    super(
      `${table}: refusing a maintenance commit that would change the committed Kafka state the ingest pipeline ` +
        `reads (before: ${describeState(before)}; after: ${describeState(after)}); nothing was committed`,
    );
    this.name = 'ProtocolGuardError';
  }
}

/** The guard error behind a failed commit, if that is what failed it (the transaction wraps it as unknown). */
export function guardErrorOf(e: unknown): ProtocolGuardError | undefined {
  if (e instanceof ProtocolGuardError) return e;
  if (e instanceof CommitStateUnknownError && e.cause instanceof ProtocolGuardError) return e.cause;
  return undefined;
}

export function sameState(a: CommittedState, b: CommittedState): boolean {
  if (a.watermark !== b.watermark || a.offsets.size !== b.offsets.size) return false;
  for (const [topic, parts] of a.offsets) {
    const other = b.offsets.get(topic);
    if (!other || other.size !== parts.size) return false;
    for (const [p, o] of parts) if (other.get(p) !== o) return false;
  }
  return true;
}

function describeState(s: CommittedState): string {
  const parts: string[] = [];
  for (const [topic, m] of s.offsets) for (const [p, o] of m) parts.push(`${topic}/${p}=${o}`);
  return `offsets {${parts.join(', ')}}, watermark ${s.watermark ?? 'none'}`;
}

/**
 * The catalog, with every commitTable checked: the committed state read from `next` must equal the one read from
 * the base it replaces. Other methods pass through.
 */
export function guardCatalog(catalog: Catalog): Catalog {
  return new Proxy(catalog, {
    get(target, prop, receiver) {
      if (prop === 'commitTable') {
        return (base: LoadedTable, next: TableMetadata) => {
          const before = committedState(base.metadata);
          const after = committedState(next);
          if (!sameState(before, after)) {
            const id = base.identifier;
            return Promise.reject(new ProtocolGuardError(`${id.namespace}.${id.name}`, before, after));
          }
          return target.commitTable(base, next);
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

// Dedup: is this event_id already in the silver table (or earlier in the batch) under another Kafka coordinate?
//
// A resend carries the same bytes, so it falls in the same table partition as its original (same event_time,
// same shop_id). The index is therefore kept per partition tuple of the table's spec ("scope"): a batch loads
// only the scopes its rows fall in (the event_id, kafka_partition and kafka_offset columns of those partitions'
// files), once per warm container, and keeps them current by reading the files appended since (incremental
// scan) at the start of each batch. Scopes older than the dedup window (behind the table's watermark) are neither
// loaded nor kept: events there are deduplicated within their batch only (docs/exactly-once.md).
//
// Memory is bounded: each scope's ids live in an IdTable (id-table.ts: a 64-bit hash of the event_id and the
// coordinate, 18-28 bytes per id), and the index holds at most `maxIds` ids per table. Beyond that it drops its
// oldest scopes (by day, then by load order), counts them (`evictedScopes`), and does not load them or any
// older scope again: events there are deduplicated within their batch only, as for scopes behind the window.
//
// The index maps event_id -> the coordinate it landed with (partition * 2^40 + offset). A record whose own
// coordinate is the one indexed is not a duplicate: that is a replay of a record already committed, which the
// offsets skip per table; its child rows may still be missing (a crash between two tables) and must be written.
import type { LoadedTable } from '../iceberg/catalog/catalog.js';
import { and, gte, lt } from '../iceberg/scan/expression.js';
import type { Filter } from '../iceberg/scan/expression.js';
import { planFiles, currentSchema } from '../iceberg/scan/plan-files.js';
import { planIncremental } from '../iceberg/scan/plan-incremental.js';
import { readTaskRows } from '../iceberg/scan/read-rows.js';
import type { FileScanTask } from '../iceberg/scan/plan-files.js';
import { bindPartitionSpec } from '../iceberg/spec/transform.js';
import type { BoundPartitionField } from '../iceberg/spec/transform.js';
import type { PartitionValues } from '../iceberg/spec/manifest.js';
import { daysFromCivil } from '../contracts/wire-values.js';
import { IdTable } from './id-table.js';

const DAY_US = 86_400_000_000;
const COORD_PARTITION = 2 ** 40;

/**
 * Default cap on the event_ids one silver table's index holds: 8M ids are 146-219 MB of typed arrays (18.3-27.4 B
 * per id; for a moment 1.5x more of the largest scope's while it grows), which leaves room for a couple of busy
 * tables and the batch itself in a 1-3 GB Lambda function or ECS task (docs/exactly-once.md).
 */
export const DEFAULT_DEDUP_MAX_IDS = 8_000_000;

/** A record's coordinate in one number (partitions < 4096 and offsets < 2^40 stay exact). */
export function coordinate(partition: number, offset: number): number {
  return partition * COORD_PARTITION + offset;
}

/** A row's scope: its partition tuple as a key, and the day its time partition starts on (null: none). */
export interface Scope {
  key: string;
  day: number | null;
  values: unknown[];
}

/** The rows a batch landed in one silver table, as parallel arrays (no object per row). */
export interface LandedIds {
  scopes: string[];
  ids: string[];
  coords: number[];
}

interface ScopeIds {
  day: number | null;
  ids: IdTable;
  /** Load order (the tie-break between scopes of one day, and the order of scopes without a day). */
  seq: number;
}

export class DedupIndex {
  private fields: BoundPartitionField[] = [];
  private timeField = -1;
  private bindingKey = '';
  private readonly scopes = new Map<string, ScopeIds>();
  /** The table snapshot the index reflects (undefined: the empty table). */
  private snapshotId: bigint | undefined;
  private synced = false;
  private lastValue: unknown;
  private lastKey: string | undefined;
  private loads = 0;
  /** Scopes evicted for the cap are not loaded again: days up to this one, and keys of scopes without a day. */
  private evictedThrough: number | null = null;
  private readonly evictedKeys = new Set<string>();
  /** Scopes and ids dropped to stay within `maxIds`, over the life of the index. */
  evictedScopes = 0;
  evictedIds = 0;

  constructor(
    readonly windowDays: number,
    readonly maxIds: number = DEFAULT_DEDUP_MAX_IDS,
  ) {
    if (!(Number.isSafeInteger(maxIds) && maxIds >= 0)) {
      throw new Error(`dedupMaxIds: ${maxIds} is not a non-negative integer`);
    }
  }

  /** Scopes held (for tests and logs). */
  get size(): number {
    return this.scopes.size;
  }

  /** Brings the index to the table's current snapshot (rebinding if its spec or schema changed). */
  async sync(table: LoadedTable): Promise<void> {
    const m = table.metadata;
    const binding = `${m['default-spec-id']}/${m['current-schema-id']}`;
    if (binding !== this.bindingKey) {
      const spec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id']);
      if (!spec) throw new Error(`${table.metadataLocation}: default spec ${m['default-spec-id']} is missing`);
      this.fields = bindPartitionSpec(spec, currentSchema(m));
      this.timeField = this.fields.findIndex((f) => ['year', 'month', 'day', 'hour'].includes(f.transform.kind));
      this.bindingKey = binding;
      this.reset();
    }
    const current = currentId(table);
    if (this.synced && current === this.snapshotId) return;
    if (!this.synced || this.scopes.size === 0) {
      this.snapshotId = current;
      this.synced = true;
      this.scopes.clear();
      return;
    }
    let tasks: FileScanTask[];
    try {
      tasks = await planIncremental(table, { fromSnapshotId: this.snapshotId, toSnapshotId: current });
    } catch {
      // History expired or rewritten (overwrite/delete): forget everything and reload scopes on demand.
      this.reset();
      this.snapshotId = current;
      this.synced = true;
      return;
    }
    await this.read(
      table,
      tasks.filter((t) => this.scopes.has(partitionKey(this.fields, t.file.partition))),
    );
    this.snapshotId = current;
  }

  /**
   * The scope key of a silver row: its partition tuple as a string. Rows of one batch mostly share their
   * partition (one day), so the key of a single-field spec is reused while the value repeats.
   */
  scopeKey(row: Record<string, unknown>): string {
    if (this.fields.length !== 1) return tupleKey(this.fields.map((f) => f.apply(f.get(row))));
    const f = this.fields[0]!;
    const v = f.apply(f.get(row));
    if (v !== this.lastValue || this.lastKey === undefined) {
      this.lastValue = v;
      this.lastKey = keyPart(v) + '\u0001';
    }
    return this.lastKey;
  }

  /** Whether the scope is indexed (loaded, and inside the window when last pruned). */
  holds(scopeKey: string): boolean {
    return this.scopes.has(scopeKey);
  }

  /** Drops the scopes older than the window behind `watermarkUs` (a batch calls it when it starts). */
  prune(watermarkUs: number | null): void {
    if (watermarkUs === null) return;
    const minDay = Math.floor(watermarkUs / DAY_US) - this.windowDays;
    for (const [k, s] of this.scopes) if (s.day !== null && s.day < minDay) this.scopes.delete(k);
  }

  /** The scope of a silver row. */
  scopeOf(row: Record<string, unknown>): Scope {
    const values = this.fields.map((f) => f.apply(f.get(row)));
    let day: number | null = null;
    if (this.timeField >= 0) day = toDay(this.fields[this.timeField]!.transform.kind, values[this.timeField]);
    return { key: tupleKey(values), day, values };
  }

  /**
   * Whether a scope is not indexed: older than the window behind `watermarkUs`, or (at or before) a scope
   * evicted for the cap.
   */
  outsideWindow(scope: Scope, watermarkUs: number | null): boolean {
    if (scope.day === null) return this.evictedKeys.has(scope.key);
    if (this.evictedThrough !== null && scope.day <= this.evictedThrough) return true;
    if (watermarkUs === null) return false;
    return scope.day < Math.floor(watermarkUs / DAY_US) - this.windowDays;
  }

  /** Loads the scopes not held yet from the table's current snapshot; drops scopes behind the window. */
  async load(table: LoadedTable, scopes: Scope[], watermarkUs: number | null): Promise<void> {
    this.prune(watermarkUs);
    const missing = new Map<string, Scope>();
    for (const s of scopes) if (!this.scopes.has(s.key) && !this.outsideWindow(s, watermarkUs)) missing.set(s.key, s);
    if (missing.size === 0) return;
    for (const s of missing.values()) this.scopes.set(s.key, { day: s.day, ids: new IdTable(), seq: this.loads++ });
    if (this.snapshotId === undefined) return;
    const plan = await planFiles(table, { snapshotId: this.snapshotId, filter: this.filterFor([...missing.values()]) });
    const specId = table.metadata['default-spec-id'];
    await this.read(
      table,
      plan.tasks.filter((t) => t.specId === specId && missing.has(partitionKey(this.fields, t.file.partition))),
    );
  }

  /** The coordinate event_id landed with in this scope, if indexed. */
  lookup(scopeKey: string, eventId: string): number | undefined {
    return this.scopes.get(scopeKey)?.ids.get(eventId);
  }

  /**
   * Records a commit of this process: its rows (parallel arrays: scope key, event_id, coordinate) join the
   * index; the snapshot advances if it follows ours.
   */
  committed(parentSnapshotId: bigint | undefined, snapshotId: bigint, rows: LandedIds): void {
    let key: string | undefined;
    let s: ScopeIds | undefined;
    for (let i = 0; i < rows.ids.length; i++) {
      const k = rows.scopes[i]!;
      if (k !== key) s = this.scopes.get((key = k));
      if (s) s.ids.add(rows.ids[i]!, rows.coords[i]!);
    }
    this.enforceCap();
    if (this.synced && parentSnapshotId === this.snapshotId) this.snapshotId = snapshotId;
  }

  /** Indexed event_ids over all scopes (for logs and the memory figures in docs/benchmarks.md). */
  get ids(): number {
    let n = 0;
    for (const s of this.scopes.values()) n += s.ids.size;
    return n;
  }

  /** Bytes of the typed arrays over all scopes (the index's footprint but a few object headers). */
  get byteLength(): number {
    let n = 0;
    for (const s of this.scopes.values()) n += s.ids.byteLength;
    return n;
  }

  /** Drops the oldest scopes (by day, then load order) while more than `maxIds` ids are held; counts them. */
  private enforceCap(): void {
    let held = this.ids;
    while (held > this.maxIds) {
      let oldestKey: string | undefined;
      let oldest: ScopeIds | undefined;
      for (const [k, s] of this.scopes) {
        if (!oldest || older(s, oldest)) {
          oldest = s;
          oldestKey = k;
        }
      }
      if (!oldest || oldestKey === undefined) return;
      this.scopes.delete(oldestKey);
      held -= oldest.ids.size;
      this.evictedScopes++;
      this.evictedIds += oldest.ids.size;
      if (oldest.day === null) this.evictedKeys.add(oldestKey);
      else this.evictedThrough = Math.max(this.evictedThrough ?? oldest.day, oldest.day);
    }
  }

  private reset(): void {
    this.scopes.clear();
    this.evictedThrough = null;
    this.evictedKeys.clear();
    this.lastKey = undefined;
    this.synced = false;
    this.snapshotId = undefined;
  }

  /** Prunes the plan by the time ranges of the scopes (the partition tuple match is exact afterwards). */
  private filterFor(scopes: Scope[]): Filter | undefined {
    if (this.timeField < 0) return undefined;
    const f = this.fields[this.timeField]!;
    if (f.transform.kind !== 'day' && f.transform.kind !== 'hour') return undefined;
    const unit = f.transform.kind === 'day' ? DAY_US : 3_600_000_000;
    const values = scopes.map((s) => s.values[this.timeField]).filter((v): v is number => typeof v === 'number');
    if (values.length !== scopes.length) return undefined;
    return and(gte(f.sourceName, Math.min(...values) * unit), lt(f.sourceName, (Math.max(...values) + 1) * unit));
  }

  private async read(table: LoadedTable, tasks: FileScanTask[]): Promise<void> {
    const schema = currentSchema(table.metadata);
    const columns = ['event_id', 'kafka_partition', 'kafka_offset'];
    for (const task of tasks) {
      const rows = await readTaskRows(table.io, task, schema, { columns });
      // Looked up after the read: the cap may have evicted the scope meanwhile.
      const scope = this.scopes.get(partitionKey(this.fields, task.file.partition));
      if (!scope) continue;
      for (const r of rows) {
        const id = r.event_id;
        if (typeof id !== 'string') continue;
        const p = r.kafka_partition;
        const o = r.kafka_offset;
        scope.ids.add(id, p === null || o === null ? -1 : coordinate(Number(p), Number(o)));
      }
      this.enforceCap();
    }
  }
}

function older(a: ScopeIds, b: ScopeIds): boolean {
  const da = a.day ?? -Infinity;
  const db = b.day ?? -Infinity;
  return da < db || (da === db && a.seq < b.seq);
}

function currentId(table: LoadedTable): bigint | undefined {
  const id = table.metadata['current-snapshot-id'];
  return id === undefined || id === null || id === -1n ? undefined : id;
}

function keyPart(v: unknown): string {
  if (v === null || v === undefined) return '\u0000';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return String(v);
}

function tupleKey(values: unknown[]): string {
  let k = '';
  for (const v of values) k += keyPart(v) + '\u0001';
  return k;
}

function partitionKey(fields: BoundPartitionField[], partition: PartitionValues): string {
  return tupleKey(fields.map((f) => partition[f.name]));
}

function toDay(kind: string, v: unknown): number | null {
  if (typeof v !== 'number') return null;
  if (kind === 'day') return v;
  if (kind === 'hour') return Math.floor(v / 24);
  if (kind === 'month') return daysFromCivil(1970 + Math.floor(v / 12), (((v % 12) + 12) % 12) + 1, 1);
  return daysFromCivil(1970 + v, 1, 1);
}

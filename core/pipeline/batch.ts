// Batch: records in (any number of add() calls), one commit out. For each record, in order:
//   decode -> validate -> route; then per target table: skip it if the table's committed offsets cover it, or
//   bronze's do (bronze commits last: exactly-once.ts), skip a silver event whose event_id already landed under another coordinate (dedup.ts),
//   flag it late against the table's watermark (late.ts), and hand the rows to the table's writer (write.ts).
// commit() closes the writers and commits every table (bronze last) and returns the reconciled counts:
//   recordsIn = landed + quarantined + duplicates + alreadyCommitted      (silver / quarantine view)
//   recordsIn = bronze.landed + bronze.alreadyCommitted                   (bronze view)
// A Lambda invocation is one batch; the ECS consumer adds fetches until its flush size or interval.
import type { EventContract, HashPii, Row } from '../contracts/index.js';
import type { DataFile } from '../iceberg/spec/manifest.js';
import type { PipelineRecord } from './decode.js';
import { decodeRecord } from './decode.js';
import type { RecordValidator } from './validate.js';
import type { Router, SilverMeta } from './route.js';
import type { DedupIndex, LandedIds } from './dedup.js';
import { coordinate } from './dedup.js';
import { isLate } from './late.js';
import { TableWriter } from './write.js';
import type { TableWriterOptions } from './write.js';
import type { TableHandle, Tables } from './tables.js';
import type { FaultInjector } from './faults.js';
import type { Offsets, TableCommit } from './exactly-once.js';
import { commitInOrder, getOffset, latenessHistory, latenessWatermarkAt } from './exactly-once.js';

export interface TableResult {
  rows: number;
  files: number;
  bytes: number;
  /** The snapshot this batch committed (null: nothing to commit). */
  snapshotId: string | null;
  commitLatencyMs: number;
  /** Catalog commit attempts for this table (1: no conflict; each concurrent writer's commit first adds one). */
  commitAttempts: number;
}

export interface BatchResult {
  recordsIn: number;
  /** Bytes of the record values. */
  bytesIn: number;
  /** Events that landed in silver (one per event; child rows are in `tables`). */
  landed: number;
  quarantined: number;
  /** Events skipped because their event_id already landed (in the table or earlier in the batch). */
  duplicates: number;
  /** Landed events flagged late. */
  late: number;
  /**
   * Valid events (landed or not) that carried keys their contract does not declare: ignored (silver has no
   * column for them; bronze keeps the raw payload). A rising count means producers send fields worth modelling.
   */
  unknownFields: number;
  /** Records their silver or quarantine table had already committed (a replay after a crash or retry). */
  alreadyCommitted: number;
  /**
   * Dedup scopes (silver table days) dropped during this batch because a table's index reached `dedupMaxIds`:
   * duplicates landing there are caught within their batch only. Anything above 0 means the cap is too low.
   */
  dedupScopesEvicted: number;
  bronze: { landed: number; alreadyCommitted: number };
  /** Quarantined records per reason code. */
  reasons: Record<string, number>;
  /** Per table (contracts name, e.g. `silver.order_created`) that received rows. */
  tables: Record<string, TableResult>;
  /** Highest offset of the batch per topic and partition: once commit() returns, the consumer's checkpoint. */
  offsets: Record<string, Record<number, number>>;
  /** Wall time of the commit phase (all tables), and the whole batch. */
  commitLatencyMs: number;
  durationMs: number;
}

/** What a batch shares with its pipeline (built once per process). */
export interface BatchContext {
  tables: Tables;
  router: Router;
  validate: RecordValidator;
  hashPii: HashPii;
  allowedLatenessUs: number;
  writerOptions: TableWriterOptions;
  fault: FaultInjector;
  commitAttempts: number;
  clock: () => number;
}

/** A table this batch writes: its handle and writer, and what the table had committed when the batch opened it. */
interface Target {
  name: string;
  handle: TableHandle;
  writer: TableWriter;
  /** The table's committed offsets when the batch opened it. */
  expected: Offsets;
  /** Silver tables: the watermark lateness is flagged against (the one the batch started from). */
  watermark: number | null;
}

/** A silver table: also its dedup index and this batch's event_ids. */
interface SilverTarget extends Target {
  dedup: DedupIndex;
  /** event_id -> coordinate, for events of this batch that landed or were already committed. */
  seen: Map<string, number>;
  /** What landed (joins the dedup index once committed). */
  landed: LandedIds;
  /** The index's eviction count when the batch opened the table. */
  evictedBefore: number;
  maxEventTime: number;
}

/** Where the events of one type go. */
interface EventRoute {
  silver: SilverTarget;
  /** In the order of the contract's children (conform() returns them in that order). */
  children: Target[];
}

/** One topic-partition of the batch: the highest offset taken, its bronze table, and per table its committed offset. */
interface Cursor {
  topic: string;
  partition: number;
  taken: number;
  bronze: Target;
  committed: Map<Target, number>;
}

export class Batch {
  private state: 'open' | 'committing' | 'done' | 'failed' = 'open';
  private readonly started: number;
  private readonly ingestTimeUs: number;
  /** Tables opened by this batch (refreshed once). */
  private readonly targets = new Map<string, Target>();
  private readonly routes = new Map<string, EventRoute>();
  private readonly cursors = new Map<string, Map<number, Cursor>>();
  private cursor: Cursor | undefined;
  private quarantine: Target | undefined;
  private readonly draining = new Set<TableWriter>();
  private readonly replayLateness = new Map<string, [number, number | null][]>();
  /** The silver system values of the event being placed (conform() copies them; one object for the batch). */
  private readonly meta: SilverMeta;
  private readonly counts = {
    recordsIn: 0,
    bytesIn: 0,
    landed: 0,
    quarantined: 0,
    duplicates: 0,
    late: 0,
    unknownFields: 0,
    alreadyCommitted: 0,
    bronzeLanded: 0,
    bronzeAlready: 0,
  };
  private readonly reasons: Record<string, number> = {};

  constructor(private readonly ctx: BatchContext) {
    this.started = performance.now();
    this.ingestTimeUs = Math.floor(ctx.clock() * 1000);
    this.meta = { ingest_time: this.ingestTimeUs, is_late: false, kafka_partition: 0, kafka_offset: 0 };
  }

  /** Records added so far, and the bytes of their values (for the ECS flush decision). */
  get records(): number {
    return this.counts.recordsIn;
  }

  get bytes(): number {
    return this.counts.bytesIn;
  }

  /**
   * Decodes, validates and routes the records and hands their rows to the writers, one record at a time (each is
   * validated right after it is parsed, and its parsed event is garbage before the next one is read). Records of
   * one partition must come in offset order across calls; a record at or below an offset this batch already took
   * is ignored (a redelivery) and counted as already committed. Any iterable works: `mskRecords(event)` decodes
   * each record only when it is reached.
   */
  async add(records: Iterable<PipelineRecord>): Promise<void> {
    if (this.state !== 'open') throw new Error(`batch is ${this.state}: add() after commit()`);
    try {
      const clockMs = this.ctx.clock();
      for (const r of records) {
        await this.place(r, clockMs);
        if (this.draining.size > 0) await this.drain();
      }
    } catch (e) {
      this.state = 'failed';
      throw e;
    }
  }

  /**
   * Decides and writes the rows of one record. Synchronous unless a table, an event type or a dedup scope is
   * met for the first time in the batch (then it is opened or loaded first).
   */
  private async place(r: PipelineRecord, clockMs: number): Promise<void> {
    const c = this.counts;
    const cur = this.cursorOf(r) ?? (await this.openCursor(r));
    c.recordsIn++;
    c.bytesIn += r.value === null ? 0 : r.value.length;
    if (r.offset <= cur.taken) {
      c.alreadyCommitted++;
      c.bronzeAlready++;
      return;
    }
    cur.taken = r.offset;
    // At or below bronze's checkpoint: already in every table it belongs to, since bronze commits last
    // (exactly-once.ts). Skipped offsets (skip-offsets.ts) rely on it: their real records, should they ever be
    // read, are in no other table and must not land there. Such a record still goes through the steps below (a
    // valid event's event_id must be seen by the batch's dedup), it just writes nothing.
    const inBronze = this.covered(cur.bronze, cur, r.offset);

    const d = decodeRecord(r);
    const verdict = this.ctx.validate(d, clockMs);
    const router = this.ctx.router;
    if (!verdict.ok) {
      if (inBronze) c.bronzeAlready++;
      else {
        this.write(cur.bronze, router.bronzeRow(d, this.ingestTimeUs));
        c.bronzeLanded++;
      }
      const q = this.quarantine ?? (this.quarantine = await this.open(router.quarantineTable));
      if (inBronze || this.covered(q, cur, r.offset)) c.alreadyCommitted++;
      else {
        this.write(q, router.quarantineRow(d, verdict.code, verdict.errors, this.ingestTimeUs));
        c.quarantined++;
        this.reasons[verdict.code] = (this.reasons[verdict.code] ?? 0) + 1;
      }
      return;
    }

    if (verdict.unknownFields) c.unknownFields++;
    const route = this.routes.get(verdict.contract.eventType) ?? (await this.openRoute(verdict.contract));
    const silver = route.silver;
    const already = inBronze || this.covered(silver, cur, r.offset);
    const meta = this.meta;
    meta.kafka_partition = r.partition;
    meta.kafka_offset = r.offset;
    const conformed = router.silverRows(verdict.event, meta, this.ctx.hashPii);
    const row = conformed.row;
    const eventTimeUs = row.event_time as number;
    // The starting watermark; for a replayed record, the one its silver row was flagged against.
    const watermark = already ? this.replayWatermark(silver.handle, r) : silver.watermark;
    const late = isLate(eventTimeUs, watermark, this.ctx.allowedLatenessUs);
    if (late) {
      row.is_late = true;
      for (const child of conformed.children) for (const childRow of child.rows) childRow.is_late = true;
    }

    if (inBronze) c.bronzeAlready++;
    else {
      this.write(cur.bronze, router.bronzeRow(d, this.ingestTimeUs, row));
      c.bronzeLanded++;
    }

    const dedup = silver.dedup;
    const scopeKey = dedup.scopeKey(row);
    if (!dedup.holds(scopeKey)) {
      const scope = dedup.scopeOf(row);
      if (!dedup.outsideWindow(scope, silver.watermark)) {
        await dedup.load(silver.handle.table, [scope], silver.watermark);
      }
    }
    const eventId = row.event_id as string;
    const coord = coordinate(r.partition, r.offset);
    const inBatch = silver.seen.get(eventId);
    const prior = inBatch ?? dedup.lookup(scopeKey, eventId);
    if (prior !== undefined && prior !== coord) {
      if (already) c.alreadyCommitted++;
      else c.duplicates++;
      return;
    }
    if (inBatch === undefined) silver.seen.set(eventId, coord);
    if (already) c.alreadyCommitted++;
    else {
      this.write(silver, row);
      c.landed++;
      if (late) c.late++;
      if (eventTimeUs > silver.maxEventTime) silver.maxEventTime = eventTimeUs;
      silver.landed.scopes.push(scopeKey);
      silver.landed.ids.push(eventId);
      silver.landed.coords.push(coord);
    }
    for (let i = 0; i < route.children.length; i++) {
      const rows = conformed.children[i]!.rows;
      const child = route.children[i]!;
      if (rows.length === 0 || inBronze || this.covered(child, cur, r.offset)) continue;
      for (const childRow of rows) this.write(child, childRow);
    }
  }

  private async drain(): Promise<void> {
    const ws = [...this.draining];
    this.draining.clear();
    await Promise.all(ws.map((w) => w.drain()));
  }

  /** Whether `t` committed this record (of the cursor's partition) before the batch opened it. */
  private covered(t: Target, cur: Cursor, offset: number): boolean {
    let o = cur.committed.get(t);
    if (o === undefined) cur.committed.set(t, (o = getOffset(t.expected, cur.topic, cur.partition)));
    return offset <= o;
  }

  private write(t: Target, row: Row): void {
    t.writer.write(row);
    if (t.writer.needsDrain) this.draining.add(t.writer);
  }

  /** The cursor of the record's partition, if open (records of a partition come in runs: the last one is kept). */
  private cursorOf(r: PipelineRecord): Cursor | undefined {
    const last = this.cursor;
    if (last !== undefined && last.partition === r.partition && last.topic === r.topic) return last;
    const c = this.cursors.get(r.topic)?.get(r.partition);
    if (c) this.cursor = c;
    return c;
  }

  private async openCursor(r: PipelineRecord): Promise<Cursor> {
    const name = this.ctx.router.bronzeTable(r.topic);
    if (name === undefined) {
      throw new Error(
        `topic ${JSON.stringify(r.topic)} is not declared in glue-schemas/topics.json: no bronze table to land it in`,
      );
    }
    const bronze = await this.open(name);
    const c: Cursor = { topic: r.topic, partition: r.partition, taken: -1, bronze, committed: new Map() };
    let parts = this.cursors.get(r.topic);
    if (!parts) this.cursors.set(r.topic, (parts = new Map()));
    parts.set(r.partition, c);
    this.cursor = c;
    return c;
  }

  private async openRoute(contract: EventContract): Promise<EventRoute> {
    const [silver, ...children] = await Promise.all([
      this.open(contract.table.qualifiedName),
      ...contract.children.map((c) => this.open(c.table.qualifiedName)),
    ]);
    const route: EventRoute = { silver: silver as SilverTarget, children };
    this.routes.set(contract.eventType, route);
    return route;
  }

  /** Opens (refreshes) a table the first time the batch needs it; remembers its offsets and watermark. */
  private async open(name: string): Promise<Target> {
    const known = this.targets.get(name);
    if (known) return known;
    const handle = await this.ctx.tables.open(name);
    await this.ctx.tables.refresh(handle);
    const { offsets, watermark } = handle.state;
    const evictedBefore = handle.dedup?.evictedScopes ?? 0;
    if (handle.dedup) {
      await handle.dedup.sync(handle.table);
      handle.dedup.prune(watermark);
    }
    const writer = await TableWriter.open(name, handle.table, this.ctx.writerOptions);
    const t: Target = { name, handle, writer, expected: offsets, watermark };
    if (handle.dedup) {
      Object.assign(t, {
        dedup: handle.dedup,
        seen: new Map(),
        landed: { scopes: [], ids: [], coords: [] },
        evictedBefore,
        maxEventTime: -Infinity,
      } satisfies Omit<SilverTarget, keyof Target>);
    }
    // Another open of the same table may have finished first (tables are opened concurrently for a route).
    const again = this.targets.get(name);
    if (again) return again;
    this.targets.set(name, t);
    return t;
  }

  /**
   * The watermark that flagged lateness when a record now replayed first landed in its silver table (so that its
   * child rows, written now, agree with its silver row).
   */
  private replayWatermark(handle: TableHandle, r: PipelineRecord): number | null {
    const key = `${handle.name}\u0000${r.topic}\u0000${r.partition}`;
    let history = this.replayLateness.get(key);
    if (!history)
      this.replayLateness.set(key, (history = latenessHistory(handle.table.metadata, r.topic, r.partition)));
    return latenessWatermarkAt(history, r.offset);
  }

  /** Writes the last files and commits every table (bronze last). The batch cannot be used afterwards. */
  async commit(): Promise<BatchResult> {
    if (this.state !== 'open') throw new Error(`batch is ${this.state}: commit() twice or after a failure`);
    this.state = 'committing';
    try {
      const result = await this.commitTables();
      this.state = 'done';
      return result;
    } catch (e) {
      this.state = 'failed';
      throw e;
    }
  }

  private dedupScopesEvicted(): number {
    let n = 0;
    for (const t of this.targets.values()) {
      if (t.handle.dedup) n += t.handle.dedup.evictedScopes - (t as SilverTarget).evictedBefore;
    }
    return n;
  }

  private async commitTables(): Promise<BatchResult> {
    const targets = [...this.targets.values()];
    const files = new Map<Target, DataFile[]>();
    await Promise.all(targets.map(async (t) => files.set(t, await t.writer.close())));
    const written = targets.filter((t) => files.get(t)!.length > 0);
    this.ctx.fault('after-data-files');

    const consumed: Offsets = new Map();
    for (const [topic, parts] of this.cursors) {
      const m = new Map<number, number>();
      for (const [p, c] of parts) if (c.taken >= 0) m.set(p, c.taken);
      if (m.size > 0) consumed.set(topic, m);
    }
    const commits: TableCommit[] = written.map((t) => {
      const def = t.handle.def;
      const mine: Offsets = new Map();
      for (const [topic, parts] of consumed) if (def.topic === null || def.topic === topic) mine.set(topic, parts);
      const silver = def.kind === 'silver' ? (t as SilverTarget) : undefined;
      return {
        name: t.name,
        table: t.handle.table,
        files: files.get(t)!,
        consumed: mine,
        expected: t.expected,
        watermark: silver
          ? { max: Number.isFinite(silver.maxEventTime) ? silver.maxEventTime : null, applied: t.watermark }
          : undefined,
        last: def.kind === 'bronze',
      };
    });
    const commitStart = performance.now();
    const outcomes = await commitInOrder(commits, {
      catalog: this.ctx.tables.catalog,
      fault: this.ctx.fault,
      attempts: this.ctx.commitAttempts,
    });
    const commitLatencyMs = performance.now() - commitStart;

    const tables: Record<string, TableResult> = {};
    for (const t of written) {
      const f = files.get(t)!;
      tables[t.name] = {
        rows: t.writer.rows,
        files: f.length,
        bytes: f.reduce((n, x) => n + x.file_size_in_bytes, 0),
        snapshotId: null,
        commitLatencyMs: 0,
        commitAttempts: 0,
      };
    }
    for (const o of outcomes) {
      const t = this.targets.get(o.name)!;
      t.handle.update(o.table);
      if (t.handle.dedup) t.handle.dedup.committed(o.parentSnapshotId, o.snapshotId, (t as SilverTarget).landed);
      Object.assign(tables[o.name]!, {
        snapshotId: String(o.snapshotId),
        commitLatencyMs: o.latencyMs,
        commitAttempts: o.attempts,
      });
    }
    this.ctx.fault('before-offset-ack');

    const offsets: Record<string, Record<number, number>> = {};
    for (const [topic, parts] of consumed) offsets[topic] = Object.fromEntries(parts);
    const c = this.counts;
    return {
      recordsIn: c.recordsIn,
      bytesIn: c.bytesIn,
      landed: c.landed,
      quarantined: c.quarantined,
      duplicates: c.duplicates,
      late: c.late,
      unknownFields: c.unknownFields,
      alreadyCommitted: c.alreadyCommitted,
      dedupScopesEvicted: this.dedupScopesEvicted(),
      bronze: { landed: c.bronzeLanded, alreadyCommitted: c.bronzeAlready },
      reasons: { ...this.reasons },
      tables,
      offsets,
      commitLatencyMs,
      durationMs: performance.now() - this.started,
    };
  }
}

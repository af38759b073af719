// Batch: records in (any number of add() calls), one commit out. For each record, in order:
//   decode -> validate -> route; then per target table: skip it if the table's committed offsets cover it
//   (exactly-once.ts), skip a silver event whose event_id already landed under another coordinate (dedup.ts),
//   flag it late against the table's watermark (late.ts), and hand the rows to the table's writer (write.ts).
// commit() closes the writers and commits every table (bronze last) and returns the reconciled counts:
//   recordsIn = landed + quarantined + duplicates + alreadyCommitted      (silver / quarantine view)
//   recordsIn = bronze.landed + bronze.alreadyCommitted                   (bronze view)
// A Lambda invocation is one batch; the ECS consumer adds fetches until its flush size or interval.
import type { EventContract, HashPii, Row } from '../contracts/index.js';
import { parseTimestamptz } from '../contracts/index.js';
import type { DataFile } from '../iceberg/spec/manifest.js';
import type { PipelineRecord, DecodedRecord } from './decode.js';
import { decodeRecord } from './decode.js';
import type { RecordValidator, Verdict } from './validate.js';
import type { Router, SilverMeta } from './route.js';
import type { Scope } from './dedup.js';
import { coordinate } from './dedup.js';
import { isLate } from './late.js';
import { TableWriter } from './write.js';
import type { TableWriterOptions } from './write.js';
import type { TableHandle, Tables } from './tables.js';
import type { FaultInjector } from './faults.js';
import type { Offsets, TableCommit } from './exactly-once.js';
import { commitInOrder, getOffset, latenessHistory, latenessWatermarkAt, setMax } from './exactly-once.js';

export interface TableResult {
  rows: number;
  files: number;
  bytes: number;
  /** The snapshot this batch committed (null: nothing to commit). */
  snapshotId: string | null;
  commitLatencyMs: number;
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
  /** Records their silver or quarantine table had already committed (a replay after a crash or retry). */
  alreadyCommitted: number;
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

interface Candidate {
  d: DecodedRecord;
  verdict: Verdict;
  /** Valid events: the silver table, its conformed rows and dedup scope. */
  silver?: {
    handle: TableHandle;
    contract: EventContract;
    meta: SilverMeta;
    row: Row;
    children: { table: string; rows: Row[] }[];
    scope: Scope;
  };
}

/** Records decoded and routed together inside add(). */
const SLICE = 1000;

export class Batch {
  private state: 'open' | 'committing' | 'done' | 'failed' = 'open';
  private readonly started: number;
  private readonly ingestTimeUs: number;
  private readonly consumed: Offsets = new Map();
  /** Tables touched by this batch, refreshed once, with the offsets they had then. */
  private readonly touched = new Map<string, { handle: TableHandle; expected: Offsets; watermark: number | null }>();
  private readonly writers = new Map<string, TableWriter>();
  /** Silver table -> event_id -> coordinate, for events of this batch that landed or were already committed. */
  private readonly seen = new Map<string, Map<string, number>>();
  /** Silver table -> rows landed (scope key, event_id, coordinate), for the dedup index after the commit. */
  private readonly landedIds = new Map<string, [string, string, number][]>();
  private readonly maxEventTime = new Map<string, number>();
  private readonly replayLateness = new Map<string, [number, number | null][]>();
  private readonly counts = {
    recordsIn: 0,
    bytesIn: 0,
    landed: 0,
    quarantined: 0,
    duplicates: 0,
    late: 0,
    alreadyCommitted: 0,
    bronzeLanded: 0,
    bronzeAlready: 0,
  };
  private readonly reasons: Record<string, number> = {};

  constructor(private readonly ctx: BatchContext) {
    this.started = performance.now();
    this.ingestTimeUs = Math.floor(ctx.clock() * 1000);
  }

  /** Records added so far, and the bytes of their values (for the ECS flush decision). */
  get records(): number {
    return this.counts.recordsIn;
  }

  get bytes(): number {
    return this.counts.bytesIn;
  }

  /**
   * Decodes, validates and routes the records and hands their rows to the writers. Records of one partition
   * must come in offset order across calls; a record at or below an offset this batch already took is ignored
   * (a redelivery) and counted as already committed.
   */
  async add(records: PipelineRecord[]): Promise<void> {
    if (this.state !== 'open') throw new Error(`batch is ${this.state}: add() after commit()`);
    try {
      // In slices, so that only one slice's parsed events and conformed rows are alive at once.
      for (let i = 0; i < records.length; i += SLICE) await this.addRecords(records.slice(i, i + SLICE));
    } catch (e) {
      this.state = 'failed';
      throw e;
    }
  }

  private async addRecords(records: PipelineRecord[]): Promise<void> {
    const { router, validate } = this.ctx;
    const clockMs = this.ctx.clock();
    const candidates: Candidate[] = [];
    const needed = new Set<string>();
    for (const r of records) {
      const bronze = router.bronzeTable(r.topic);
      if (bronze === undefined) {
        throw new Error(
          `topic ${JSON.stringify(r.topic)} is not declared in glue-schemas/topics.json: no bronze table to land it in`,
        );
      }
      needed.add(bronze);
      const d = decodeRecord(r);
      const verdict = validate(d, clockMs);
      if (verdict.ok) {
        needed.add(verdict.contract.table.qualifiedName);
        for (const c of verdict.contract.children) needed.add(c.table.qualifiedName);
      } else {
        needed.add(router.quarantineTable);
      }
      candidates.push({ d, verdict });
    }
    await this.touch([...needed]);

    // Conform valid events (lateness needs the table's watermark), then load the dedup scopes they fall in.
    const scopes = new Map<TableHandle, Scope[]>();
    for (const c of candidates) {
      if (!c.verdict.ok) continue;
      const contract = c.verdict.contract;
      const t = this.touched.get(contract.table.qualifiedName)!;
      const r = c.d.record;
      const alreadyIn = r.offset <= getOffset(t.expected, r.topic, r.partition);
      const watermark = alreadyIn ? this.replayWatermark(t.handle, r) : t.watermark;
      const eventTimeUs = eventTime(c.verdict.event);
      const meta: SilverMeta = {
        ingest_time: this.ingestTimeUs,
        is_late: isLate(eventTimeUs, watermark, this.ctx.allowedLatenessUs),
        kafka_partition: r.partition,
        kafka_offset: r.offset,
      };
      const conformed = router.silverRows(c.verdict.event, meta, this.ctx.hashPii);
      const scope = t.handle.dedup!.scopeOf(conformed.row);
      c.silver = { handle: t.handle, contract, meta, row: conformed.row, children: conformed.children, scope };
      let list = scopes.get(t.handle);
      if (!list) scopes.set(t.handle, (list = []));
      list.push(scope);
    }
    await Promise.all(
      [...scopes].map(([h, list]) => h.dedup!.load(h.table, list, this.touched.get(h.name)!.watermark)),
    );

    for (const c of candidates) {
      this.place(c);
      if (this.draining.size > 0) await this.drain();
    }
  }

  private readonly draining = new Set<TableWriter>();

  private async drain(): Promise<void> {
    const ws = [...this.draining];
    this.draining.clear();
    await Promise.all(ws.map((w) => w.drain()));
  }

  /** Decides and writes the rows of one record. */
  private place(c: Candidate): void {
    const r = c.d.record;
    this.counts.recordsIn++;
    this.counts.bytesIn += c.d.bytes;
    if (r.offset <= getOffset(this.consumed, r.topic, r.partition)) {
      this.counts.alreadyCommitted++;
      this.counts.bronzeAlready++;
      return;
    }
    setMax(this.consumed, r.topic, r.partition, r.offset);

    const bronze = this.ctx.router.bronzeTable(r.topic)!;
    if (this.covered(bronze, r)) this.counts.bronzeAlready++;
    else {
      this.write(bronze, this.ctx.router.bronzeRow(c.d, this.ingestTimeUs));
      this.counts.bronzeLanded++;
    }

    if (!c.verdict.ok) {
      const q = this.ctx.router.quarantineTable;
      if (this.covered(q, r)) this.counts.alreadyCommitted++;
      else {
        this.write(q, this.ctx.router.quarantineRow(c.d, c.verdict.code, c.verdict.errors, this.ingestTimeUs));
        this.counts.quarantined++;
        this.reasons[c.verdict.code] = (this.reasons[c.verdict.code] ?? 0) + 1;
      }
      return;
    }

    const s = c.silver!;
    const name = s.handle.name;
    const eventId = c.verdict.event.event_id as string;
    const coord = coordinate(r.partition, r.offset);
    let seen = this.seen.get(name);
    if (!seen) this.seen.set(name, (seen = new Map()));
    const prior = seen.get(eventId) ?? s.handle.dedup!.lookup(s.scope.key, eventId);
    const already = this.covered(name, r);
    if (prior !== undefined && prior !== coord) {
      if (already) this.counts.alreadyCommitted++;
      else this.counts.duplicates++;
      return;
    }
    if (!seen.has(eventId)) seen.set(eventId, coord);
    if (already) this.counts.alreadyCommitted++;
    else {
      this.write(name, s.row);
      this.counts.landed++;
      if (s.meta.is_late) this.counts.late++;
      const et = s.row.event_time as number;
      if (et > (this.maxEventTime.get(name) ?? -Infinity)) this.maxEventTime.set(name, et);
      let ids = this.landedIds.get(name);
      if (!ids) this.landedIds.set(name, (ids = []));
      ids.push([s.scope.key, eventId, coord]);
    }
    for (const child of s.children) {
      if (child.rows.length === 0 || this.covered(child.table, r)) continue;
      for (const row of child.rows) this.write(child.table, row);
    }
  }

  /** Whether `table` committed this record before the batch started. */
  private covered(table: string, r: PipelineRecord): boolean {
    return r.offset <= getOffset(this.touched.get(table)!.expected, r.topic, r.partition);
  }

  private write(table: string, row: Row): void {
    const w = this.writers.get(table)!;
    w.write(row);
    if (w.needsDrain) this.draining.add(w);
  }

  /** Opens and refreshes the tables first touched now; remembers their offsets and watermark. */
  private async touch(names: string[]): Promise<void> {
    const fresh = names.filter((n) => !this.touched.has(n));
    await Promise.all(
      fresh.map(async (name) => {
        const handle = await this.ctx.tables.open(name);
        await this.ctx.tables.refresh(handle);
        await handle.dedup?.sync(handle.table);
        this.writers.set(name, await TableWriter.open(name, handle.table, this.ctx.writerOptions));
        this.touched.set(name, { handle, expected: handle.state.offsets, watermark: handle.state.watermark });
      }),
    );
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

  private async commitTables(): Promise<BatchResult> {
    const files = new Map<string, DataFile[]>();
    await Promise.all([...this.writers].map(async ([n, w]) => files.set(n, await w.close())));
    const names = [...this.writers.keys()].filter((n) => files.get(n)!.length > 0);
    this.ctx.fault('after-data-files');

    const commits: TableCommit[] = names.map((name) => {
      const t = this.touched.get(name)!;
      const def = t.handle.def;
      const consumed: Offsets = new Map();
      for (const [topic, parts] of this.consumed) {
        if (def.topic === null || def.topic === topic) consumed.set(topic, new Map(parts));
      }
      return {
        name,
        table: t.handle.table,
        files: files.get(name)!,
        consumed,
        expected: t.expected,
        watermark:
          def.kind === 'silver' ? { max: this.maxEventTime.get(name) ?? null, applied: t.watermark } : undefined,
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
    for (const name of names) {
      const f = files.get(name)!;
      tables[name] = {
        rows: this.writers.get(name)!.rows,
        files: f.length,
        bytes: f.reduce((n, x) => n + x.file_size_in_bytes, 0),
        snapshotId: null,
        commitLatencyMs: 0,
        commitAttempts: 0,
      };
    }
    for (const o of outcomes) {
      const t = this.touched.get(o.name)!;
      t.handle.update(o.table);
      t.handle.dedup?.committed(o.parentSnapshotId, o.snapshotId, this.landedIds.get(o.name) ?? []);
      Object.assign(tables[o.name]!, {
        snapshotId: String(o.snapshotId),
        commitLatencyMs: o.latencyMs,
        commitAttempts: o.attempts,
      });
    }
    this.ctx.fault('before-offset-ack');

    const offsets: Record<string, Record<number, number>> = {};
    for (const [topic, parts] of this.consumed) offsets[topic] = Object.fromEntries(parts);
    const c = this.counts;
    return {
      recordsIn: c.recordsIn,
      bytesIn: c.bytesIn,
      landed: c.landed,
      quarantined: c.quarantined,
      duplicates: c.duplicates,
      late: c.late,
      alreadyCommitted: c.alreadyCommitted,
      bronze: { landed: c.bronzeLanded, alreadyCommitted: c.bronzeAlready },
      reasons: { ...this.reasons },
      tables,
      offsets,
      commitLatencyMs,
      durationMs: performance.now() - this.started,
    };
  }
}

function eventTime(event: Record<string, unknown>): number {
  // The validator proved event_time is a timestamptz; conform() gives the same micros.
  return parseTimestamptz(event.event_time as string);
}

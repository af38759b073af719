// runLocal (the template of this folder: one exported operation, its options and result beside it): the whole
// lakehouse on one machine. A producer thread generates events and groups them into the MSK events Lambda's event
// source mapping delivers (msk-events.ts: one topic per event, base64, at most --batch-size records and 6 MB); each
// event goes through the same core the ingest Lambda runs: fromMskEvent -> pipeline.process (decode, validate, route,
// dedup, write Parquet, commit bronze/silver/quarantine exactly once) on a LocalCatalog (Hadoop layout).
//
// It then reconciles, from the pipeline's counts AND from the tables' own snapshot totals:
//   in = generated = bronze = silver + quarantined + duplicate-skipped, and every table grew by what was reported.
// On a warehouse that already holds data the run continues the stream (stream-position.ts): new offsets after
// each partition's checkpoint, the simulated clock after the silver watermark, and (without a seed) a new seed.
import path from 'node:path';
import type { GenerationStats } from '../generator/generate-events.js';
import type { GenerateOptionsInput } from '../generator/options.js';
import { DEFAULT_OPTIONS } from '../generator/options.js';
import { LocalCatalog } from '../iceberg/catalog/local-catalog.js';
import { createPipeline, fromMskEvent, loadOrCreateDevSalt, loadPiiSalt, settingsFromEnv } from '../pipeline/index.js';
import type { BatchResult, Pipeline, SaltSource } from '../pipeline/index.js';
import { LOCAL_SALT_FILE, checkWarehouseDir, resetWarehouse } from './reset-warehouse.js';
import { streamPosition } from './stream-position.js';
import { startProducer } from './producer-thread.js';
import type { Producer } from './producer-thread.js';
import { reconcile } from './reconcile.js';
import type { Reconciliation } from './reconcile.js';
import type { TableDef } from '../contracts/index.js';
import { tableStats } from './table-stats.js';
import type { TableStats } from './table-stats.js';

export const DEFAULT_WAREHOUSE = '.shoplake/warehouse';
export const DEFAULT_EVENTS = 200_000;
/** Records per MSK event: prod's event source mapping BatchSize (lib/config/prod.ts). */
export const DEFAULT_BATCH_SIZE = 10_000;

export interface LocalRunOptions {
  /** Warehouse directory (created if missing). */
  warehouse: string;
  events?: number;
  /** Default: the generator's seed (42) on an empty warehouse; on a warehouse with data, 42 + records consumed. */
  seed?: number;
  /** Records per MSK event (1..10000). */
  batchSize?: number;
  /** Empty the warehouse first (refused when it holds anything but tables). */
  reset?: boolean;
  /** The pipeline's dedupMaxIds: most event_ids one silver table's dedup index holds (default: the pipeline's). */
  dedupMaxIds?: number;
  /** Further generator knobs (days, shops, partitions, shares of late, duplicate and bad records…). */
  generator?: Omit<GenerateOptionsInput, 'seed' | 'events' | 'start'>;
  /**
   * Environment (default process.env) for what the deployed consumers also read: SHOPLAKE_PII_SALT(_FILE),
   * SHOPLAKE_NAMESPACE_BRONZE/_SILVER/_OPS, SHOPLAKE_ALLOWED_LATENESS_SECONDS, SHOPLAKE_DEDUP_WINDOW_DAYS.
   */
  env?: Record<string, string | undefined>;
  /** Generate in a worker thread, overlapping with the pipeline (default true); false: inline. */
  producerThread?: boolean;
  /** Called after every batch. */
  onProgress?: (p: LocalRunProgress) => void;
}

export interface LocalRunProgress {
  records: number;
  total: number;
  batches: number;
  landed: number;
  quarantined: number;
  duplicates: number;
}

export interface LocalRunCounts {
  /** Records handed to the pipeline. */
  in: number;
  bytesIn: number;
  bronze: number;
  silver: number;
  quarantined: number;
  duplicates: number;
  late: number;
  /** Records the pipeline skipped as already committed to silver/quarantine, and to bronze (replays); 0 here. */
  alreadyCommitted: number;
  bronzeAlreadyCommitted: number;
  reasons: Record<string, number>;
}

export interface LocalTableResult extends TableStats {
  /** The contracts' kind of the table (null: a table no contract declares). */
  kind: TableDef['kind'] | null;
  /** Records this run added (from the table's totals before and after). */
  added: number;
  /** Rows the pipeline reported writing this run. */
  written: number;
}

export interface LocalRunResult {
  warehouse: string;
  seed: number;
  events: number;
  batchSize: number;
  /** True when the warehouse held data before and the run continued its stream. */
  continued: boolean;
  /** Start of the simulated time range (ISO). */
  start: string;
  batches: number;
  generated: GenerationStats;
  counts: LocalRunCounts;
  tables: LocalTableResult[];
  reconciliation: Reconciliation;
  timings: {
    totalMs: number;
    /** CPU time of the process (user + system) over the run: the honest figure on a shared machine. */
    cpuMs: number;
    /** Waiting for the next MSK event (generation + base64; mostly hidden by the producer thread). */
    generateMs: number;
    /** fromMskEvent: base64 back to bytes, as the Lambda does. */
    decodeMskMs: number;
    /** pipeline.process: decode, validate, route, Parquet, commit. */
    pipelineMs: number;
    /** Of pipelineMs: committing (manifests, manifest lists, metadata). */
    commitMs: number;
  };
  throughput: { recordsPerSecond: number; megabytesPerSecond: number };
}

export async function runLocal(options: LocalRunOptions): Promise<LocalRunResult> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const warehouse = path.resolve(options.warehouse);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const events = options.events ?? DEFAULT_EVENTS;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new Error(
      `batch size must be an integer in [1, 10000] (the MSK event source mapping's range), got ${batchSize}`,
    );
  }
  // The producer thread loads while the warehouse is read; it gets its options below.
  const producer = startProducer({ thread: options.producerThread ?? true });
  try {
    return await run({ ...options, warehouse, batchSize, events }, producer, started, cpuStart);
  } finally {
    await producer.close();
  }
}

async function run(
  options: LocalRunOptions & { batchSize: number; events: number },
  producer: Producer,
  started: number,
  cpuStart: NodeJS.CpuUsage,
): Promise<LocalRunResult> {
  const { warehouse, batchSize, events } = options;
  if (options.reset) await resetWarehouse(warehouse);
  else await checkWarehouseDir(warehouse);

  const catalog = new LocalCatalog(warehouse);
  // The deployed consumers' settings (core/pipeline/config.ts), read from the same variables: namespaces
  // (SHOPLAKE_NAMESPACE_*), allowed lateness, dedup window, the salt; the warehouse and catalog are ours.
  const settings = settingsFromEnv({
    ...(options.env ?? process.env),
    SHOPLAKE_WAREHOUSE: warehouse,
    SHOPLAKE_CATALOG: 'local',
  });
  const pipeline = createPipeline({
    catalog,
    piiSalt: await piiSalt(warehouse, settings.salt),
    namespaces: settings.namespaces,
    allowedLatenessSeconds: settings.allowedLatenessSeconds,
    dedupWindowDays: settings.dedupWindowDays,
    ...(options.dedupMaxIds !== undefined ? { dedupMaxIds: options.dedupMaxIds } : {}),
  });
  const position = await streamPosition(pipeline);
  const continued = position.consumed > 0;
  const seed = options.seed ?? (DEFAULT_OPTIONS.seed + position.consumed) % 0x1_0000_0000;
  // Continue the simulated clock one second after the newest event time seen, on a whole second.
  const start =
    position.watermarkUs === null
      ? DEFAULT_OPTIONS.start
      : new Date((Math.floor(position.watermarkUs / 1e6) + 1) * 1000);

  const before = new Map((await tableStats(catalog)).map((t) => [t.table, t]));

  const counts: LocalRunCounts = {
    in: 0,
    bytesIn: 0,
    bronze: 0,
    silver: 0,
    quarantined: 0,
    duplicates: 0,
    late: 0,
    alreadyCommitted: 0,
    bronzeAlreadyCommitted: 0,
    reasons: {},
  };
  const written = new Map<string, number>();
  const timings = { generateMs: 0, decodeMskMs: 0, pipelineMs: 0, commitMs: 0 };
  let batches = 0;

  const mskEvents = producer.produce({
    generator: { ...options.generator, seed, events, start },
    nextOffsets: position.nextOffsets,
    batchSize,
  });
  let generated: GenerationStats;
  for (;;) {
    const t0 = performance.now();
    const next = await mskEvents.next();
    const t1 = performance.now();
    timings.generateMs += t1 - t0;
    if (next.done) {
      generated = next.value;
      break;
    }
    const records = fromMskEvent(next.value);
    const t2 = performance.now();
    timings.decodeMskMs += t2 - t1;
    const r = await pipeline.process(records);
    timings.pipelineMs += performance.now() - t2;
    timings.commitMs += r.commitLatencyMs;
    add(counts, written, pipeline.tables, r);
    batches++;
    options.onProgress?.({
      records: counts.in,
      total: events,
      batches,
      landed: counts.silver,
      quarantined: counts.quarantined,
      duplicates: counts.duplicates,
    });
  }

  const after = await tableStats(catalog);
  const kindOf = new Map<string, TableDef['kind']>(
    pipeline.contracts.tables.map((d) => {
      const id = pipeline.tables.identifier(d.qualifiedName);
      return [`${id.namespace}.${id.name}`, d.kind];
    }),
  );
  const tables: LocalTableResult[] = after.map((t) => ({
    ...t,
    kind: kindOf.get(t.table) ?? null,
    added: t.records - (before.get(t.table)?.records ?? 0),
    written: written.get(t.table) ?? 0,
  }));
  const totalMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    warehouse,
    seed,
    events,
    batchSize,
    continued,
    start: start.toISOString(),
    batches,
    generated,
    counts,
    tables,
    reconciliation: reconcile(generated.records, counts, tables),
    timings: { totalMs, cpuMs, ...timings },
    throughput: {
      recordsPerSecond: counts.in / (totalMs / 1000),
      megabytesPerSecond: counts.bytesIn / 1024 / 1024 / (totalMs / 1000),
    },
  };
}

/** The salt SHOPLAKE_PII_SALT_FILE or SHOPLAKE_PII_SALT give, else the warehouse's own development salt. */
async function piiSalt(warehouse: string, salt: SaltSource): Promise<string> {
  if (salt.file || salt.value !== undefined) return loadPiiSalt({ file: salt.file, value: salt.value });
  return loadOrCreateDevSalt(path.join(warehouse, LOCAL_SALT_FILE));
}

function add(c: LocalRunCounts, written: Map<string, number>, tables: Pipeline['tables'], r: BatchResult): void {
  c.in += r.recordsIn;
  c.bytesIn += r.bytesIn;
  c.bronze += r.bronze.landed;
  c.silver += r.landed;
  c.quarantined += r.quarantined;
  c.duplicates += r.duplicates;
  c.late += r.late;
  c.alreadyCommitted += r.alreadyCommitted;
  c.bronzeAlreadyCommitted += r.bronze.alreadyCommitted;
  for (const [code, n] of Object.entries(r.reasons)) c.reasons[code] = (c.reasons[code] ?? 0) + n;
  for (const [name, t] of Object.entries(r.tables)) {
    const id = tables.identifier(name);
    const key = `${id.namespace}.${id.name}`;
    written.set(key, (written.get(key) ?? 0) + t.rows);
  }
}

// The pipeline: everything a consumer process builds once and reuses for every batch (a warm Lambda container,
// the ECS task, `shoplake local run`): the contracts and their compiled validators and conformers, the PII
// hasher, the table handles with their offsets and dedup indexes, the Parquet compressors.
//
//   const pipeline = createPipeline({ catalog: new LocalCatalog(dir), piiSalt });
//   const result = await pipeline.process(fromMskEvent(event));      // one batch: add + commit
//   // or, for large micro-batches:
//   const batch = pipeline.batch(); await batch.add(records); ...; const result = await batch.commit();
import type { ContractSet, HashPii, UnknownFields } from '../contracts/index.js';
import { contracts as bundledContracts, createPiiHasher, createValidator } from '../contracts/index.js';
import type { Catalog } from '../iceberg/catalog/catalog.js';
import { DataFileNamer, loadCompression } from '../iceberg/parquet/index.js';
import type { Compression, ParquetCodec } from '../iceberg/parquet/index.js';
import { Batch } from './batch.js';
import { DEFAULT_DEDUP_MAX_IDS } from './dedup.js';
import type { BatchResult } from './batch.js';
import type { PipelineRecord } from './decode.js';
import { faultInjector } from './faults.js';
import type { FaultInjector } from './faults.js';
import { DEFAULT_ALLOWED_LATENESS_SECONDS } from './late.js';
import { Router } from './route.js';
import { Tables } from './tables.js';
import type { Namespaces } from './tables.js';
import { createRecordValidator } from './validate.js';
import type { RecordValidator } from './validate.js';

export interface PipelineOptions {
  /** LocalCatalog (Hadoop layout) or GlueCatalog. */
  catalog: Catalog;
  /** HMAC-SHA256 key for PII of class direct (at least 16 bytes); see salt.ts. Never logged. */
  piiSalt: string | Uint8Array;
  /** Catalog namespace per layer (default bronze, silver, ops). */
  namespaces?: Partial<Namespaces>;
  /** Default 3600. */
  allowedLatenessSeconds?: number;
  /** How far behind a table's watermark event_ids are still checked against the table (default 7 days). */
  dedupWindowDays?: number;
  /**
   * Most event_ids one silver table's dedup index holds (default 8M, ~150-225 MB); beyond it the oldest scopes
   * (days) are dropped and counted (BatchResult.dedupScopesEvicted). See dedup.ts.
   */
  dedupMaxIds?: number;
  /** Create missing namespaces and tables from the contracts (default true). */
  createTables?: boolean;
  /** Default: the bundled contracts (glue-schemas/). */
  contracts?: ContractSet;
  /**
   * Keys a contract does not declare: 'ignore' (default: the event lands, silver drops them, bronze keeps the raw
   * payload, BatchResult.unknownFields counts them) or 'reject' (quarantined as unknown_field).
   */
  unknownFields?: UnknownFields;
  /** Target data file size when the table sets none (default 128 MiB). */
  targetFileBytes?: number;
  /** Rows buffered per table before a row group is encoded (default 8 MiB). */
  bufferBytes?: number;
  /**
   * zstd level of tables that set no `write.parquet.compression-level` (default 1: within ~1% of level 3's size
   * on event JSON at ~3/4 of its CPU, docs/benchmarks.md "## ingest"; compaction in core/maintenance rewrites the
   * small ingest files at zstd's default level 3).
   */
  zstdLevel?: number;
  /** Transactions per table when conflicts outlast one transaction's retries (default 3). */
  commitAttempts?: number;
  /** SHOPLAKE_FAULT value (default: the environment variable), or an injector (in-process tests); see faults.ts. */
  fault?: string | FaultInjector;
  /** ms since epoch; the batch's ingest_time (default Date.now). */
  clock?: () => number;
}

export const DEFAULT_NAMESPACES: Namespaces = { bronze: 'bronze', silver: 'silver', ops: 'ops' };
export const DEFAULT_DEDUP_WINDOW_DAYS = 7;
export const DEFAULT_ZSTD_LEVEL = 1;

export class Pipeline {
  readonly tables: Tables;
  readonly contracts: ContractSet;
  private readonly router: Router;
  private readonly fault: FaultInjector;
  private readonly compressors = new Map<string, Promise<Compression>>();
  private readonly namer = new DataFileNamer();
  private readonly validate: RecordValidator;
  private readonly hashPii: HashPii;

  constructor(private readonly options: PipelineOptions) {
    this.contracts = options.contracts ?? bundledContracts();
    this.tables = new Tables(options.catalog, this.contracts, {
      namespaces: { ...DEFAULT_NAMESPACES, ...options.namespaces },
      create: options.createTables ?? true,
      dedupWindowDays: options.dedupWindowDays ?? DEFAULT_DEDUP_WINDOW_DAYS,
      dedupMaxIds: options.dedupMaxIds ?? DEFAULT_DEDUP_MAX_IDS,
    });
    this.router = new Router(this.contracts);
    this.fault =
      typeof options.fault === 'function' ? options.fault : faultInjector(options.fault ?? process.env.SHOPLAKE_FAULT);
    this.validate = createRecordValidator({
      validate: createValidator(this.contracts, { unknownFields: options.unknownFields ?? 'ignore' }),
      topicKeys: new Map(this.contracts.topics.map((t) => [t.topic, t.key])),
    });
    this.hashPii = createPiiHasher(options.piiSalt); // memoizes recent values itself (pii.ts)
  }

  /** A new batch: add() records, then commit(). One batch at a time per pipeline. */
  batch(): Batch {
    const o = this.options;
    return new Batch({
      tables: this.tables,
      router: this.router,
      validate: this.validate,
      hashPii: this.hashPii,
      allowedLatenessUs: (o.allowedLatenessSeconds ?? DEFAULT_ALLOWED_LATENESS_SECONDS) * 1_000_000,
      writerOptions: {
        targetFileBytes: o.targetFileBytes ?? 128 * 1024 * 1024,
        bufferBytes: o.bufferBytes ?? 8 * 1024 * 1024,
        namer: this.namer,
        zstdLevel: o.zstdLevel ?? DEFAULT_ZSTD_LEVEL,
        compression: (codec, level) => this.compression(codec, level),
      },
      fault: this.fault,
      commitAttempts: o.commitAttempts ?? 3,
      clock: o.clock ?? Date.now,
    });
  }

  /**
   * One batch: every record in, one commit out. Throws on infrastructure errors (nothing acknowledged).
   * `records`: an array, or `mskRecords(event)` to decode a Lambda event's records one at a time.
   */
  async process(records: Iterable<PipelineRecord>): Promise<BatchResult> {
    const batch = this.batch();
    await batch.add(records);
    return batch.commit();
  }

  /**
   * The consumer checkpoint of a topic: per partition, the highest offset committed to bronze.<topic> (resume
   * at offset + 1). Empty before the first commit.
   */
  async checkpoint(topic: string): Promise<Map<number, number>> {
    const name = this.router.bronzeTable(topic);
    if (name === undefined)
      throw new Error(`topic ${JSON.stringify(topic)} is not declared in glue-schemas/topics.json`);
    const handle = await this.tables.open(name);
    await this.tables.refresh(handle);
    return new Map(handle.state.offsets.get(topic) ?? []);
  }

  private compression(codec: ParquetCodec, level: number | undefined): Promise<Compression> {
    const key = `${codec}:${level ?? ''}`;
    let c = this.compressors.get(key);
    if (!c) {
      this.compressors.set(key, (c = loadCompression(codec, { level })));
      c.catch(() => this.compressors.delete(key));
    }
    return c;
  }
}

export function createPipeline(options: PipelineOptions): Pipeline {
  return new Pipeline(options);
}

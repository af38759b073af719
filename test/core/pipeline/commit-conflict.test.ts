// Commit conflicts are retried inside the pipeline (issue 5), made deterministic: a LocalCatalog that lets another
// writer (a second pipeline, on other partitions of the same topics) commit to one silver table just before the
// pipeline's own metadata swap of that table, so the swap meets a real conflict (the version file exists). Once, the
// transaction's own retry absorbs it; when it outlasts every retry of one transaction, commitOne starts a new one.
// Either way the batch lands, every record exactly once, and the other writer's rows and offsets survive.
import { promises as fs } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { TEST_KIND_HEADER } from '../../../core/generator/record.js';
import type { LoadedTable } from '../../../core/iceberg/catalog/catalog.js';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import type { TableMetadata } from '../../../core/iceberg/spec/table-metadata.js';
import { DEFAULT_RETRY_POLICY } from '../../../core/iceberg/transaction/retry.js';
import { committedState, ancestors } from '../../../core/pipeline/exactly-once.js';
import { createPipeline } from '../../../core/pipeline/index.js';
import type { PipelineRecord } from '../../../core/pipeline/index.js';
import { auditLake, compareAudits, generatedRecords, tableRows, tempDir } from '../../support/lake-audit.js';

const SALT = 'test-salt-0123456789abcdef';
const TABLE = { namespace: 'silver', name: 'page_viewed' };
const TOPIC = 'behaviour';
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** A LocalCatalog whose first `times` swaps of TABLE each let `race` commit first (through another catalog). */
class RacedCatalog extends LocalCatalog {
  /** This catalog's swaps of TABLE, and whether each met a commit of the other writer just before it. */
  readonly swaps: { raced: boolean }[] = [];
  constructor(
    dir: string,
    private readonly times: number,
    private readonly race: (n: number) => Promise<void>,
  ) {
    super(dir);
  }

  override async commitTable(base: LoadedTable, next: TableMetadata): Promise<LoadedTable> {
    const { namespace, name } = base.identifier;
    if (namespace === TABLE.namespace && name === TABLE.name) {
      const raced = this.swaps.length < this.times;
      this.swaps.push({ raced });
      if (raced) await this.race(this.swaps.length);
    }
    return super.commitTable(base, next);
  }
}

/** A good (valid, first-seen) page_viewed event: it lands in TABLE. */
const text = (b: Uint8Array | null | undefined): string => Buffer.from(b ?? []).toString('utf8');
const landsInTable = (r: PipelineRecord): boolean =>
  text(r.headers.find((h) => h.key === TEST_KIND_HEADER)?.value) === 'good' &&
  (JSON.parse(text(r.value)) as { event_type?: unknown }).event_type === TABLE.name;

/** `records` cut into `n` chunks, each holding at least one such event (so each commits to TABLE). */
function chunksTouchingTable(records: PipelineRecord[], n: number): PipelineRecord[][] {
  const out: PipelineRecord[][] = [[]];
  for (const r of records) {
    out.at(-1)!.push(r);
    if (out.length < n && landsInTable(r)) out.push([]);
  }
  expect(out.length).toBe(n);
  expect(out.every((c) => c.some(landsInTable))).toBe(true);
  return out;
}

const byPartition = (a: [number, number], b: [number, number]): number => a[0] - b[0];
const partitionsOf = (o: Map<number, number> | undefined): [number, number][] =>
  [...(o ?? new Map<number, number>())].sort(byPartition);

async function raceOnce(conflicts: number): Promise<void> {
  const dir = await tempDir('eo-conflict-');
  const refDir = await tempDir('eo-conflict-ref-');
  dirs.push(dir, refDir);
  const { records } = generatedRecords({ events: 400, seed: 51, partitions: 4, badShare: 0.03 });
  const mine = records.filter((r) => r.partition < 2);
  const theirs = chunksTouchingTable(
    records.filter((r) => r.partition >= 2),
    conflicts,
  );

  // The other writer: its own pipeline on partitions 2 and 3, through a plain catalog of the same warehouse.
  const other = createPipeline({ catalog: new LocalCatalog(dir), piiSalt: SALT });
  const otherCommits: { snapshotId: string; offsets: Map<number, number> | undefined }[] = [];
  const catalog = new RacedCatalog(dir, conflicts, async (n) => {
    const r = await other.process(theirs[n - 1]!);
    const t = await new LocalCatalog(dir).loadTable(TABLE);
    otherCommits.push({
      snapshotId: r.tables[`${TABLE.namespace}.${TABLE.name}`]!.snapshotId!,
      offsets: committedState(t.metadata).offsets.get(TOPIC),
    });
  });
  const pipeline = createPipeline({ catalog, piiSalt: SALT });

  const result = await pipeline.process(mine);

  // The pipeline's first swap of TABLE was raced (a real conflict), then it retried until one went through.
  const table = result.tables[`${TABLE.namespace}.${TABLE.name}`]!;
  expect(catalog.swaps.slice(0, conflicts)).toEqual(Array.from({ length: conflicts }, () => ({ raced: true })));
  expect(catalog.swaps.length).toBe(conflicts + 1);
  expect(otherCommits.length).toBe(conflicts);
  // commitAttempts counts catalog commit attempts, over the transactions the pipeline needed.
  expect(table.commitAttempts).toBe(conflicts + 1);
  expect(result.recordsIn).toBe(mine.length);

  // The other writer's snapshots are ancestors of the pipeline's, and the summary carries both writers' offsets.
  const loaded = await new LocalCatalog(dir).loadTable(TABLE);
  const lineage = [...ancestors(loaded.metadata)].map((s) => String(s['snapshot-id']));
  expect(lineage[0]).toBe(table.snapshotId);
  for (const c of otherCommits) expect(lineage).toContain(c.snapshotId);
  const theirOffsets = partitionsOf(otherCommits.at(-1)!.offsets).filter(([p]) => p >= 2);
  expect(theirOffsets.length).toBeGreaterThan(0);
  const myOffsets = Object.entries(result.offsets[TOPIC]!).map(([p, o]): [number, number] => [Number(p), o]);
  expect(partitionsOf(committedState(loaded.metadata).offsets.get(TOPIC))).toEqual(
    [...myOffsets, ...theirOffsets].sort(byPartition),
  );

  // Every record of both writers landed exactly once in every table, as in a single reference run.
  const reference = new LocalCatalog(refDir);
  await createPipeline({ catalog: reference, piiSalt: SALT }).process(records);
  expect(compareAudits(await auditLake(new LocalCatalog(dir)), await auditLake(reference))).toEqual([]);
  const rows = await tableRows(new LocalCatalog(dir), TABLE.namespace, TABLE.name, ['kafka_partition']);
  expect(rows.some((r) => Number(r.kafka_partition) >= 2)).toBe(true);
  expect(rows.some((r) => Number(r.kafka_partition) < 2)).toBe(true);
}

it('a conflict on the first swap is retried: the batch lands, the other writer keeps its rows and offsets', async () => {
  await raceOnce(1);
}, 60_000);

it('conflicts that outlast a transaction’s retries are retried in a new transaction', async () => {
  await raceOnce(DEFAULT_RETRY_POLICY.numRetries + 1);
}, 60_000);

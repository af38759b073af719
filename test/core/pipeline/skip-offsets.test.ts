// skipOffsets against real tables in a local warehouse: the skipped offsets land in bronze without a payload and in
// ops.quarantine as `skipped` with the reason, the checkpoint moves past them, a later replay of the real records
// takes them as committed, and the lake equals a run in which those records had been unreadable from the start.
// Every refusal writes nothing; a consumer batch racing the skip is refused by the offset guard.
import { promises as fs } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { createPipeline, MAX_SKIPPED_OFFSETS, skipOffsets, SkipOffsetsError } from '../../../core/pipeline/index.js';
import type { PipelineRecord } from '../../../core/pipeline/index.js';
import { auditLake, compareAudits, generatedRecords, tableRows, tempDir } from '../../support/lake-audit.js';

const SALT = 'test-salt-0123456789abcdef';
const REASON = 'INC-42: lz4 batch 20-29 fails to decompress on broker 2';
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function warehouse(prefix: string): Promise<LocalCatalog> {
  const d = await tempDir(prefix);
  dirs.push(d);
  return new LocalCatalog(d);
}

const { records } = generatedRecords({ events: 1500, seed: 33, partitions: 2, badShare: 0.03, duplicateShare: 0.03 });
const inRange = (r: PipelineRecord) => r.topic === 'behaviour' && r.partition === 0 && r.offset >= 20 && r.offset <= 29;
const behaviourP0 = records.filter((r) => r.topic === 'behaviour' && r.partition === 0);

async function snapshotCount(catalog: LocalCatalog, namespace: string, name: string): Promise<number> {
  return ((await catalog.loadTable({ namespace, name })).metadata.snapshots ?? []).length;
}

describe('skipOffsets', () => {
  it('lands the range as skipped rows, moves the checkpoint, and the lake equals a run without those records', async () => {
    expect(behaviourP0.length).toBeGreaterThan(40);
    const catalog = await warehouse('skip-');
    const pipeline = createPipeline({ catalog, piiSalt: SALT });
    // The consumer landed behaviour/0 through offset 19, then stopped on offset 20 (everything else landed).
    const first = records.filter((r) => !(r.topic === 'behaviour' && r.partition === 0 && r.offset >= 20));
    await pipeline.process(first);
    expect((await pipeline.checkpoint('behaviour')).get(0)).toBe(19);

    const dry = await skipOffsets(pipeline, {
      topic: 'behaviour',
      partition: 0,
      through: 29,
      reason: REASON,
      dryRun: true,
    });
    expect(dry).toMatchObject({ checkpoint: 19, from: 20, through: 29, count: 10, dryRun: true, batches: [] });
    expect((await pipeline.checkpoint('behaviour')).get(0)).toBe(19);

    const skipped = await skipOffsets(pipeline, {
      topic: 'behaviour',
      partition: 0,
      through: 29,
      reason: ` ${REASON} `,
    });
    expect(skipped).toMatchObject({ checkpoint: 19, from: 20, through: 29, count: 10, dryRun: false });
    expect(skipped.batches).toHaveLength(1);
    expect(skipped.batches[0]).toMatchObject({ recordsIn: 10, quarantined: 10, landed: 0, alreadyCommitted: 0 });
    expect(skipped.batches[0]!.bronze).toEqual({ landed: 10, alreadyCommitted: 0 });
    expect((await pipeline.checkpoint('behaviour')).get(0)).toBe(29);
    expect((await pipeline.checkpoint('behaviour')).get(1)).toBe(
      Math.max(...records.filter((r) => r.topic === 'behaviour' && r.partition === 1).map((r) => r.offset)),
    );

    // The consumer restarts at 30; a replay from anywhere before it takes offsets <= 29 as committed.
    const replay = await pipeline.process(records);
    expect(replay.alreadyCommitted).toBe(first.length + 10);
    expect(replay.recordsIn).toBe(replay.landed + replay.quarantined + replay.duplicates + replay.alreadyCommitted);

    const quarantine = (await tableRows(catalog, 'ops', 'quarantine')).filter((r) => r.reason_code === 'skipped');
    expect(
      quarantine.map((r) => `${String(r.kafka_topic)}/${String(r.kafka_partition)}/${String(r.kafka_offset)}`),
    ).toEqual(expect.arrayContaining([...Array(10)].map((_, i) => `behaviour/0/${20 + i}`)));
    expect(quarantine).toHaveLength(10);
    for (const q of quarantine) {
      expect(q.payload).toBeNull();
      expect((q.errors as { code: string; message: string }[])[0]).toMatchObject({
        code: 'skipped',
        message: `skipped by an operator: ${REASON}`,
      });
    }
    const bronze = await tableRows(catalog, 'bronze', 'behaviour', ['kafka_partition', 'kafka_offset', 'payload']);
    const p0 = bronze
      .filter((r) => r.kafka_partition === 0)
      .sort((a, b) => Number(a.kafka_offset) - Number(b.kafka_offset));
    expect(p0.map((r) => Number(r.kafka_offset))).toEqual(behaviourP0.map((r) => r.offset));
    expect(p0.filter((r) => r.payload === null).map((r) => Number(r.kafka_offset))).toEqual(
      behaviourP0.filter((r) => inRange(r) || r.value === null).map((r) => r.offset),
    );

    // The same lake as one run in which offsets 20..29 had been unreadable from the start.
    const reference = await warehouse('skip-ref-');
    await createPipeline({ catalog: reference, piiSalt: SALT }).process(
      records.map((r) => (inRange(r) ? { ...r, key: null, value: null, headers: [], skipped: REASON } : r)),
    );
    expect(compareAudits(await auditLake(catalog), await auditLake(reference))).toEqual([]);
  });

  it('starts at offset 0 on a partition without a checkpoint, and skips long ranges in several commits', async () => {
    const catalog = await warehouse('skip-fresh-');
    const pipeline = createPipeline({ catalog, piiSalt: SALT });
    const r = await skipOffsets(pipeline, { topic: 'catalog', partition: 3, through: 100_001, reason: REASON });
    expect(r).toMatchObject({ checkpoint: -1, from: 0, through: 100_001, count: 100_002 });
    expect(r.batches.map((b) => b.recordsIn)).toEqual([100_000, 2]);
    expect((await pipeline.checkpoint('catalog')).get(3)).toBe(100_001);
    expect((await tableRows(catalog, 'ops', 'quarantine', ['reason_code'])).length).toBe(100_002);
  }, 120_000);

  it('refuses, writing nothing: no gap, nothing to skip, too many, no reason, bad numbers, an unknown topic', async () => {
    const catalog = await warehouse('skip-refuse-');
    const pipeline = createPipeline({ catalog, piiSalt: SALT });
    await pipeline.process(behaviourP0.slice(0, 10));
    const before = await snapshotCount(catalog, 'bronze', 'behaviour');
    const skip = (over: Partial<Parameters<typeof skipOffsets>[1]>) =>
      skipOffsets(pipeline, { topic: 'behaviour', partition: 0, through: 20, reason: REASON, ...over });
    await expect(skip({ through: 9 })).rejects.toThrow(
      new SkipOffsetsError('nothing to skip: behaviour/0 has landed through offset 9, and through=9'),
    );
    await expect(skip({ through: 3 })).rejects.toThrow(/nothing to skip/);
    await expect(skip({ through: 10 + MAX_SKIPPED_OFFSETS })).rejects.toThrow(
      `refusing to skip ${MAX_SKIPPED_OFFSETS + 1} offsets (10..${10 + MAX_SKIPPED_OFFSETS}) of behaviour/0`,
    );
    await expect(skip({ reason: '  ' })).rejects.toThrow(/a reason is required/);
    await expect(skip({ reason: 'x'.repeat(501) })).rejects.toThrow(/longer than 500/);
    await expect(skip({ partition: -1 })).rejects.toThrow(/partition must be a non-negative integer/);
    await expect(skip({ through: 1.5 })).rejects.toThrow(/through must be a non-negative offset/);
    await expect(skip({ topic: 'nope' })).rejects.toThrow(/topic "nope" is not declared/);
    expect(await snapshotCount(catalog, 'bronze', 'behaviour')).toBe(before);
    expect((await pipeline.checkpoint('behaviour')).get(0)).toBe(9);
    // Exactly at the guard: allowed (a dry run, to keep the test fast).
    const edge = await skip({ through: 9 + MAX_SKIPPED_OFFSETS, dryRun: true });
    expect(edge.count).toBe(MAX_SKIPPED_OFFSETS);
  });

  it('refuses while a table of the topic is ahead of bronze (a consumer stopped between its commits)', async () => {
    const catalog = await warehouse('skip-ahead-');
    const SILVER_BEFORE_BRONZE = new Error('stopped before the bronze commit');
    const consumer = createPipeline({
      catalog,
      piiSalt: SALT,
      fault: (point, table) => {
        if (point === 'before-commit' && table === 'bronze.behaviour') throw SILVER_BEFORE_BRONZE;
      },
    });
    const healthy = createPipeline({ catalog, piiSalt: SALT });
    await healthy.process(behaviourP0.slice(0, 10));
    // The silver tables (and the quarantine) took offsets 10..29; bronze did not: its checkpoint is still 9.
    await expect(consumer.process(behaviourP0.slice(10, 30))).rejects.toBe(SILVER_BEFORE_BRONZE);
    expect((await healthy.checkpoint('behaviour')).get(0)).toBe(9);
    const skip = (through: number) =>
      skipOffsets(healthy, { topic: 'behaviour', partition: 0, through, reason: REASON });
    await expect(skip(14)).rejects.toThrow(
      new RegExp(
        `^silver\\.\\w+ has landed behaviour/0 through offset ${behaviourP0[29]!.offset}, past bronze's checkpoint 9: ` +
          'a consumer is committing, or stopped between the commits of its tables',
      ),
    );
    expect((await tableRows(catalog, 'ops', 'quarantine')).filter((r) => r.reason_code === 'skipped')).toEqual([]);
    // The replay completes the batch (bronze to 29); then the skip goes on from 30.
    await healthy.process(behaviourP0.slice(10, 30));
    await expect(skip(29)).rejects.toThrow(/nothing to skip: behaviour\/0 has landed through offset 29/);
    expect((await skip(31)).from).toBe(30);
  });
});

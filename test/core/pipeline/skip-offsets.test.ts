// skipOffsets against real tables in a local warehouse: the skipped offsets land in bronze without a payload and in
// ops.quarantine as `skipped` with the reason, the checkpoint moves past them, a later replay of the real records
// takes them as committed, and the lake equals a run in which those records had been unreadable from the start.
// Every refusal writes nothing, including the one for a consumer that commits while the skip runs.
import { describe, expect, it } from 'vitest';
import type { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { createPipeline, MAX_SKIPPED_OFFSETS, skipOffsets, SkipOffsetsError } from '../../../core/pipeline/index.js';
import type { PipelineRecord } from '../../../core/pipeline/index.js';
import type { TableIdentifier } from '../../../core/iceberg/catalog/catalog.js';
import { auditLake, compareAudits, generatedRecords, localWarehouses, tableRows } from '../../support/lake-audit.js';

const SALT = 'test-salt-0123456789abcdef';
const REASON = 'INC-42: lz4 batch 20-29 fails to decompress on broker 2';
const warehouse = localWarehouses('skip-offsets-');

const { records } = generatedRecords({ events: 1500, seed: 33, partitions: 2, badShare: 0.03, duplicateShare: 0.03 });
const inRange = (r: PipelineRecord) => r.topic === 'behaviour' && r.partition === 0 && r.offset >= 20 && r.offset <= 29;
const behaviourP0 = records.filter((r) => r.topic === 'behaviour' && r.partition === 0);

async function snapshotCount(catalog: LocalCatalog, namespace: string, name: string): Promise<number> {
  return ((await catalog.loadTable({ namespace, name })).metadata.snapshots ?? []).length;
}

describe("bronze's checkpoint covers every table", () => {
  it('a redelivered record at or below it writes nothing, yet still feeds the dedup of its batch', async () => {
    // An event of the first day, redelivered (Lambda) together with a resend of it: the resend is a duplicate even
    // when its day is outside the dedup window (no committed ids are loaded for it), as in the record's first batch.
    const { records: spread } = generatedRecords({ events: 3000, seed: 35, partitions: 1, days: 4, badShare: 0 });
    const p = spread.filter((r) => r.topic === 'behaviour');
    const first = p.findIndex((r) => JSON.parse(String(r.value)).event_type === 'page_viewed');
    const e = p[first]!;
    const catalog = await warehouse('skip-dedup-');
    const pipeline = createPipeline({ catalog, piiSalt: SALT, dedupWindowDays: 1 });
    await pipeline.process(p);
    const resend = { ...e, offset: p.at(-1)!.offset + 1 };
    const r = await pipeline.process([e, resend]);
    expect(r).toMatchObject({ recordsIn: 2, alreadyCommitted: 1, duplicates: 1, landed: 0 });
    expect(r.bronze).toEqual({ landed: 1, alreadyCommitted: 1 });
    const id = JSON.parse(String(e.value)).event_id as string;
    const rows = await tableRows(catalog, 'silver', 'page_viewed', ['event_id']);
    expect(rows.filter((x) => x.event_id === id)).toHaveLength(1);
  });
});

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
    expect(dry).toEqual({
      topic: 'behaviour',
      partition: 0,
      bronzeTable: 'bronze.behaviour',
      checkpoint: 19,
      from: 20,
      through: 29,
      count: 10,
      dryRun: true,
      batch: null,
    });
    expect((await pipeline.checkpoint('behaviour')).get(0)).toBe(19);

    const skipped = await skipOffsets(pipeline, {
      topic: 'behaviour',
      partition: 0,
      through: 29,
      reason: ` ${REASON} `,
    });
    expect(skipped).toMatchObject({ checkpoint: 19, from: 20, through: 29, count: 10, dryRun: false });
    expect(skipped.batch).toMatchObject({ recordsIn: 10, quarantined: 10, landed: 0, alreadyCommitted: 0 });
    expect(skipped.batch!.bronze).toEqual({ landed: 10, alreadyCommitted: 0 });
    expect(skipped.batch!.reasons).toEqual({ skipped: 10 });
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

  it('starts at offset 0 on a partition without a checkpoint only when told to (fromStart)', async () => {
    const catalog = await warehouse('skip-fresh-');
    const pipeline = createPipeline({ catalog, piiSalt: SALT });
    await pipeline.process(behaviourP0.slice(0, 5));
    const skip = (fromStart?: boolean) =>
      skipOffsets(pipeline, { topic: 'behaviour', partition: 7, through: 3, reason: REASON, fromStart });
    await expect(skip()).rejects.toThrow(
      new SkipOffsetsError(
        'bronze.behaviour has no checkpoint for partition 7: nothing of it has landed. Check the partition and the ' +
          'namespaces; to skip from offset 0, say so (fromStart, --from-start)',
      ),
    );
    expect(await skip(true)).toMatchObject({ checkpoint: -1, from: 0, through: 3, count: 4 });
    expect((await pipeline.checkpoint('behaviour')).get(7)).toBe(3);
  });

  it('refuses in a lake without the bronze table (a wrong warehouse or namespace), creating nothing', async () => {
    const catalog = await warehouse('skip-empty-');
    const pipeline = createPipeline({ catalog, piiSalt: SALT, namespaces: { bronze: 'shoplake_dev_bronze' } });
    for (const dryRun of [true, false]) {
      await expect(
        skipOffsets(pipeline, {
          topic: 'behaviour',
          partition: 0,
          through: 3,
          reason: REASON,
          fromStart: true,
          dryRun,
        }),
      ).rejects.toThrow(
        /^no table shoplake_dev_bronze\.behaviour in this catalog: check the warehouse and the namespaces/,
      );
    }
    expect(await catalog.listNamespaces()).toEqual([]);
  });

  it('refuses, writing nothing: nothing to skip, too many, no reason, bad numbers, an unknown topic', async () => {
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
    // Exactly at the guard: allowed, in one commit.
    const edge = await skip({ through: 9 + MAX_SKIPPED_OFFSETS });
    expect(edge.count).toBe(MAX_SKIPPED_OFFSETS);
    expect(edge.batch).toMatchObject({ recordsIn: MAX_SKIPPED_OFFSETS, quarantined: MAX_SKIPPED_OFFSETS });
    expect((await pipeline.checkpoint('behaviour')).get(0)).toBe(9 + MAX_SKIPPED_OFFSETS);
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

  it('refuses when a consumer commits while the skip runs, skipping nothing', async () => {
    const catalog = await warehouse('skip-race-');
    const consumer = createPipeline({ catalog, piiSalt: SALT });
    await consumer.process(behaviourP0.slice(0, 10));
    // The skip loads bronze.behaviour three times: its checkpoint, the batch opening it, the check after the adds.
    // The consumer commits offsets 10..14 just before the second: the batch sees them as landed.
    let bronzeLoads = 0;
    const racing = new Proxy(catalog, {
      get(target, prop) {
        if (prop === 'loadTable') {
          return async (id: TableIdentifier) => {
            if (id.namespace === 'bronze' && id.name === 'behaviour' && ++bronzeLoads === 2) {
              await consumer.process(behaviourP0.slice(10, 15));
            }
            return target.loadTable(id);
          };
        }
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    await expect(
      skipOffsets(createPipeline({ catalog: racing, piiSalt: SALT }), {
        topic: 'behaviour',
        partition: 0,
        through: 20,
        reason: REASON,
      }),
    ).rejects.toThrow(
      new SkipOffsetsError(
        'bronze.behaviour moved from offset 9 to 14 on behaviour/0 during the skip: a consumer is running. Nothing ' +
          'was skipped; stop the consumers of the topic and run it again',
      ),
    );
    expect(bronzeLoads).toBe(3);
    expect((await consumer.checkpoint('behaviour')).get(0)).toBe(14);
    expect((await tableRows(catalog, 'ops', 'quarantine')).filter((r) => r.reason_code === 'skipped')).toEqual([]);
  });
});

// The dedup index's hard bound (dedupMaxIds): beyond the cap the oldest scopes (days) are dropped, counted in
// BatchResult.dedupScopesEvicted, and not loaded again; events landing there are deduplicated within their batch
// only. Scopes still held keep catching duplicates, warm and after a cold start; memory stays compact.
import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { createPipeline } from '../../../core/pipeline/index.js';
import type { Pipeline, PipelineRecord } from '../../../core/pipeline/index.js';
import type { DedupIndex } from '../../../core/pipeline/dedup.js';
import { localWarehouses, tableRows } from '../../support/lake-audit.js';

const SALT = 'test-salt-0123456789abcdef';
const warehouse = localWarehouses('dedup-cap-');

const generated = [...generateEvents({ events: 4000, seed: 13, badShare: 0, duplicateShare: 0, lateShare: 0 })]
  .filter((g) => g.kind === 'good' && g.eventType === 'order_created')
  .map((g) => JSON.parse(g.value.toString()) as Record<string, unknown>);
/** 60 distinct orders: generated ones, each with its own event_id. */
const orders = Array.from({ length: 60 }, (_, i) => ({
  ...generated[i % generated.length]!,
  event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
}));

const T0 = Date.parse('2025-03-10T12:00:00Z');
const DAY = 86_400_000;
const PER_DAY = 20;

/** Order `i` (day i / PER_DAY after T0) on orders/0 at `offset`; a resend is the same bytes at a later offset. */
function order(i: number, offset: number): PipelineRecord {
  const day = Math.floor(i / PER_DAY);
  const e: Record<string, unknown> = { ...orders[i]!, event_time: new Date(T0 + day * DAY + i * 1000).toISOString() };
  return {
    topic: 'orders',
    partition: 0,
    offset,
    timestamp: T0 + 30 * DAY,
    timestampType: 'CREATE_TIME',
    key: Buffer.from(e.shop_id as string),
    value: Buffer.from(JSON.stringify(e)),
    headers: [],
  };
}

/** Orders of days 0, 1 and 2 (PER_DAY each), at offsets 0..59. */
function threeDays(): PipelineRecord[] {
  return Array.from({ length: 3 * PER_DAY }, (_, i) => order(i, i));
}

async function dedupOf(p: Pipeline): Promise<DedupIndex> {
  const handle = await p.tables.open('silver.order_created');
  return handle.dedup!;
}

describe('dedupMaxIds', () => {
  it('evicts the oldest days first, counts them, and dedups evicted days within the batch only', async () => {
    const catalog = await warehouse();
    const pipeline = createPipeline({ catalog, piiSalt: SALT, dedupMaxIds: 30 });
    const first = await pipeline.process(threeDays());
    expect(first).toMatchObject({ landed: 60, duplicates: 0, dedupScopesEvicted: 2 });
    const index = await dedupOf(pipeline);
    // 60 ids > 30: day 0 goes (40 left, still > 30), then day 1; day 2 stays.
    expect({ scopes: index.size, ids: index.ids, evicted: index.evictedScopes }).toEqual({
      scopes: 1,
      ids: PER_DAY,
      evicted: 2,
    });
    expect(index.evictedIds).toBe(2 * PER_DAY);

    // Warm: resends of day 2 are caught; resends of days 0 and 1 land (their scopes are gone and are not loaded
    // again), except a second copy inside this batch.
    const second = await pipeline.process([order(45, 60), order(3, 61), order(25, 62), order(3, 63)]);
    expect(second).toMatchObject({ recordsIn: 4, landed: 2, duplicates: 2, dedupScopesEvicted: 0 });
    expect(index.size).toBe(1);
    const ids = (await tableRows(catalog, 'silver', 'order_created', ['event_id'])).map((r) => r.event_id);
    const count = (i: number) => ids.filter((id) => id === orders[i]!.event_id).length;
    expect([count(45), count(3), count(25)]).toEqual([1, 2, 2]);
  });

  it('on a cold start, loads scopes on demand and drops the oldest day, not the first loaded', async () => {
    const catalog = await warehouse();
    await createPipeline({ catalog, piiSalt: SALT }).process(threeDays());
    const pipeline = createPipeline({ catalog, piiSalt: SALT, dedupMaxIds: 45 });
    // Loads day 1 (20 ids), day 0 (40), day 2 (60 > 45: day 0, the oldest, goes although day 1 came first).
    const r = await pipeline.process([order(30, 60), order(5, 61), order(50, 62), order(6, 63), order(31, 64)]);
    // 30, 5 and 50 are caught (their day was held when they came); 6 comes after day 0 was dropped and lands;
    // 31 (day 1, still held) is caught.
    expect(r).toMatchObject({ recordsIn: 5, landed: 1, duplicates: 4, dedupScopesEvicted: 1 });
    const index = await dedupOf(pipeline);
    expect({ scopes: index.size, ids: index.ids }).toEqual({ scopes: 2, ids: 2 * PER_DAY });
    const ids = (await tableRows(catalog, 'silver', 'order_created', ['event_id'])).map((r) => r.event_id);
    expect(ids.filter((id) => id === orders[6]!.event_id)).toHaveLength(2);
    expect(new Set(ids).size).toBe(3 * PER_DAY);
  });

  it('without reaching the cap, catches duplicates within a batch, across batches and after a cold start', async () => {
    const catalog = await warehouse();
    const warm = createPipeline({ catalog, piiSalt: SALT, dedupMaxIds: 60 });
    const a = await warm.process([...threeDays(), order(7, 60)]);
    expect(a).toMatchObject({ landed: 60, duplicates: 1, dedupScopesEvicted: 0 });
    const b = await warm.process([order(8, 61), order(59, 62)]);
    expect(b).toMatchObject({ landed: 0, duplicates: 2 });
    const cold = await createPipeline({ catalog, piiSalt: SALT, dedupMaxIds: 60 }).process([
      order(9, 63),
      order(40, 64),
      order(20, 65),
    ]);
    expect(cold).toMatchObject({ landed: 0, duplicates: 3, dedupScopesEvicted: 0 });
    const index = await dedupOf(warm);
    expect(index.ids).toBe(60);
    expect(index.evictedScopes).toBe(0);
  });

  it('holds ~16-28 bytes per event_id (typed arrays), not ~100 as a Map of strings', async () => {
    const catalog = await warehouse();
    const pipeline = createPipeline({ catalog, piiSalt: SALT });
    await pipeline.process(threeDays());
    const index = await dedupOf(pipeline);
    // Join 200k more ids to the day-2 scope as a commit of this process would.
    const scope = index.scopeKey({ event_time: (T0 + 2 * DAY) * 1000 });
    const n = 200_000;
    index.committed(undefined, 1n, {
      scopes: new Array<string>(n).fill(scope),
      ids: Array.from({ length: n }, (_, i) => `bulk-${i}`),
      coords: Array.from({ length: n }, (_, i) => 100 + i),
    });
    expect(index.ids).toBe(n + 3 * PER_DAY);
    expect(index.byteLength / index.ids).toBeLessThanOrEqual(28);
    expect(index.lookup(scope, 'bulk-123')).toBe(223);
    expect(index.lookup(scope, orders[45]!.event_id as string)).toBe(45);
  });
});

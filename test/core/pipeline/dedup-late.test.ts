// Dedup against the table (across batches and containers, late resends) and the lateness flag, including the
// replay case: a crash after silver.order_created committed but before silver.order_line_items did; the retry
// writes the child rows with the lateness the parent row got, not the watermark the parent's commit moved to.
import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { createPipeline } from '../../../core/pipeline/index.js';
import type { FaultInjector, PipelineRecord } from '../../../core/pipeline/index.js';
import { localWarehouses, tableRows } from '../../support/lake-audit.js';

const SALT = 'test-salt-0123456789abcdef';
const warehouse = localWarehouses('dedup-late-');

const orders = [...generateEvents({ events: 4000, seed: 9, badShare: 0, duplicateShare: 0, lateShare: 0 })]
  .filter((g) => g.kind === 'good' && g.eventType === 'order_created')
  .map((g) => JSON.parse(g.value.toString()) as Record<string, unknown>);

const T0 = Date.parse('2025-03-10T12:00:00Z');
const DAY = 86_400_000;
let offset = 0;

/** An order_created record on orders/0 with the given event_time; Kafka timestamp well after every event. */
function order(i: number, eventTimeMs: number, reuseOffset?: number): PipelineRecord {
  const e: Record<string, unknown> = { ...orders[i]!, event_time: new Date(eventTimeMs).toISOString() };
  return {
    topic: 'orders',
    partition: 0,
    offset: reuseOffset ?? offset++,
    timestamp: T0 + 30 * DAY,
    timestampType: 'CREATE_TIME',
    key: Buffer.from(e.shop_id as string),
    value: Buffer.from(JSON.stringify(e)),
    headers: [],
  };
}

describe('dedup against the table', () => {
  it('skips a resend landing in a later batch of a new container, even days behind the watermark', async () => {
    const catalog = await warehouse();
    offset = 0;
    const first = [order(0, T0), order(1, T0 + 2 * DAY)];
    await createPipeline({ catalog, piiSalt: SALT }).process(first);
    // Cold start; the resend of order 0 is 2 days behind the watermark (inside the 7-day window).
    const r = await createPipeline({ catalog, piiSalt: SALT }).process([order(0, T0), order(2, T0 + 2 * DAY)]);
    expect(r).toMatchObject({ recordsIn: 2, landed: 1, duplicates: 1, alreadyCommitted: 0 });
    const rows = await tableRows(catalog, 'silver', 'order_created', ['event_id']);
    expect(rows.map((x) => x.event_id).sort()).toEqual(
      [orders[0]!.event_id, orders[1]!.event_id, orders[2]!.event_id].sort(),
    );
  });

  it('catches a duplicate within one batch whatever its age', async () => {
    const catalog = await warehouse();
    offset = 0;
    await createPipeline({ catalog, piiSalt: SALT, dedupWindowDays: 1 }).process([order(5, T0 + 20 * DAY)]);
    const r = await createPipeline({ catalog, piiSalt: SALT, dedupWindowDays: 1 }).process([
      order(6, T0),
      order(6, T0),
    ]);
    expect(r).toMatchObject({ landed: 1, duplicates: 1 });
  });
});

describe('late events', () => {
  it('flags events behind the watermark the batch started from, parent and children alike, also on a replay', async () => {
    const catalog = await warehouse();
    offset = 0;
    const options = { catalog, piiSalt: SALT, allowedLatenessSeconds: 3600 };
    await createPipeline(options).process([order(10, T0)]);
    // Batch 2: order 11 is 2 h behind the starting watermark (late); order 12 is 30 min ahead of it (not late,
    // although order 13, in the same batch, moves the watermark 10 days on).
    const batch2 = [order(11, T0 - 2 * 3600_000), order(12, T0 + 1800_000), order(13, T0 + 10 * DAY)];
    let crashed = false;
    const crashBeforeChildren: FaultInjector = (point, detail) => {
      if (!crashed && point === 'before-commit' && detail === 'silver.order_line_items') {
        crashed = true;
        throw new Error('crash before the child table commit');
      }
    };
    await expect(createPipeline({ ...options, fault: crashBeforeChildren }).process(batch2)).rejects.toThrow(
      /crash before/,
    );
    expect(await tableRows(catalog, 'silver', 'order_line_items', ['event_id'])).toHaveLength(
      (orders[10]!.line_items as unknown[]).length,
    );
    const replay = await createPipeline(options).process(batch2);
    expect(replay).toMatchObject({ alreadyCommitted: 3, landed: 0, duplicates: 0 });

    const parents = await tableRows(catalog, 'silver', 'order_created', ['event_id', 'is_late']);
    const late = new Map(parents.map((p) => [p.event_id, p.is_late]));
    expect(late.get(orders[10]!.event_id)).toBe(false);
    expect(late.get(orders[11]!.event_id)).toBe(true);
    expect(late.get(orders[12]!.event_id)).toBe(false);
    expect(late.get(orders[13]!.event_id)).toBe(false);
    const items = await tableRows(catalog, 'silver', 'order_line_items', ['event_id', 'is_late']);
    const expectedItems = [10, 11, 12, 13].reduce((n, i) => n + (orders[i]!.line_items as unknown[]).length, 0);
    expect(items).toHaveLength(expectedItems);
    for (const item of items) expect(item.is_late, String(item.event_id)).toBe(late.get(item.event_id));
  });
});

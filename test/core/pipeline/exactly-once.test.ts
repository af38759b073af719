// Offsets in snapshot summaries: parsing, the ancestor walk, the merge at commit time, and the guard against a
// second writer of the same partition, against real tables in a local warehouse.
import { describe, expect, it } from 'vitest';
import { newTableMetadata } from '../../../core/iceberg/spec/new-table-metadata.js';
import type { Snapshot, TableMetadata } from '../../../core/iceberg/spec/table-metadata.js';
import { createPipeline, OffsetConflictError } from '../../../core/pipeline/index.js';
import {
  committedState,
  latenessWatermarkOf,
  summaryFor,
  summaryOffsets,
} from '../../../core/pipeline/exactly-once.js';
import type { Offsets, TableCommit } from '../../../core/pipeline/exactly-once.js';
import { auditLake, compareAudits, generatedRecords, localWarehouses } from '../../support/lake-audit.js';

const SALT = 'test-salt-0123456789abcdef';
const warehouse = localWarehouses('exactly-once-');

const offsets = (o: Record<string, Record<number, number>>): Offsets =>
  new Map(Object.entries(o).map(([t, m]) => [t, new Map(Object.entries(m).map(([p, v]) => [Number(p), v]))]));

function tableWith(summaries: Record<string, string>[]): TableMetadata {
  const m = newTableMetadata({ location: '/tmp/t', schema: { type: 'struct', 'schema-id': 0, fields: [] } });
  const snapshots: Snapshot[] = summaries.map((s, i) => ({
    'snapshot-id': BigInt(i + 1),
    ...(i > 0 ? { 'parent-snapshot-id': BigInt(i) } : {}),
    'sequence-number': i + 1,
    'timestamp-ms': 1000 + i,
    'manifest-list': `/tmp/t/metadata/snap-${i + 1}.avro`,
    summary: { operation: 'append', ...s },
  }));
  return { ...m, snapshots, 'current-snapshot-id': summaries.length ? BigInt(summaries.length) : -1n };
}

describe('offsets in snapshot summaries', () => {
  it('parses topic names with dots and rejects malformed values naming the key', () => {
    const o = summaryOffsets({ 'shoplake.offsets.shop.orders.v1.3': '42', 'shoplake.offsets.b.0': '0', other: 'x' });
    expect(o.get('shop.orders.v1')?.get(3)).toBe(42);
    expect(o.get('b')?.get(0)).toBe(0);
    expect(() => summaryOffsets({ 'shoplake.offsets.orders.1': '-4' })).toThrow(/shoplake\.offsets\.orders\.1="-4"/);
    expect(() => summaryOffsets({ 'shoplake.offsets.orders': '4' })).toThrow(/shoplake\.offsets\.orders/);
  });

  it('walks past snapshots that carry no offsets (maintenance) to the newest that does', () => {
    const m = tableWith([
      { 'shoplake.offsets.orders.0': '9', 'shoplake.watermark': '100' },
      { 'shoplake.offsets.orders.0': '19', 'shoplake.offsets.orders.1': '4', 'shoplake.watermark': '200' },
      {},
      {},
    ]);
    const s = committedState(m);
    expect(s.offsets).toEqual(offsets({ orders: { 0: 19, 1: 4 } }));
    expect(s.watermark).toBe(200);
    expect(committedState(tableWith([])).offsets.size).toBe(0);
  });

  it('finds the lateness watermark of the commit that landed an offset', () => {
    const m = tableWith([
      { 'shoplake.offsets.orders.0': '9', 'shoplake.lateness-watermark': '50' },
      { 'shoplake.offsets.orders.0': '19', 'shoplake.lateness-watermark': '60' },
      { 'shoplake.offsets.orders.0': '19', 'shoplake.offsets.orders.1': '3', 'shoplake.lateness-watermark': '70' },
    ]);
    expect(latenessWatermarkOf(m, 'orders', 0, 5)).toBe(50);
    expect(latenessWatermarkOf(m, 'orders', 0, 15)).toBe(60);
    expect(latenessWatermarkOf(m, 'orders', 1, 2)).toBe(70);
  });

  it('merges with the base at commit time and refuses a base whose offsets moved', () => {
    const commit = {
      name: 'bronze.orders',
      consumed: offsets({ orders: { 0: 30 } }),
      expected: offsets({ orders: { 0: 19 } }),
      watermark: { max: 150, applied: 120 },
    } as unknown as TableCommit;
    const f = summaryFor(commit);
    // Another writer added partition 1 and a higher watermark meanwhile: both are kept.
    const base = tableWith([
      { 'shoplake.offsets.orders.0': '19', 'shoplake.offsets.orders.1': '7', 'shoplake.watermark': '400' },
    ]);
    expect(f(base)).toEqual({
      'shoplake.offsets.orders.0': '30',
      'shoplake.offsets.orders.1': '7',
      'shoplake.watermark': '400',
      'shoplake.lateness-watermark': '120',
    });
    expect(() => f(tableWith([{ 'shoplake.offsets.orders.0': '25' }]))).toThrow(OffsetConflictError);
  });
});

describe('concurrent writers', () => {
  it(
    'two consumers of different partitions commit the same tables; both land, offsets merge',
    { timeout: 180_000 },
    async () => {
      const catalog = await warehouse('eo-concurrent-');
      const { records } = generatedRecords({ events: 600, seed: 21, partitions: 4, badShare: 0.05 });
      const even = records.filter((r) => r.partition % 2 === 0);
      const odd = records.filter((r) => r.partition % 2 === 1);
      const a = createPipeline({ catalog, piiSalt: SALT });
      const b = createPipeline({ catalog, piiSalt: SALT });
      await a.process(even.slice(0, 50));
      const [ra, rb] = await Promise.all([a.process(even.slice(50)), b.process(odd)]);
      expect(ra.recordsIn + rb.recordsIn).toBe(records.length - 50);
      const reference = await warehouse('eo-concurrent-ref-');
      await createPipeline({ catalog: reference, piiSalt: SALT }).process(records);
      expect(compareAudits(await auditLake(catalog), await auditLake(reference))).toEqual([]);
      for (const topic of ['orders', 'behaviour']) {
        const cp = await a.checkpoint(topic);
        for (const r of records.filter((x) => x.topic === topic))
          expect(cp.get(r.partition)).toBeGreaterThanOrEqual(r.offset);
      }
    },
  );

  it(
    'a second consumer of the same partition (a zombie after a rebalance) cannot commit the same offsets twice',
    { timeout: 180_000 },
    async () => {
      const catalog = await warehouse('eo-zombie-');
      const { records } = generatedRecords({ events: 300, seed: 22, partitions: 1 });
      const a = createPipeline({ catalog, piiSalt: SALT });
      const b = createPipeline({ catalog, piiSalt: SALT });
      await a.process(records.slice(0, 20));
      // Both read the same committed offsets, then both try to land the same records.
      const ba = a.batch();
      const bb = b.batch();
      await ba.add(records.slice(20));
      await bb.add(records.slice(20));
      const outcomes = await Promise.allSettled([ba.commit(), bb.commit()]);
      const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(failed.length).toBeGreaterThanOrEqual(1);
      for (const f of failed) expect(f.reason).toBeInstanceOf(OffsetConflictError);
      // The loser replays (as a retried invocation would): everything lands once.
      await b.process(records.slice(20));
      const reference = await warehouse('eo-zombie-ref-');
      await createPipeline({ catalog: reference, piiSalt: SALT }).process(records);
      expect(compareAudits(await auditLake(catalog), await auditLake(reference))).toEqual([]);
    },
  );
});

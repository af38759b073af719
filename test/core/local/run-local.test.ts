// runLocal end to end in-process on a temp warehouse: the counts reconcile with what the generator says it made,
// the tables hold exactly those rows (read back with our reader and with icebird, an independent Iceberg reader),
// and a re-run continues the stream (new offsets, new events, later clock) instead of replaying it.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { icebergRead } from 'icebird';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { readRows } from '../../../core/iceberg/scan/read-rows.js';
import { BAD_KINDS } from '../../../core/generator/record.js';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { runLocal } from '../../../core/local/run-local.js';
import type { LocalRunProgress, LocalRunResult } from '../../../core/local/run-local.js';
import { LOCAL_SALT_FILE } from '../../../core/local/reset-warehouse.js';
import { installLocalFetch } from '../iceberg/conformance/local-fetch.js';

const EVENTS = 2000;
const ENV = {}; // no SHOPLAKE_PII_SALT*: the warehouse's own development salt
let root: string;
let warehouse: string;
let first: LocalRunResult;
const progress: LocalRunProgress[] = [];

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'local-run-'));
  warehouse = path.join(root, 'warehouse');
  first = await runLocal({
    warehouse,
    events: EVENTS,
    batchSize: 1000,
    env: ENV,
    onProgress: (p) => progress.push({ ...p }),
  });
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const table = (r: LocalRunResult, name: string) => r.tables.find((t) => t.table === name);
const bronzeRows = (r: LocalRunResult): number =>
  r.tables.filter((t) => t.namespace === 'bronze').reduce((n, t) => n + t.records, 0);

describe('runLocal on an empty warehouse', () => {
  it('reconciles: in = generated = bronze = silver + quarantined + duplicate-skipped', () => {
    const c = first.counts;
    expect(first.reconciliation.checks.filter((k) => !k.ok)).toEqual([]);
    expect(first.reconciliation.ok).toBe(true);
    expect(c.in).toBe(EVENTS);
    expect(c.bronze).toBe(EVENTS);
    expect(c.silver + c.quarantined + c.duplicates).toBe(EVENTS);
    expect(first.continued).toBe(false);
    expect(first.seed).toBe(42);
  });

  it("reports progress after every batch, ending at the run's own counts", () => {
    expect(first.batches).toBeGreaterThan(2);
    expect(progress).toHaveLength(first.batches);
    expect(progress.map((p) => p.batches)).toEqual(progress.map((_, i) => i + 1));
    for (const [i, p] of progress.entries()) {
      expect(p.total).toBe(EVENTS);
      if (i > 0) expect(p.records, `call ${i}`).toBeGreaterThan(progress[i - 1]!.records);
      // Every batch reconciles on its own, so every report does.
      expect(p.landed + p.quarantined + p.duplicates, `call ${i}`).toBe(p.records);
    }
    expect(progress.at(-1)).toEqual({
      records: EVENTS,
      total: EVENTS,
      batches: first.batches,
      landed: first.counts.silver,
      quarantined: first.counts.quarantined,
      duplicates: first.counts.duplicates,
    });
  });

  it('quarantines exactly the bad records and skips exactly the resent ones the generator made', () => {
    const g = first.generated.byKind;
    const bad = BAD_KINDS.reduce((n, k) => n + g[k], 0);
    expect(bad).toBeGreaterThan(0);
    expect(g.duplicate).toBeGreaterThan(0);
    expect(first.counts.quarantined).toBe(bad);
    expect(first.counts.duplicates).toBe(g.duplicate);
    expect(first.counts.silver).toBe(g.good + g.late);
    expect(Object.values(first.counts.reasons).reduce((a, b) => a + b, 0)).toBe(bad);
  });

  it('reports per-table figures that match the rows actually in the tables', async () => {
    const catalog = new LocalCatalog(warehouse);
    for (const name of ['bronze.behaviour', 'silver.order_created', 'silver.order_line_items', 'ops.quarantine']) {
      const t = table(first, name)!;
      expect(t, name).toBeDefined();
      const [namespace, tableName] = name.split('.') as [string, string];
      const rows = await readRows(await catalog.loadTable({ namespace, name: tableName }));
      expect(rows.length, name).toBe(t.records);
      expect(t.added, name).toBe(t.records);
      expect(t.dataFiles, name).toBeGreaterThan(0);
      expect(t.snapshots, name).toBeGreaterThan(0);
      expect(t.bytes, name).toBeGreaterThan(0);
      expect(t.currentSnapshotId, name).toMatch(/^\d+$/);
    }
    expect(bronzeRows(first)).toBe(EVENTS);
    expect(table(first, 'ops.quarantine')!.records).toBe(first.counts.quarantined);
  });

  it('writes standard Iceberg tables: icebird reads them with the same row counts', async () => {
    const restore = installLocalFetch((url) => (url.startsWith(`${warehouse}/`) ? url : undefined));
    try {
      for (const name of ['silver.order_created', 'bronze.orders', 'ops.quarantine']) {
        const t = table(first, name)!;
        const rows = await icebergRead({ tableUrl: t.location });
        expect(rows.length, name).toBe(t.records);
        expect(rows.length, name).toBeGreaterThan(0);
      }
    } finally {
      restore();
    }
  });

  it('keeps its development PII salt inside the warehouse, not in the tables', async () => {
    const salt = (await fs.readFile(path.join(warehouse, LOCAL_SALT_FILE), 'utf8')).trim();
    expect(salt.length).toBeGreaterThanOrEqual(32);
    const catalog = new LocalCatalog(warehouse);
    expect(await catalog.listNamespaces()).toEqual(['bronze', 'ops', 'silver']);
  });
});

describe('runLocal again on the same warehouse', () => {
  let second: LocalRunResult;
  beforeAll(async () => {
    second = await runLocal({ warehouse, events: 500, batchSize: 500, env: ENV });
  });

  it('continues the stream: new seed, later clock, and reconciles on its own', () => {
    expect(second.continued).toBe(true);
    expect(second.seed).toBe(42 + EVENTS);
    expect(Date.parse(second.start)).toBeGreaterThan(Date.parse(first.start));
    expect(second.reconciliation.ok).toBe(true);
    expect(second.counts.in).toBe(500);
    expect(second.counts.bronze).toBe(500);
    expect(bronzeRows(second)).toBe(EVENTS + 500);
  });

  it('appends the new records after each partition checkpoint (no offset is reused)', async () => {
    const catalog = new LocalCatalog(warehouse);
    const rows = await readRows(await catalog.loadTable({ namespace: 'bronze', name: 'behaviour' }), {
      columns: ['kafka_partition', 'kafka_offset'],
    });
    const keys = new Set(rows.map((r) => `${String(r.kafka_partition)}/${String(r.kafka_offset)}`));
    expect(keys.size).toBe(rows.length);
    // offsets stay dense per partition: 0..n-1
    const byPartition = new Map<number, number[]>();
    for (const r of rows) {
      const p = Number(r.kafka_partition);
      byPartition.set(p, [...(byPartition.get(p) ?? []), Number(r.kafka_offset)]);
    }
    for (const [p, offsets] of byPartition) {
      expect(Math.max(...offsets), `partition ${p}`).toBe(offsets.length - 1);
    }
  });

  it('lands new events: silver grew by what the second run landed, its event ids are new', async () => {
    const g = second.generated.byKind;
    expect(second.counts.silver).toBe(g.good + g.late);
    expect(second.counts.duplicates).toBe(g.duplicate);
    const firstIds = new Set(
      [...generateEvents({ seed: 42, events: EVENTS })].flatMap((r) => (r.event ? [r.event.event_id] : [])),
    );
    const secondIds = [...generateEvents({ seed: second.seed, events: 500, start: second.start })].flatMap((r) =>
      r.event ? [r.event.event_id] : [],
    );
    expect(secondIds.filter((id) => firstIds.has(id))).toEqual([]);
  });
});

describe('the producer thread', () => {
  it('gives the same run as the inline producer', async () => {
    const [a, b] = [path.join(root, 'thread'), path.join(root, 'inline')];
    const thread = await runLocal({ warehouse: a, events: 300, batchSize: 100, env: ENV });
    const inline = await runLocal({ warehouse: b, events: 300, batchSize: 100, env: ENV, producerThread: false });
    expect(thread.generated).toEqual(inline.generated);
    expect(thread.counts).toEqual(inline.counts);
    expect(thread.batches).toBe(inline.batches);
    const rows = (r: LocalRunResult) => r.tables.map((t) => [t.table, t.records, t.snapshots]);
    expect(rows(thread)).toEqual(rows(inline));
  });

  it('reports a generator error from the thread and stops', async () => {
    await expect(
      runLocal({ warehouse: path.join(root, 'bad-options'), events: 10, generator: { days: 0 }, env: ENV }),
    ).rejects.toThrow(/producer thread: .*days must be a number in/);
  });
});

describe('settings shared with the deployed consumers', () => {
  it('uses the namespaces and salt the SHOPLAKE_* variables name', async () => {
    const dir = path.join(root, 'namespaced');
    const env = {
      SHOPLAKE_NAMESPACE_SILVER: 'silver_dev',
      SHOPLAKE_NAMESPACE_OPS: 'ops_dev',
      SHOPLAKE_PII_SALT: 'a-salt-of-32-characters-or-so!!',
    };
    const r = await runLocal({ warehouse: dir, events: 200, batchSize: 200, env });
    expect(r.reconciliation.checks.filter((c) => !c.ok)).toEqual([]);
    expect(await new LocalCatalog(dir).listNamespaces()).toEqual(['bronze', 'ops_dev', 'silver_dev']);
    expect(r.tables.find((t) => t.table === 'ops_dev.quarantine')?.kind).toBe('ops');
    expect(r.tables.filter((t) => t.kind === 'silver').every((t) => t.namespace === 'silver_dev')).toBe(true);
    await expect(fs.stat(path.join(dir, LOCAL_SALT_FILE))).rejects.toThrow(/ENOENT/);
  });
});

describe('runLocal --reset', () => {
  it('starts over on a warehouse it wrote', async () => {
    const r = await runLocal({ warehouse, events: 500, batchSize: 500, reset: true, env: ENV });
    expect(r.continued).toBe(false);
    expect(r.seed).toBe(42);
    expect(bronzeRows(r)).toBe(500);
    expect(r.reconciliation.ok).toBe(true);
  });

  it('refuses a directory that is not a warehouse, and deletes nothing', async () => {
    const dir = path.join(root, 'not-a-warehouse');
    await fs.mkdir(path.join(dir, 'src'), { recursive: true });
    await fs.writeFile(path.join(dir, 'notes.txt'), 'keep me');
    await fs.writeFile(path.join(dir, 'src', 'main.ts'), 'keep me too');
    await expect(runLocal({ warehouse: dir, events: 10, reset: true, env: ENV })).rejects.toThrow(
      /refusing to delete .*not-a-warehouse.*notes\.txt.*src\/main\.ts/,
    );
    expect(await fs.readFile(path.join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('rejects a batch size outside the MSK mapping range', async () => {
    await expect(runLocal({ warehouse: path.join(root, 'x'), events: 10, batchSize: 0, env: ENV })).rejects.toThrow(
      /batch size must be an integer in \[1, 10000\]/,
    );
  });
});

// The pipeline end to end on a local warehouse: generated events (good, late, duplicate and every bad kind) in
// batches through createPipeline().process(), then every table read back with the real Parquet reader.
import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { createPipeline, committedState } from '../../../core/pipeline/index.js';
import type { BatchResult, PipelineRecord } from '../../../core/pipeline/index.js';
import type { GeneratedRecord } from '../../../core/generator/record.js';
import { isGoodKind } from '../../../core/generator/record.js';
import { auditLake, generatedRecords, localWarehouses, tableRows } from '../../support/lake-audit.js';

const SALT = 'test-salt-0123456789abcdef';
const warehouse = localWarehouses('pipeline-');

function batches(records: PipelineRecord[], size: number): PipelineRecord[][] {
  const out: PipelineRecord[][] = [];
  for (let i = 0; i < records.length; i += size) out.push(records.slice(i, i + size));
  return out;
}

function sum(results: BatchResult[]) {
  const t = {
    recordsIn: 0,
    landed: 0,
    quarantined: 0,
    duplicates: 0,
    late: 0,
    alreadyCommitted: 0,
    bronze: 0,
    bronzeAlready: 0,
  };
  for (const r of results) {
    t.recordsIn += r.recordsIn;
    t.landed += r.landed;
    t.quarantined += r.quarantined;
    t.duplicates += r.duplicates;
    t.late += r.late;
    t.alreadyCommitted += r.alreadyCommitted;
    t.bronze += r.bronze.landed;
    t.bronzeAlready += r.bronze.alreadyCommitted;
  }
  return t;
}

const EXPECTED_REASON: Record<string, string[]> = {
  not_json: ['not_json'],
  invalid_utf8: ['invalid_utf8'],
  missing_required: ['missing_required'],
  wrong_type: ['wrong_type'],
  negative_quantity: ['out_of_range'],
  unknown_event_type: ['unknown_event_type'],
  oversized: ['too_long'],
  future_timestamp: ['future_timestamp'],
};

describe('pipeline on generated events', () => {
  let catalog: LocalCatalog;
  let generated: GeneratedRecord[];
  let results: BatchResult[];

  beforeAll(async () => {
    catalog = await warehouse();
    const g = generatedRecords({
      events: 2500,
      seed: 11,
      badShare: 0.03,
      duplicateShare: 0.03,
      lateShare: 0.05,
      oversizedBytes: 70_000,
    });
    generated = g.generated;
    const pipeline = createPipeline({ catalog, piiSalt: SALT, allowedLatenessSeconds: 600 });
    results = [];
    // Interleaved topics, 300 records per batch: duplicates often meet their original only through the table.
    for (const b of batches(g.records, 300)) results.push(await pipeline.process(b));
  }, 240_000);

  it('reconciles every batch: in = landed + quarantined + duplicates, in = bronze', () => {
    for (const r of results) {
      expect(r.landed + r.quarantined + r.duplicates + r.alreadyCommitted).toBe(r.recordsIn);
      expect(r.bronze.landed).toBe(r.recordsIn);
      expect(r.alreadyCommitted).toBe(0);
    }
    expect(sum(results).recordsIn).toBe(generated.length);
  });

  it('lands every record once in bronze, with its raw payload and coordinates', async () => {
    const audit = await auditLake(catalog);
    let bronzeRows = 0;
    for (const [name, a] of Object.entries(audit)) {
      expect(a.duplicated, name).toEqual([]);
      if (name.startsWith('bronze.')) bronzeRows += a.rows;
    }
    expect(bronzeRows).toBe(generated.length);
    const orders = await tableRows(catalog, 'bronze', 'orders');
    const byOffset = new Map(orders.map((r) => [`${r.kafka_partition}/${r.kafka_offset}`, r]));
    for (const g of generated.filter((x) => x.topic === 'orders')) {
      const row = byOffset.get(`${g.partition}/${g.offset}`)!;
      expect(row.payload_bytes).toBe(g.value.length);
      const raw =
        row.payload_encoding === 'base64'
          ? Buffer.from(row.payload as string, 'base64')
          : Buffer.from(row.payload as string, 'utf8');
      expect(raw.equals(g.value)).toBe(true);
      expect(Buffer.from(row.kafka_key as Uint8Array).toString()).toBe(g.key);
      expect(row.kafka_timestamp).toBe(g.timestamp * 1000);
    }
  });

  it('quarantines each bad kind with its reason code and keeps the raw bytes', async () => {
    const q = await tableRows(catalog, 'ops', 'quarantine');
    const bad = generated.filter((g) => !isGoodKind(g.kind));
    expect(bad.length).toBeGreaterThan(20);
    expect(q.length).toBe(bad.length);
    expect(sum(results).quarantined).toBe(bad.length);
    const byCoord = new Map(q.map((r) => [`${r.kafka_topic}/${r.kafka_partition}/${r.kafka_offset}`, r]));
    for (const g of bad) {
      const row = byCoord.get(`${g.topic}/${g.partition}/${g.offset}`);
      expect(row, `${g.kind} at ${g.topic}/${g.partition}/${g.offset}`).toBeDefined();
      expect(EXPECTED_REASON[g.kind], `${g.kind} got ${String(row!.reason_code)}`).toContain(row!.reason_code);
      expect(Buffer.from(row!.payload as Uint8Array).equals(g.value)).toBe(true);
      expect((row!.errors as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it('lands every valid event once in silver and skips the resends as duplicates', async () => {
    const audit = await auditLake(catalog);
    const firstSeen = new Set<string>();
    let expectedDuplicates = 0;
    for (const g of generated) {
      if (!isGoodKind(g.kind)) continue;
      const id = g.event!.event_id;
      if (firstSeen.has(id)) expectedDuplicates++;
      firstSeen.add(id);
    }
    expect(expectedDuplicates).toBeGreaterThan(10);
    const silverIds = new Set<string>();
    let silverRows = 0;
    for (const [name, a] of Object.entries(audit)) {
      if (!name.startsWith('silver.') || name.endsWith('_items') || name.endsWith('_variants')) continue;
      silverRows += a.rows;
      for (const k of a.keys) silverIds.add(k);
    }
    expect(silverRows).toBe(firstSeen.size);
    expect(silverIds).toEqual(firstSeen);
    const t = sum(results);
    expect(t.landed).toBe(firstSeen.size);
    expect(t.duplicates).toBe(expectedDuplicates);
  });

  it('explodes child tables with the parent keys and lateness flag', async () => {
    const parents = await tableRows(catalog, 'silver', 'order_created');
    const items = await tableRows(catalog, 'silver', 'order_line_items');
    const expectedItems = generated
      .filter((g) => isGoodKind(g.kind) && g.event!.event_type === 'order_created')
      .reduce((m, g) => m.set(g.event!.event_id, (g.event!.line_items as unknown[]).length), new Map<string, number>());
    expect(items.length).toBe([...expectedItems.values()].reduce((a, b) => a + b, 0));
    const late = new Map(parents.map((p) => [p.event_id, p.is_late]));
    for (const i of items) expect(i.is_late).toBe(late.get(i.event_id));
  });

  it('hashes direct PII with HMAC-SHA256 of the salt', async () => {
    const rows = await tableRows(catalog, 'silver', 'customer_registered');
    const src = new Map(
      generated
        .filter((g) => isGoodKind(g.kind) && g.event!.event_type === 'customer_registered')
        .map((g) => [g.event!.event_id, g.event!]),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const email = src.get(r.event_id as string)!.email;
      if (typeof email !== 'string') continue;
      expect(r.email).toBe(createHmac('sha256', SALT).update(email).digest('hex'));
      expect(r.email).not.toContain('@');
    }
  });

  it('flags late events against the table watermark and counts them', async () => {
    const audit = await auditLake(catalog);
    let lateRows = 0;
    for (const name of Object.keys(audit)) {
      if (!name.startsWith('silver.') || name.endsWith('_items') || name.endsWith('_variants')) continue;
      lateRows += (await tableRows(catalog, 'silver', name.slice(7), ['is_late'])).filter((r) => r.is_late).length;
    }
    expect(lateRows).toBe(sum(results).late);
    expect(lateRows).toBeGreaterThan(0);
    const table = await catalog.loadTable({ namespace: 'silver', name: 'page_viewed' });
    const rows = await tableRows(catalog, 'silver', 'page_viewed', ['event_time']);
    expect(committedState(table.metadata).watermark).toBe(Math.max(...rows.map((r) => r.event_time as number)));
  });

  it('stores the highest offset per partition in every snapshot summary of every table', async () => {
    const last = new Map<string, number>();
    for (const g of generated)
      last.set(`${g.topic}.${g.partition}`, Math.max(last.get(`${g.topic}.${g.partition}`) ?? -1, g.offset));
    const bronze = await catalog.loadTable({ namespace: 'bronze', name: 'behaviour' });
    const offsets = committedState(bronze.metadata).offsets.get('behaviour')!;
    for (const [k, o] of last) if (k.startsWith('behaviour.')) expect(offsets.get(Number(k.split('.')[1]))).toBe(o);
    const summary = bronze.metadata.snapshots!.at(-1)!.summary;
    expect(Object.keys(summary).filter((k) => k.startsWith('shoplake.offsets.behaviour.')).length).toBe(offsets.size);
  });
});

describe('replays', () => {
  it('skips a batch replayed whole (Lambda retry) and counts it as already committed', async () => {
    const catalog = await warehouse();
    const { records } = generatedRecords({ events: 400, seed: 5 });
    const first = createPipeline({ catalog, piiSalt: SALT });
    const r1 = await first.process(records);
    const before = await auditLake(catalog);
    // A new container (cold start) and the same pipeline (warm) both skip it.
    for (const p of [createPipeline({ catalog, piiSalt: SALT }), first]) {
      const r2 = await p.process(records);
      expect(r2.alreadyCommitted).toBe(records.length);
      expect(r2.bronze.alreadyCommitted).toBe(records.length);
      expect(r2.landed + r2.quarantined + r2.duplicates).toBe(0);
      expect(Object.keys(r2.tables)).toEqual([]);
    }
    const after = await auditLake(catalog);
    for (const name of Object.keys(before)) expect(after[name]!.rows, name).toBe(before[name]!.rows);
    expect(r1.recordsIn).toBe(records.length);
  });

  it('lands only the new tail of a batch that overlaps committed offsets (re-batched replay)', async () => {
    const catalog = await warehouse();
    const { records } = generatedRecords({ events: 600, seed: 6, duplicateShare: 0.05 });
    const p = createPipeline({ catalog, piiSalt: SALT });
    await p.process(records.slice(0, 400));
    const r = await p.process(records.slice(200));
    expect(r.alreadyCommitted).toBe(200);
    expect(r.bronze.landed).toBe(records.length - 400);
    const audit = await auditLake(catalog);
    for (const [name, a] of Object.entries(audit)) expect(a.duplicated, name).toEqual([]);
    const bronze = Object.entries(audit)
      .filter(([n]) => n.startsWith('bronze.'))
      .reduce((n, [, a]) => n + a.rows, 0);
    expect(bronze).toBe(records.length);
  });

  it('redelivered records inside one batch are counted once', async () => {
    const catalog = await warehouse();
    const { records } = generatedRecords({ events: 200, seed: 8 });
    const p = createPipeline({ catalog, piiSalt: SALT });
    const batch = p.batch();
    await batch.add(records.slice(0, 150));
    await batch.add(records.slice(100));
    const r = await batch.commit();
    expect(r.recordsIn).toBe(250);
    expect(r.bronze.landed).toBe(200);
    expect(r.landed + r.quarantined + r.duplicates + r.alreadyCommitted).toBe(250);
  });
});

describe('fields a contract does not declare', () => {
  /** Good records, every third one carrying extra top-level and nested keys as Shopify webhooks do. */
  function withExtras(): { records: PipelineRecord[]; extra: Set<string> } {
    const { records, generated } = generatedRecords({ events: 300, seed: 12, badShare: 0, duplicateShare: 0 });
    const extra = new Set<string>();
    const out = records.map((r, i) => {
      const e = generated[i]!.event;
      if (i % 3 !== 0 || !e) return r;
      extra.add(e.event_id);
      const text = Buffer.from(r.value!).toString('utf8');
      const more = text.replace(/}$/, ',"admin_graphql_api_id":"gid://shopify/X/1","presentment":{"currency":"EUR"}}');
      return { ...r, value: Buffer.from(more) };
    });
    return { records: out, extra };
  }

  it('lands such events by default, counts them, and keeps the raw payload in bronze only', async () => {
    const catalog = await warehouse();
    const { records, extra } = withExtras();
    const r = await createPipeline({ catalog, piiSalt: SALT }).process(records);
    expect(r).toMatchObject({ recordsIn: records.length, quarantined: 0, unknownFields: extra.size });
    expect(r.landed + r.duplicates).toBe(records.length);
    const rows = await tableRows(catalog, 'silver', 'page_viewed');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(Object.keys(row)).not.toContain('admin_graphql_api_id');
    const bronze = await tableRows(catalog, 'bronze', 'behaviour', ['payload']);
    expect(bronze.filter((b) => (b.payload as string).includes('admin_graphql_api_id')).length).toBeGreaterThan(0);
  });

  it("quarantines them as unknown_field with unknownFields: 'reject'", async () => {
    const catalog = await warehouse();
    const { records, extra } = withExtras();
    const r = await createPipeline({ catalog, piiSalt: SALT, unknownFields: 'reject' }).process(records);
    expect(r.quarantined).toBe(extra.size);
    expect(r.reasons).toEqual({ unknown_field: extra.size });
    expect(r.unknownFields).toBe(0);
  });
});

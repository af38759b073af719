// Issue 5 "Bad input": a hostile corpus sent through the Lambda handler in one MSK batch, mixed with good
// records. The handler never throws; every hostile record lands in ops.quarantine with its reason code; the good
// records of the same batch land in silver; in = landed + quarantined + duplicates; every record is in bronze.
import { promises as fs } from 'node:fs';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { planFiles } from '../../../core/iceberg/scan/plan-files.js';
import { createHandler } from '../../../lambdas/ingest/handler.js';
import type { IngestResponse } from '../../../lambdas/ingest/handler.js';
import { tableRows, tempDir } from '../../support/lake-audit.js';

type Event = Record<string, unknown>;

// Good orders-topic events to build on (the generator's valid order_created events).
const goods = [...generateEvents({ events: 3000, seed: 3, badShare: 0, duplicateShare: 0, lateShare: 0 })]
  .filter((g) => g.kind === 'good' && g.eventType === 'order_created')
  .slice(0, 12)
  .map((g) => ({ event: JSON.parse(g.value.toString()) as Event, timestamp: g.timestamp }));
// A valid behaviour-topic event, to be sent on the orders topic.
const pageView = [...generateEvents({ events: 300, seed: 3, badShare: 0, duplicateShare: 0, lateShare: 0 })].find(
  (g) => g.kind === 'good' && g.eventType === 'page_viewed',
)!.value;

interface Case {
  name: string;
  /** Expected reason code; 'duplicate' for the resent event_id. */
  expect: string;
  /** The Kafka key; default the shop_id of the good event the case is built on (or of the first one). */
  key?: string | null;
  value: Buffer | null;
}

const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o), 'utf8');
const base = (i: number): Event => structuredClone(goods[i]!.event);

function corpus(): Case[] {
  const deepArray = Buffer.from('['.repeat(10_000) + ']'.repeat(10_000));
  const deepObject = Buffer.from('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000));
  const deepField = Buffer.from(
    JSON.stringify({ ...base(0), tags: null }).replace(
      /"tags":null/,
      `"tags":${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    ),
  );
  const proto = Buffer.from(JSON.stringify(base(1)).replace(/^{/, '{"__proto__":{"polluted":true},'));
  const ctor = Buffer.from(JSON.stringify(base(2)).replace(/^{/, '{"constructor":{"prototype":{"polluted":true}},'));
  const missing = base(3);
  delete missing.order_id;
  const future = { ...base(4), event_time: '2150-01-01T00:00:00Z' };
  const negative = base(5);
  (negative.line_items as Event[])[0]!.quantity = -2;
  const fractional = base(6);
  (fractional.line_items as Event[])[0]!.quantity = 1.5;
  return [
    {
      name: 'invalid UTF-8',
      expect: 'invalid_utf8',
      value: Buffer.concat([Buffer.from('{"event_id":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
    },
    { name: 'not JSON', expect: 'not_json', value: Buffer.from('{"event_id": "abc", oops') },
    { name: 'XML', expect: 'not_json', value: Buffer.from('<order><id>1</id></order>') },
    { name: 'JSON array', expect: 'not_an_object', value: json([1, 2, 3]) },
    { name: 'JSON string', expect: 'not_an_object', value: json('order_created') },
    { name: 'JSON number', expect: 'not_an_object', value: json(42) },
    { name: 'JSON null', expect: 'not_an_object', value: Buffer.from('null') },
    { name: '10,000-deep array', expect: 'not_an_object', value: deepArray },
    { name: '10,000-deep object', expect: 'missing_required', value: deepObject },
    { name: '10,000-deep value of a declared field', expect: 'wrong_type', value: deepField },
    { name: '5 MB string', expect: 'too_long', value: json({ ...base(7), name: 'x'.repeat(5 * 1024 * 1024) }) },
    { name: '__proto__ key', expect: 'forbidden_key', value: proto },
    { name: 'constructor key', expect: 'forbidden_key', value: ctor },
    { name: 'wrong type', expect: 'wrong_type', value: json({ ...base(8), order_id: 'not-a-number' }) },
    { name: 'missing required field', expect: 'missing_required', value: json(missing) },
    {
      name: 'unknown event_type',
      expect: 'unknown_event_type',
      value: json({ ...base(9), event_type: 'order_teleported' }),
    },
    { name: 'event on the wrong topic', expect: 'wrong_topic', value: pageView },
    { name: 'event_time years ahead', expect: 'future_timestamp', value: json(future) },
    { name: 'negative quantity', expect: 'out_of_range', value: json(negative) },
    { name: 'fractional quantity', expect: 'not_integer', value: json(fractional) },
    { name: 'null key', expect: 'missing_key', key: null, value: json(base(10)) },
    { name: 'key not the shop_id', expect: 'key_mismatch', key: 'another-shop', value: json(base(10)) },
    { name: 'null value', expect: 'null_value', value: null },
    { name: 'empty value', expect: 'not_json', value: Buffer.alloc(0) },
    { name: 'duplicate event_id', expect: 'duplicate', value: json(base(11)) },
  ];
}

function mskRecord(offset: number, value: Buffer | null, key: string | null, timestamp: number): MSKRecord {
  return {
    topic: 'orders',
    partition: 0,
    offset,
    timestamp,
    timestampType: 'CREATE_TIME',
    key: key === null ? (null as unknown as string) : Buffer.from(key).toString('base64'),
    value: value === null ? (null as unknown as string) : value.toString('base64'),
    headers: [{ 'content-type': [...Buffer.from('application/json')] }],
  };
}

describe('hostile corpus through the Lambda handler', () => {
  let dir: string;
  let response: IngestResponse;
  let cases: Case[];
  const goodIds: string[] = [];

  beforeAll(async () => {
    dir = await tempDir('hostile-');
    cases = corpus();
    const records: MSKRecord[] = [];
    let offset = 0;
    // One Kafka timestamp (the latest of the good events): the validator's clock for event_time checks.
    const ts = Math.max(...goods.map((g) => g.timestamp));
    // Good records, the first with __proto__ and constructor as keys of its map field (legal data), the second
    // with fields its contract does not declare, one of them 10,000 deep (ignored: real webhooks carry more
    // fields than the contracts model).
    for (let i = 0; i < 12; i++) {
      const e = base(i);
      goodIds.push(e.event_id as string);
      let text = JSON.stringify(e);
      if (i === 0) {
        delete e.note_attributes;
        text = JSON.stringify(e).replace(/}$/, ',"note_attributes":{"__proto__":"gift","constructor":"wrap"}}');
      }
      if (i === 1) {
        const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
        text = text.replace(/}$/, `,"admin_graphql_api_id":"gid://shopify/Order/1","extensions":${deep}}`);
      }
      records.push(mskRecord(offset++, Buffer.from(text), e.shop_id as string, ts));
    }
    for (const c of cases) {
      let shop = goods[0]!.event.shop_id as string;
      try {
        const parsed = JSON.parse(c.value?.toString() ?? 'null') as { shop_id?: unknown };
        if (typeof parsed?.shop_id === 'string') shop = parsed.shop_id;
      } catch {
        // not JSON: any key
      }
      records.push(mskRecord(offset++, c.value, c.key === undefined ? shop : c.key, ts));
    }
    const event: MSKEvent = {
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/test/x',
      bootstrapServers: 'b-1:9098',
      records: { 'orders-0': records },
    };
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    const handler = createHandler({
      env: { SHOPLAKE_WAREHOUSE: dir, SHOPLAKE_CATALOG: 'local', SHOPLAKE_PII_SALT: 'hostile-salt-0123456789' },
    });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    response = await handler(event);
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('never throws and reconciles: in = landed + quarantined + duplicates = bronze', () => {
    expect(response.recordsIn).toBe(12 + cases.length);
    expect(response.landed + response.quarantined + response.duplicates).toBe(response.recordsIn);
    expect(response.bronzeLanded).toBe(response.recordsIn);
    expect(response.landed).toBe(12);
    expect(response.unknownFields).toBe(1);
    expect(response.duplicates).toBe(1);
    expect(response.quarantined).toBe(cases.length - 1);
  });

  it('quarantines each hostile record with its reason code and raw bytes', async () => {
    const catalog = new LocalCatalog(dir);
    const q = await tableRows(catalog, 'ops', 'quarantine');
    const byOffset = new Map(q.map((r) => [r.kafka_offset as number, r]));
    cases.forEach((c, i) => {
      const row = byOffset.get(12 + i);
      if (c.expect === 'duplicate') {
        expect(row, c.name).toBeUndefined();
        return;
      }
      expect(row, c.name).toBeDefined();
      expect(row!.reason_code, c.name).toBe(c.expect);
      expect((row!.errors as { code: string }[])[0]!.code, c.name).toBe(c.expect);
      expect(row!.payload === null ? null : Buffer.from(row!.payload as Uint8Array).equals(c.value!), c.name).toBe(
        c.value === null ? null : true,
      );
      expect(row!.payload_bytes, c.name).toBe(c.value?.length ?? 0);
    });
  });

  it('lands the good records of the same batch, map keys like __proto__ included, with no prototype pollution', async () => {
    const catalog = new LocalCatalog(dir);
    const silver = await tableRows(catalog, 'silver', 'order_created');
    expect(silver.map((r) => r.event_id).sort()).toEqual([...goodIds].sort());
    // Read the map through DuckDB: our Parquet reader returns maps through hyparquet's plain objects, which drop a
    // "__proto__" key (reported to core/iceberg/parquet); the file itself holds both keys.
    const table = await catalog.loadTable({ namespace: 'silver', name: 'order_created' });
    const plan = await planFiles(table);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const files = plan.tasks.map((t) => `'${t.file.file_path}'`).join(', ');
    const rows = await conn.runAndReadAll(
      `SELECT map_keys(note_attributes)::VARCHAR AS k FROM read_parquet([${files}]) WHERE event_id = '${goodIds[0]}'`,
    );
    expect(rows.getRows()).toEqual([['[__proto__, constructor]']]);
    conn.closeSync();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    const bronze = await tableRows(catalog, 'bronze', 'orders', ['kafka_offset']);
    expect(bronze.length).toBe(12 + cases.length);
  });
});

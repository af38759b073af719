// openQuerySession: DuckDB views named like the tables over a warehouse runLocal wrote; exact values (bigint,
// decimal with its scale, ISO timestamps in UTC); clear errors for bad SQL, unknown tables and missing warehouses.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { readRows } from '../../../core/iceberg/scan/read-rows.js';
import { runLocal } from '../../../core/local/run-local.js';
import type { LocalRunResult } from '../../../core/local/run-local.js';
import { openQuerySession, WarehouseNotFoundError } from '../../../core/local/query-session.js';
import type { QuerySession } from '../../../core/local/query-session.js';
import { displayValue, toJson } from '../../../core/local/duckdb-values.js';

let root: string;
let warehouse: string;
let run: LocalRunResult;
let session: QuerySession;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'local-query-'));
  warehouse = path.join(root, 'wh');
  run = await runLocal({ warehouse, events: 1500, batchSize: 1500, env: {} });
  session = await openQuerySession(warehouse);
});

afterAll(async () => {
  session?.close();
  await fs.rm(root, { recursive: true, force: true });
});

describe('views over the warehouse', () => {
  it('has one view per table, named namespace.table', () => {
    expect(session.skipped).toEqual([]);
    expect(session.tables).toEqual(run.tables.map((t) => t.table));
    expect(session.tables).toContain('silver.order_created');
    expect(session.tables).toContain('ops.quarantine');
  });

  it('counts the rows of every table as the table totals say', async () => {
    const sql = run.tables.map((t) => `SELECT '${t.table}' AS t, count(*) AS n FROM ${t.table}`).join(' UNION ALL ');
    const r = await session.query(sql);
    const counts = Object.fromEntries(r.rows.map(([t, n]) => [t as string, n]));
    for (const t of run.tables) expect(counts[t.table], t.table).toBe(BigInt(t.records));
  });

  it('returns exact values: decimals keep their scale, timestamps are ISO 8601 UTC, ids match the reader', async () => {
    const r = await session.query(
      'SELECT event_id, total_price, event_time, kafka_offset FROM silver.order_created ORDER BY kafka_partition, kafka_offset LIMIT 1',
    );
    expect(r.columns.map((c) => c.type)).toEqual([
      expect.any(String),
      expect.stringMatching(/^DECIMAL\(\d+,2\)$/),
      'TIMESTAMP WITH TIME ZONE',
      'BIGINT',
    ]);
    const [id, price, time] = r.rows[0]!;
    expect(price).toMatch(/^\d+\.\d\d$/);
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const rows = await readRows(
      await new LocalCatalog(warehouse).loadTable({ namespace: 'silver', name: 'order_created' }),
      { columns: ['event_id', 'total_price', 'event_time'] },
    );
    const same = rows.find((x) => x.event_id === id);
    expect(same).toBeDefined();
    expect(same!.total_price).toBe(price);
    expect(new Date(Number(same!.event_time) / 1000).toISOString().replace('.000Z', 'Z')).toBe(
      (time as string).replace(/\.(\d{3})\d*Z$/, '.$1Z').replace('.000Z', 'Z'),
    );
  });

  it('limits the rows read with maxRows and says so', async () => {
    const r = await session.query('SELECT * FROM bronze.behaviour', { maxRows: 5 });
    expect(r.rows).toHaveLength(5);
    expect(r.truncated).toBe(true);
    const all = await session.query('SELECT 1 AS x', { maxRows: 5 });
    expect(all.truncated).toBe(false);
  });
});

describe('value conversion', () => {
  it('keeps integers exact, decimals as text, nested values as JSON', async () => {
    const r = await session.query(
      `SELECT 9007199254740993::BIGINT AS big, 170141183460469231731687303715884105727::HUGEINT AS huge,
              12.30::DECIMAL(12,2) AS price, TIMESTAMPTZ '2025-03-03 12:00:00.123456+02' AS tz,
              TIMESTAMP '2025-03-03 12:00:00' AS ts, DATE '2025-03-03' AS d, [1, NULL] AS l, {'a': 'x'} AS s,
              '\\x00\\xff'::BLOB AS b, NULL AS n`,
    );
    const [big, huge, price, tz, ts, d, l, s, b, n] = r.rows[0]!;
    expect(big).toBe(9007199254740993n);
    expect(huge).toBe(170141183460469231731687303715884105727n);
    expect(price).toBe('12.30');
    expect(tz).toBe('2025-03-03T10:00:00.123456Z');
    expect(ts).toBe('2025-03-03T12:00:00');
    expect(d).toBe('2025-03-03');
    expect(l).toEqual([1, null]);
    expect(s).toEqual({ a: 'x' });
    expect(b).toBe('00ff');
    expect(n).toBeNull();
    expect(toJson(r.rows[0]!)).toBe(
      '[9007199254740993,170141183460469231731687303715884105727,"12.30","2025-03-03T10:00:00.123456Z",' +
        '"2025-03-03T12:00:00","2025-03-03",[1,null],{"a":"x"},"00ff",null]',
    );
    expect(r.rows[0]!.map(displayValue)).toEqual([
      '9007199254740993',
      '170141183460469231731687303715884105727',
      '12.30',
      '2025-03-03T10:00:00.123456Z',
      '2025-03-03T12:00:00',
      '2025-03-03',
      '[1,null]',
      '{"a":"x"}',
      '00ff',
      'NULL',
    ]);
  });
});

describe('errors', () => {
  it('reports bad SQL with DuckDB’s parser message', async () => {
    await expect(session.query('SELEC 1')).rejects.toThrow(/Parser Error: syntax error at or near "SELEC"/);
  });

  it('names the tables that exist when a table is unknown', async () => {
    await expect(session.query('SELECT * FROM silver.nope')).rejects.toThrow(
      /Table with name nope does not exist[\s\S]*tables: .*silver\.order_created/,
    );
  });

  it('rejects empty SQL', async () => {
    await expect(session.query('  ')).rejects.toThrow(/empty SQL/);
  });

  it('rejects a missing warehouse with a hint', async () => {
    const missing = path.join(root, 'missing');
    await expect(openQuerySession(missing)).rejects.toThrow(WarehouseNotFoundError);
    await expect(openQuerySession(missing)).rejects.toThrow(/does not exist.*shoplake local run --warehouse/);
  });

  it('rejects a file given as the warehouse', async () => {
    const file = path.join(root, 'file.txt');
    await fs.writeFile(file, 'x');
    await expect(openQuerySession(file)).rejects.toThrow(/is not a directory/);
  });
});

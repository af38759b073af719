// Test helpers for the maintenance tests: a warehouse landed by the real ingest pipeline (core/pipeline +
// core/generator) in many small Lambda-style batches, so every table has many small files and snapshots carrying
// the exactly-once offsets; and table fingerprints read two independent ways (scan/readRows and DuckDB's own
// Parquet reader) to prove maintenance changed no row.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Catalog, LoadedTable, TableIdentifier } from '../../../core/iceberg/catalog/catalog.js';
import { planFiles } from '../../../core/iceberg/scan/plan-files.js';
import { readRows } from '../../../core/iceberg/scan/read-rows.js';
import { createDuckDBView } from '../../../core/iceberg/scan/duckdb-view.js';
import { createPipeline } from '../../../core/pipeline/index.js';
import type { BatchResult, Pipeline, PipelineOptions, PipelineRecord } from '../../../core/pipeline/index.js';
import { expect } from 'vitest';
import { generatedRecords, tempDir } from '../../support/lake-audit.js';

export const SALT = 'maintenance-salt-0123456789abcdef';

export interface Lake {
  catalog: Catalog;
  pipeline: Pipeline;
  records: PipelineRecord[];
  batches: PipelineRecord[][];
}

/** Generated records (a fixed seed) in Lambda-sized batches. */
export function lakeRecords(events: number, seed: number, batchSize: number) {
  const { records } = generatedRecords({ events, seed, partitions: 3, badShare: 0.03, duplicateShare: 0.03 });
  const batches: PipelineRecord[][] = [];
  for (let i = 0; i < records.length; i += batchSize) batches.push(records.slice(i, i + batchSize));
  return { records, batches };
}

/** Lands the batches one commit per table per batch, as the Lambda consumer does. */
export async function ingest(
  catalog: Catalog,
  batches: PipelineRecord[][],
  options: Partial<PipelineOptions> = {},
): Promise<Pipeline> {
  const pipeline = createPipeline({ catalog, piiSalt: SALT, ...options });
  for (const b of batches) await pipeline.process(b);
  return pipeline;
}

export async function newDir(dirs: string[], prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  dirs.push(d);
  return d;
}

export const id = (qualified: string): TableIdentifier => {
  const [namespace, name] = qualified.split('.') as [string, string];
  return { namespace, name };
};

/** A row as canonical text: keys sorted, bigints and bytes spelled out, maps as sorted entries. */
function canonical(v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [canonical(k), canonical(x)]).sort();
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v ?? null;
}

/** Row count and a hash of the sorted canonical rows, through scan/readRows. */
export async function rowsFingerprint(table: LoadedTable): Promise<{ rows: number; hash: string }> {
  const lines = (await readRows(table)).map((r) => JSON.stringify(canonical(r))).sort();
  return { rows: lines.length, hash: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

/** Row count and an order-independent hash of every row, through DuckDB's own Parquet reader. */
export async function duckdbFingerprint(table: LoadedTable): Promise<{ rows: number; hash: string }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await createDuckDBView(conn, 't', table);
    const reader = await conn.runAndReadAll(
      `SELECT count(*)::BIGINT AS n, coalesce(md5(string_agg(r, '|' ORDER BY r)), '') AS h
       FROM (SELECT CAST(t AS VARCHAR) AS r FROM t)`,
    );
    const [n, h] = reader.getRows()[0] as [bigint, string];
    return { rows: Number(n), hash: h };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The current snapshot's data files. */
export async function dataFiles(table: LoadedTable) {
  return (await planFiles(table)).tasks.map((t) => t.file);
}

/** Every regular file under a directory (absolute paths), sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else out.push(full);
    }
  };
  await walk(dir);
  return out.sort();
}

/** Sets the modification time of every file under `dir` to `ms` (files written "days ago"). */
export async function backdate(dir: string, ms: number): Promise<void> {
  const t = new Date(ms);
  for (const f of await filesUnder(dir)) await fs.utimes(f, t, t);
}

/**
 * A replay landed nothing anywhere: every record was already in bronze, and no silver, child or quarantine row
 * was written (a resend of an event is counted as a duplicate again, everything else as already committed).
 */
export function expectNothingLanded(result: BatchResult, records: number): void {
  expect(result.recordsIn).toBe(records);
  expect(result.bronze).toEqual({ landed: 0, alreadyCommitted: records });
  expect(result.landed).toBe(0);
  expect(result.quarantined).toBe(0);
  expect(result.alreadyCommitted + result.duplicates).toBe(records);
  for (const [name, t] of Object.entries(result.tables)) expect(t.rows, name).toBe(0);
}

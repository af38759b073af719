// Test helpers for the ingest pipeline: generated records as PipelineRecords, and an audit of a warehouse that
// reads every table written by the pipeline and counts rows and distinct keys (the table's identifier fields from
// the contracts: (topic, partition, offset) for bronze and quarantine, event_id for silver, event_id + item id
// for child tables). "0 lost, 0 duplicated" = every key present once, none twice.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { contracts } from '../../core/contracts/index.js';
import type { Catalog } from '../../core/iceberg/catalog/catalog.js';
import { LocalCatalog } from '../../core/iceberg/catalog/local-catalog.js';
import { NoSuchTableError } from '../../core/iceberg/catalog/errors.js';
import { readRows } from '../../core/iceberg/scan/read-rows.js';
import type { Row } from '../../core/iceberg/scan/read-rows.js';
import { generateEvents } from '../../core/generator/generate-events.js';
import type { GenerateOptionsInput } from '../../core/generator/options.js';
import type { GeneratedRecord } from '../../core/generator/record.js';
import type { PipelineRecord } from '../../core/pipeline/index.js';

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * Fresh local warehouses (Hadoop layout) in temp directories, all removed after the test file:
 * `const warehouse = localWarehouses('pipeline-')`, then `await warehouse()` or `await warehouse('other-prefix-')`.
 */
export function localWarehouses(defaultPrefix: string): (prefix?: string) => Promise<LocalCatalog> {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
  });
  return async (prefix = defaultPrefix) => {
    const d = await tempDir(prefix);
    dirs.push(d);
    return new LocalCatalog(d);
  };
}

export function toPipelineRecord(g: GeneratedRecord): PipelineRecord {
  return {
    topic: g.topic,
    partition: g.partition,
    offset: g.offset,
    timestamp: g.timestamp,
    timestampType: 'CREATE_TIME',
    key: Buffer.from(g.key, 'utf8'),
    value: g.value,
    headers: Object.entries(g.headers).map(([key, value]) => ({ key, value: Buffer.from(value, 'utf8') })),
  };
}

/** Generated records (with their test kinds) in generation order. */
export function generatedRecords(options: GenerateOptionsInput): {
  records: PipelineRecord[];
  generated: GeneratedRecord[];
} {
  const generated = [...generateEvents(options)];
  return { records: generated.map(toPipelineRecord), generated };
}

export interface TableAudit {
  rows: number;
  /** Distinct keys (identifier field values joined by '|'). */
  keys: Set<string>;
  /** Keys seen more than once. */
  duplicated: string[];
}

/** Rows of a table, or [] when the pipeline never created it. */
export async function tableRows(catalog: Catalog, namespace: string, name: string, columns?: string[]): Promise<Row[]> {
  try {
    return await readRows(await catalog.loadTable({ namespace, name }), columns ? { columns } : {});
  } catch (e) {
    if (e instanceof NoSuchTableError) return [];
    throw e;
  }
}

/** Every contracts table, keyed `silver.order_created` (namespaces: the layer names unless mapped). */
export async function auditLake(
  catalog: Catalog,
  namespaces: Record<string, string> = { bronze: 'bronze', silver: 'silver', ops: 'ops' },
): Promise<Record<string, TableAudit>> {
  const out: Record<string, TableAudit> = {};
  for (const t of contracts().tables) {
    const rows = await tableRows(catalog, namespaces[t.namespace]!, t.name, t.identifierFields);
    const keys = new Set<string>();
    const duplicated: string[] = [];
    for (const r of rows) {
      const k = t.identifierFields.map((f) => String(r[f])).join('|');
      if (keys.has(k)) duplicated.push(k);
      keys.add(k);
    }
    out[t.qualifiedName] = { rows: rows.length, keys, duplicated };
  }
  return out;
}

/** Table by table, the same keys as the reference warehouse and none twice (0 lost, 0 duplicated). */
export function compareAudits(actual: Record<string, TableAudit>, reference: Record<string, TableAudit>): string[] {
  const problems: string[] = [];
  for (const [name, ref] of Object.entries(reference)) {
    const a = actual[name]!;
    if (a.duplicated.length > 0)
      problems.push(`${name}: ${a.duplicated.length} duplicated keys, e.g. ${a.duplicated[0]}`);
    const lost = [...ref.keys].filter((k) => !a.keys.has(k));
    const extra = [...a.keys].filter((k) => !ref.keys.has(k));
    if (lost.length > 0) problems.push(`${name}: ${lost.length} lost keys, e.g. ${lost[0]}`);
    if (extra.length > 0) problems.push(`${name}: ${extra.length} unexpected keys, e.g. ${extra[0]}`);
  }
  return problems;
}

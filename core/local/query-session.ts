// openQuerySession: SQL over a local warehouse with DuckDB (@duckdb/node-api). Every table becomes a view named
// like the table (`bronze.orders`, `silver.order_created`: one DuckDB schema per namespace) over the Parquet files
// its current snapshot plans to (core/iceberg/scan/duckdb-view.ts: columns matched by field id, position deletes
// applied), so DuckDB needs no iceberg or httpfs extension. Extension auto-install is off (no network here; a query
// that needs a missing extension fails with DuckDB's error instead of hanging), and the session time zone is UTC.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LocalCatalog } from '../iceberg/catalog/local-catalog.js';
import { createDuckDBView } from '../iceberg/scan/duckdb-view.js';
import { plainValue } from './duckdb-values.js';
import type { PlainValue } from './duckdb-values.js';

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: PlainValue[][];
  /** True when more rows existed than `maxRows`. */
  truncated: boolean;
}

export interface QuerySession {
  /** Views created, `namespace.table`. */
  tables: string[];
  /** Tables that could not be opened, with the reason (the other tables stay queryable). */
  skipped: { table: string; error: string }[];
  /** Runs the SQL (several statements: the last one's result); at most `maxRows` rows are read. */
  query(sql: string, options?: { maxRows?: number }): Promise<QueryResult>;
  close(): void;
}

export class WarehouseNotFoundError extends Error {
  constructor(readonly warehouse: string) {
    super(`warehouse ${warehouse} does not exist (create one with \`shoplake local run --warehouse ${warehouse}\`)`);
    this.name = 'WarehouseNotFoundError';
  }
}

/** Throws WarehouseNotFoundError when the directory is missing, and a clear error when it is not a directory. */
export async function checkWarehouse(warehouse: string): Promise<string> {
  const dir = path.resolve(warehouse);
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat) throw new WarehouseNotFoundError(warehouse);
  if (!stat.isDirectory()) throw new Error(`warehouse ${warehouse} is not a directory`);
  return dir;
}

export async function openQuerySession(warehouse: string): Promise<QuerySession> {
  const dir = await checkWarehouse(warehouse);
  const catalog = new LocalCatalog(dir);
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  const tables: string[] = [];
  const skipped: { table: string; error: string }[] = [];
  try {
    for (const ns of await catalog.listNamespaces()) {
      const ids = await catalog.listTables(ns);
      if (ids.length === 0) continue;
      await conn.run(`CREATE SCHEMA IF NOT EXISTS ${ident(ns)}`);
      await conn.run(`USE ${ident(ns)}`);
      for (const id of ids) {
        const name = `${id.namespace}.${id.name}`;
        try {
          await createDuckDBView(conn, id.name, await catalog.loadTable(id));
          tables.push(name);
        } catch (e) {
          skipped.push({ table: name, error: e instanceof Error ? e.message : String(e) });
        }
      }
      await conn.run('USE main');
    }
  } catch (e) {
    conn.closeSync();
    instance.closeSync();
    throw e;
  }
  return {
    tables,
    skipped,
    query: (sql, options) => query(conn, sql, tables, options?.maxRows),
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

async function query(conn: DuckDBConnection, sql: string, tables: string[], maxRows?: number): Promise<QueryResult> {
  if (sql.trim() === '') throw new Error('empty SQL');
  let reader;
  try {
    reader = await conn.streamAndReadUntil(sql, maxRows === undefined ? Number.MAX_SAFE_INTEGER : maxRows + 1);
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/^Failed to extract statements: /, '');
    const hint = /Catalog Error: Table with name/.test(message)
      ? `\ntables: ${tables.length > 0 ? tables.join(', ') : '(none: the warehouse has no tables)'}`
      : '';
    throw new Error(`${message}${hint}`, { cause: e });
  }
  const names = reader.columnNames();
  const types = reader.columnTypes();
  let rows = reader.convertRows(plainValue);
  const truncated = maxRows !== undefined && rows.length > maxRows;
  if (truncated) rows = rows.slice(0, maxRows);
  return { columns: names.map((name, i) => ({ name, type: types[i]!.toString() })), rows, truncated };
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

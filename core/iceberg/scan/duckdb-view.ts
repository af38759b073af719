// DuckDB hand-off: a planned scan becomes a DuckDB view over `read_parquet([...])`, so SQL runs on the table's
// live files. DuckDB's npm build has no iceberg or httpfs extension here, so we plan the files and hand over
// local paths only (an s3:// file is an error; map copied tables with `localPath`).
// - Columns are matched by Iceberg field id through read_parquet's `schema` map, so schema evolution holds: a
//   column added later reads as NULL in old files, a renamed column keeps its values, int->long widens. Nested
//   columns map by id at the top level and by name inside.
// - Position deletes are applied by an anti-join on (file, row number): read_parquet(filename, file_row_number)
//   against the planned position delete files, restricted to the data files each delete file applies to.
// - Equality deletes are not handed off (their sequence-number rule needs per-file joins): such a scan is an
//   error naming the delete file; read it with readRows instead.
import type { DuckDBConnection } from '@duckdb/node-api';
import { fileURLToPath } from 'node:url';
import type { LoadedTable } from '../catalog/catalog.js';
import { DataContent } from '../spec/manifest.js';
import type { IcebergType, Schema } from '../spec/types.js';
import { planFiles } from './plan-files.js';
import type { FileScanTask, ScanOptions } from './plan-files.js';

export interface DuckDBViewOptions extends ScanOptions {
  /** Maps a file location in the table metadata to a local path (default: plain paths and file:// URIs). */
  localPath?: (location: string) => string;
}

export interface DuckDBView {
  view: string;
  /** Local paths of the data files behind the view. */
  files: string[];
  /** Local paths of the position delete files applied. */
  positionDeletes: string[];
  sql: string;
}

/** Plans the scan and (re)creates `view` in DuckDB; an empty snapshot gives an empty view with the table's columns. */
export async function createDuckDBView(
  connection: DuckDBConnection,
  view: string,
  table: LoadedTable,
  options: DuckDBViewOptions = {},
): Promise<DuckDBView> {
  const plan = await planFiles(table, options);
  const sql = duckdbViewSql(view, plan.schema, plan.tasks, options.localPath ?? defaultLocalPath);
  await connection.run(sql.sql);
  return { view, ...sql };
}

export function duckdbViewSql(
  view: string,
  schema: Schema,
  tasks: FileScanTask[],
  localPath: (location: string) => string = defaultLocalPath,
): Omit<DuckDBView, 'view'> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(view)) throw new Error(`invalid DuckDB view name ${JSON.stringify(view)}`);
  const columns = schema.fields.map((f) => `${ident(f.name)}`).join(', ');
  const files = tasks.map((t) => localPath(t.file.file_path));
  if (files.length === 0) {
    const empty = schema.fields.map((f) => `CAST(NULL AS ${duckdbType(f.type)}) AS ${ident(f.name)}`).join(', ');
    const sql = `CREATE OR REPLACE VIEW ${ident(view)} AS SELECT ${empty} WHERE false`;
    return { files, positionDeletes: [], sql };
  }
  const map = schema.fields
    .map((f) => `${f.id}: {name: ${literal(f.name)}, type: ${literal(duckdbType(f.type))}, default_value: NULL}`)
    .join(', ');
  // data file -> applicable position delete files (as local paths), rejecting equality deletes
  const pairs: [string, string][] = [];
  const deleteFiles = new Set<string>();
  for (const t of tasks) {
    for (const d of t.deletes) {
      if (d.file.content === DataContent.EqualityDeletes) {
        throw new Error(
          `DuckDB hand-off: equality delete file ${d.file.file_path} applies to ${t.file.file_path}; read this scan with readRows`,
        );
      }
      const local = localPath(d.file.file_path);
      deleteFiles.add(local);
      pairs.push([t.file.file_path, local]);
    }
  }
  const data = `read_parquet([${files.map(literal).join(', ')}], schema = map {${map}}, filename = true, file_row_number = true)`;
  if (deleteFiles.size === 0) {
    return {
      files,
      positionDeletes: [],
      sql: `CREATE OR REPLACE VIEW ${ident(view)} AS SELECT ${columns} FROM ${data}`,
    };
  }
  // m: local data path -> path as written in the delete files; a: which delete files apply to which data file.
  const m = tasks.map((t, i) => `(${literal(files[i]!)}, ${literal(t.file.file_path)})`).join(', ');
  const a = pairs.map(([dataPath, del]) => `(${literal(dataPath)}, ${literal(del)})`).join(', ');
  const deletes = `read_parquet([${[...deleteFiles].map(literal).join(', ')}], filename = true)`;
  const sql =
    `CREATE OR REPLACE VIEW ${ident(view)} AS ` +
    `WITH m(local_path, data_path) AS (VALUES ${m}), a(data_path, delete_file) AS (VALUES ${a}), ` +
    `pd AS (SELECT d.file_path, d.pos FROM ${deletes} d JOIN a ON a.delete_file = d.filename AND a.data_path = d.file_path) ` +
    `SELECT ${columns
      .split(', ')
      .map((c) => `t.${c}`)
      .join(', ')} FROM ${data} t JOIN m ON m.local_path = t.filename ` +
    `WHERE NOT EXISTS (SELECT 1 FROM pd WHERE pd.file_path = m.data_path AND pd.pos = t.file_row_number)`;
  return { files, positionDeletes: [...deleteFiles], sql };
}

/** DuckDB type for an Iceberg type. */
export function duckdbType(t: IcebergType): string {
  if (typeof t === 'string') {
    if (t.startsWith('decimal')) return t.replace(/\s+/g, '').toUpperCase();
    if (t.startsWith('fixed')) return 'BLOB';
    const m: Record<string, string> = {
      boolean: 'BOOLEAN',
      int: 'INTEGER',
      long: 'BIGINT',
      float: 'FLOAT',
      double: 'DOUBLE',
      date: 'DATE',
      time: 'TIME',
      timestamp: 'TIMESTAMP',
      timestamptz: 'TIMESTAMPTZ',
      timestamp_ns: 'TIMESTAMP_NS',
      timestamptz_ns: 'TIMESTAMPTZ',
      string: 'VARCHAR',
      uuid: 'UUID',
      binary: 'BLOB',
    };
    const d = m[t];
    if (!d) throw new Error(`no DuckDB type for Iceberg type ${t}`);
    return d;
  }
  switch (t.type) {
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${ident(f.name)} ${duckdbType(f.type)}`).join(', ')})`;
    case 'list':
      return `${duckdbType(t.element)}[]`;
    case 'map':
      return `MAP(${duckdbType(t.key)}, ${duckdbType(t.value)})`;
  }
}

function defaultLocalPath(location: string): string {
  if (location.startsWith('file:')) return fileURLToPath(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new Error(`DuckDB hand-off: ${location} is not a local file (DuckDB has no httpfs here); pass localPath`);
  }
  return location;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

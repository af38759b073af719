// DuckDB hand-off: a planned scan becomes a DuckDB view over `read_parquet([...])`, so SQL runs on the table's
// live files. DuckDB's npm build has no iceberg or httpfs extension here, so we plan the files and hand over
// local paths only (an s3:// file is an error; map copied tables with `localPath`).
// - Columns are matched by Iceberg field id through read_parquet's `schema` map, so schema evolution holds: a
//   column added later reads as NULL in old files, a renamed column keeps its values, int->long widens. Nested
//   columns map by id at the top level and by name inside.
// - Position deletes are applied by an anti-join on (file, row number): read_parquet(filename, file_row_number)
//   against the planned position delete files, restricted to the data files each delete file applies to.
// - Equality deletes are applied the same way: per group of delete files with the same equality_ids, an anti-join
//   on those columns (null equals null, as in readRows), restricted to the data files each delete file applies to.
//   Which delete applies to which data file (sequence numbers, partitions) is decided by planFiles, not here.
//   Equality columns dropped from the schema since are read under a hidden name; nested equality fields are an
//   error naming the delete file (read that scan with readRows).
import type { DuckDBConnection } from '@duckdb/node-api';
import { fileURLToPath } from 'node:url';
import type { LoadedTable } from '../catalog/catalog.js';
import { DataContent } from '../spec/manifest.js';
import type { IcebergType, NestedField, Schema } from '../spec/types.js';
import { partitionKey, planFiles } from './plan-files.js';
import { hidden } from './read-rows.js';
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
  /** Local paths of the equality delete files applied. */
  equalityDeletes: string[];
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
  // newest schema first: an equality field is typed as the table reads it now, or as it was last declared
  const schemas = [plan.schema, ...[...table.metadata.schemas].reverse()];
  const sql = duckdbViewSql(view, plan.schema, plan.tasks, options.localPath ?? defaultLocalPath, schemas);
  await connection.run(sql.sql);
  return { view, ...sql };
}

export function duckdbViewSql(
  view: string,
  schema: Schema,
  tasks: FileScanTask[],
  localPath: (location: string) => string = defaultLocalPath,
  schemas: Schema[] = [schema],
): Omit<DuckDBView, 'view'> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(view)) throw new Error(`invalid DuckDB view name ${JSON.stringify(view)}`);
  const columns = schema.fields.map((f) => ident(f.name));
  const files = tasks.map((t) => localPath(t.file.file_path));
  if (files.length === 0) {
    const empty = schema.fields.map((f) => `CAST(NULL AS ${duckdbType(f.type)}) AS ${ident(f.name)}`).join(', ');
    const sql = `CREATE OR REPLACE VIEW ${ident(view)} AS SELECT ${empty} WHERE false`;
    return { files, positionDeletes: [], equalityDeletes: [], sql };
  }
  // Position deletes: one anti-join restricted to the (data file, delete file) pairs of the plan (a delete row names
  // its data file, so the pairs never multiply rows). Equality deletes: one anti-join per set of equality_ids, with
  // the plan's rule as its residual (format/spec.md "Scan Planning", as planFiles applies it): the delete's data
  // sequence number is greater than the data file's, and the delete is global (unpartitioned spec) or in the data
  // file's partition. Listing (data file, delete file) pairs instead would copy every delete row once per data file.
  const positional: [string, string][] = [];
  const positionFiles = new Set<string>();
  /** Equality delete files grouped by their equality_ids: local path -> (sequence number, partition key or null). */
  const groups = new Map<string, { fields: NestedField[]; files: Map<string, { seq: number; pkey: string | null }> }>();
  for (const t of tasks) {
    for (const d of t.deletes) {
      const local = localPath(d.file.file_path);
      if (d.file.content === DataContent.EqualityDeletes) {
        const ids = d.file.equality_ids ?? [];
        const key = ids.join(',');
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { fields: equalityFields(d.file.file_path, ids, schemas), files: new Map() }));
        const global = Object.keys(d.file.partition ?? {}).length === 0;
        g.files.set(local, { seq: d.sequenceNumber, pkey: global ? null : partitionKey(d.specId, d.file.partition) });
      } else {
        positionFiles.add(local);
        positional.push([t.file.file_path, local]);
      }
    }
  }
  // Equality columns the current schema no longer has (dropped after the deletes were written) are read from the
  // data files under a hidden name: a dropped column's equality deletes still apply (as readRows does).
  const readFields = [...schema.fields];
  const current = new Set(schema.fields.map((f) => f.id));
  for (const g of groups.values()) {
    for (const f of g.fields) {
      if (!current.has(f.id)) {
        current.add(f.id);
        readFields.push({ ...f, name: hidden(f.id) });
      }
    }
  }
  const columnOf = (f: NestedField) => (schema.fields.some((x) => x.id === f.id) ? ident(f.name) : ident(hidden(f.id)));
  const data = `read_parquet([${files.map(pathLiteral).join(', ')}], schema = ${schemaMap(readFields)}, filename = true, file_row_number = true)`;
  if (positionFiles.size === 0 && groups.size === 0) {
    return {
      files,
      positionDeletes: [],
      equalityDeletes: [],
      sql: `CREATE OR REPLACE VIEW ${ident(view)} AS SELECT ${columns.join(', ')} FROM ${data}`,
    };
  }
  // m: local data path -> the path as the table (and its position delete files) name it, its data sequence number
  // and its partition key (as planFiles keys partitions).
  const rows = tasks.map(
    (t, i) =>
      `(${literal(files[i]!)}, ${literal(t.file.file_path)}, ${t.sequenceNumber}, ${literal(partitionKey(t.specId, t.file.partition ?? {}))})`,
  );
  const ctes = [`m(local_path, data_path, seq, pkey) AS (VALUES ${rows.join(', ')})`];
  const conditions: string[] = [];
  if (positionFiles.size > 0) {
    const deletes = `read_parquet([${[...positionFiles].map(pathLiteral).join(', ')}], filename = true)`;
    ctes.push(
      `pa(data_path, delete_file) AS (VALUES ${positional.map(([p, d]) => `(${literal(p)}, ${literal(d)})`).join(', ')})`,
      `pd AS (SELECT d.file_path, d.pos FROM ${deletes} d JOIN pa ON pa.delete_file = d.filename AND pa.data_path = d.file_path)`,
    );
    conditions.push(`NOT EXISTS (SELECT 1 FROM pd WHERE pd.file_path = m.data_path AND pd.pos = t.file_row_number)`);
  }
  let n = 0;
  for (const g of groups.values()) {
    const e = `eq${n++}`;
    const cols = g.fields.map((f) => `d.${ident(hidden(f.id))}`).join(', ');
    const deletes = `read_parquet([${[...g.files.keys()].map(pathLiteral).join(', ')}], schema = ${schemaMap(g.fields.map((f) => ({ ...f, name: hidden(f.id) })))}, filename = true)`;
    const meta = [...g.files].map(
      ([f, x]) => `(${literal(f)}, ${x.seq}, ${x.pkey === null ? 'NULL' : literal(x.pkey)})`,
    );
    ctes.push(
      `${e}f(delete_file, seq, pkey) AS (VALUES ${meta.join(', ')})`,
      `${e} AS (SELECT ${e}f.seq, ${e}f.pkey, ${cols} FROM ${deletes} d JOIN ${e}f ON ${e}f.delete_file = d.filename)`,
    );
    // Iceberg equality: null equals null
    const match = g.fields
      .map((f) => `${e}.${ident(hidden(f.id))} IS NOT DISTINCT FROM t.${columnOf(f)}`)
      .join(' AND ');
    conditions.push(
      `NOT EXISTS (SELECT 1 FROM ${e} WHERE ${match} AND ${e}.seq > m.seq AND (${e}.pkey IS NULL OR ${e}.pkey = m.pkey))`,
    );
  }
  const sql =
    `CREATE OR REPLACE VIEW ${ident(view)} AS WITH ${ctes.join(', ')} ` +
    `SELECT ${columns.map((c) => `t.${c}`).join(', ')} FROM ${data} t JOIN m ON m.local_path = t.filename ` +
    `WHERE ${conditions.join(' AND ')}`;
  return {
    files,
    positionDeletes: [...positionFiles],
    equalityDeletes: [...groups.values()].flatMap((g) => [...g.files.keys()]),
    sql,
  };
}

/**
 * read_parquet's `schema` parameter: columns by Iceberg field id, with their names, DuckDB types and the value a
 * file written before the column existed reads as (its `initial-default`, else NULL), as readDataFile does.
 */
function schemaMap(fields: NestedField[]): string {
  const entries = fields.map(
    (f) =>
      `${f.id}: {name: ${literal(f.name)}, type: ${literal(duckdbType(f.type))}, default_value: ${defaultValue(f)}}`,
  );
  return `map {${entries.join(', ')}}`;
}

/** A primitive field's `initial-default` (JSON single-value form, format/spec.md Appendix D) as a DuckDB value. */
function defaultValue(f: NestedField): string {
  const v = f['initial-default'];
  if (v === undefined || v === null) return 'NULL';
  if (typeof f.type !== 'string') {
    throw new Error(`DuckDB hand-off: column ${f.name} has a nested initial-default; read this scan with readRows`);
  }
  const type = duckdbType(f.type);
  if (type === 'BLOB' && typeof v === 'string') return `from_hex(${literal(v)})`;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    return `CAST(${literal(String(v))} AS ${type})`;
  }
  throw new Error(`DuckDB hand-off: column ${f.name} has an initial-default of an unexpected form`);
}

/**
 * The columns of an equality delete file, by id: top-level primitive fields of the current schema or, for a
 * column dropped since, of an older one. Nested equality fields are not handed off (read the scan with readRows).
 */
function equalityFields(file: string, ids: number[], schemas: Schema[]): NestedField[] {
  if (ids.length === 0) throw new Error(`DuckDB hand-off: equality delete file ${file} has no equality_ids`);
  return ids.map((id) => {
    const f = schemas.map((s) => s.fields.find((x) => x.id === id)).find((x) => x !== undefined);
    if (!f || typeof f.type !== 'string') {
      throw new Error(
        `DuckDB hand-off: equality delete file ${file} uses field id ${id}, not a top-level primitive column of the table's schemas; read this scan with readRows`,
      );
    }
    return f;
  });
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

/** A file path for read_parquet, which reads its paths as globs: `*`, `?` and `[` match themselves. */
function pathLiteral(path: string): string {
  return literal(path.replace(/[*?[]/g, (c) => `[${c}]`));
}

// readRows: the rows of a planned scan, with deletes applied, the filter applied to rows, and columns projected.
// Data files are read by field id through parquet/ (readDataFile), so schema evolution works: a column added
// after a file was written reads as null (or its initial-default), a renamed column keeps its values.
// Deletes (format/spec.md "Row-level Deletes"): a position delete removes row `pos` of file `file_path`; an
// equality delete removes every row whose values on its equality_ids equal a delete row's (null equals null).
import type { LoadedTable } from '../catalog/catalog.js';
import type { FileIO } from '../io/file-io.js';
import { readDataFile } from '../parquet/read-data-file.js';
import { DataContent } from '../spec/manifest.js';
import type { DataFile } from '../spec/manifest.js';
import { indexById } from '../spec/schema.js';
import type { NestedField, Schema } from '../spec/types.js';
import type { TableMetadata } from '../spec/table-metadata.js';
import { bindFilter, evalRow } from './expression.js';
import type { Filter } from './expression.js';
import { DELETE_FILE_PATH_ID, DELETE_POS_ID, planFiles } from './plan-files.js';
import type { FileScanTask, ScanOptions } from './plan-files.js';

export type Row = Record<string, unknown>;

export interface ReadOptions extends ScanOptions {
  /** Top-level columns to return (all by default). */
  columns?: string[];
}

/** Plans and reads a scan into memory. For large tables iterate `readTaskRows` per task instead. */
export async function readRows(table: LoadedTable, options: ReadOptions = {}): Promise<Row[]> {
  const plan = await planFiles(table, options);
  const out: Row[] = [];
  const ctx = new DeleteCache(table.io, table.metadata);
  for (const task of plan.tasks) {
    for (const row of await readTaskRows(table.io, task, plan.schema, options, ctx)) out.push(row);
  }
  return out;
}

/** The rows of one task: data file rows minus deleted rows, filtered and projected. */
export async function readTaskRows(
  io: FileIO,
  task: FileScanTask,
  schema: Schema,
  options: Pick<ReadOptions, 'filter' | 'columns'> = {},
  deletes: DeleteCache = new DeleteCache(io, undefined),
): Promise<Row[]> {
  const deletedPositions = new Set<number>();
  const equality: { fields: NestedField[]; keys: Set<string> }[] = [];
  for (const d of task.deletes) {
    if (d.file.content === DataContent.PositionDeletes) {
      for (const p of await deletes.positions(d.file, task.file.file_path)) deletedPositions.add(p);
    } else {
      equality.push(await deletes.equality(d.file, schema));
    }
  }
  const filter = options.filter ? bindFilter(options.filter, schema) : undefined;
  // Equality columns are found by id: at the top level or inside structs of the read schema (a null parent struct
  // reads as a null value), or dropped from it since the deletes were written: those still apply, read from the
  // data file under a hidden name and left out of the rows returned (DeleteCache.field allows only top-level ones).
  const current = indexById(schema);
  const dropped = new Map<number, NestedField>();
  for (const eq of equality)
    for (const f of eq.fields) if (!current.has(f.id)) dropped.set(f.id, { ...f, name: hidden(f.id) });
  const paths = equality.map((eq) =>
    eq.fields.map((f) => {
      const hiddenField = dropped.get(f.id);
      if (hiddenField) return [hiddenField.name];
      const p = structPath(schema, f.id);
      if (!p) throw new Error(`${task.file.file_path}: equality field ${f.name} (id ${f.id}) is inside a list or map`);
      return p;
    }),
  );
  const readSchema: Schema = dropped.size ? { ...schema, fields: [...schema.fields, ...dropped.values()] } : schema;
  const columns = neededColumns(schema, options, paths);
  const rows = await readDataFile(io, task.file.file_path, {
    schema: readSchema,
    columns: columns && dropped.size ? [...columns, ...[...dropped.values()].map((f) => f.name)] : columns,
  });
  if (rows.length !== task.file.record_count) {
    throw new Error(
      `${task.file.file_path}: holds ${rows.length} rows but its manifest entry says ${task.file.record_count} (wrong or replaced file?)`,
    );
  }
  const out: Row[] = [];
  rows.forEach((row, pos) => {
    if (deletedPositions.has(pos)) return;
    if (equality.some((eq, i) => eq.keys.has(keyOf(paths[i]!.map((p) => valueAt(row, p)))))) return;
    if (filter && !evalRow(filter, row)) return;
    if (dropped.size) for (const f of dropped.values()) delete row[f.name];
    out.push(options.columns ? project(row, options.columns) : row);
  });
  return out;
}

/** The name an equality column dropped from the read schema is read under (readRows and the DuckDB view). */
export function hidden(id: number): string {
  return `__shoplake_eq_${id}`;
}

/** Reads each delete file once per scan. */
export class DeleteCache {
  private readonly pos = new Map<string, Promise<Map<string, number[]>>>();
  private readonly eq = new Map<string, Promise<{ fields: NestedField[]; keys: Set<string> }>>();

  constructor(
    private readonly io: FileIO,
    private readonly metadata: TableMetadata | undefined,
  ) {}

  async positions(file: DataFile, dataPath: string): Promise<number[]> {
    let p: Promise<Map<string, number[]>> | undefined = this.pos.get(file.file_path);
    if (!p) {
      p = readDataFile(this.io, file.file_path, { schema: POSITION_DELETE_SCHEMA }).then((rows) => {
        const byPath = new Map<string, number[]>();
        for (const r of rows) {
          const path = r.file_path;
          const pos = r.pos;
          if (typeof path !== 'string' || (typeof pos !== 'number' && typeof pos !== 'bigint')) {
            throw new Error(`${file.file_path}: position delete row without file_path or pos`);
          }
          let list = byPath.get(path);
          if (!list) byPath.set(path, (list = []));
          list.push(Number(pos));
        }
        return byPath;
      });
      this.pos.set(file.file_path, p);
    }
    const byPath: Map<string, number[]> = await p;
    return byPath.get(dataPath) ?? [];
  }

  async equality(file: DataFile, schema: Schema): Promise<{ fields: NestedField[]; keys: Set<string> }> {
    let p: Promise<{ fields: NestedField[]; keys: Set<string> }> | undefined = this.eq.get(file.file_path);
    if (!p) {
      const fields = (file.equality_ids ?? []).map((id) => this.field(id, schema, file));
      if (fields.length === 0) throw new Error(`${file.file_path}: equality delete file without equality_ids`);
      // The delete file holds the equality columns in the table's shape (nested ones inside their structs); a
      // column dropped since is read at the top level, where it was.
      const ids = new Set(fields.map((f) => f.id));
      const kept = pruneStruct(schema, ids);
      const deleteSchema: Schema = {
        type: 'struct',
        'schema-id': -1,
        fields: [...kept, ...fields.filter((f) => !structPath({ fields: kept }, f.id))],
      };
      const paths = fields.map((f) => structPath(deleteSchema, f.id)!);
      p = readDataFile(this.io, file.file_path, { schema: deleteSchema }).then((rows) => ({
        fields,
        keys: new Set(rows.map((r) => keyOf(paths.map((path) => valueAt(r, path))))),
      }));
      this.eq.set(file.file_path, p);
    }
    return p;
  }

  /**
   * An equality column by id: from the read schema (top level or inside structs), else a top-level column of an
   * older schema (a dropped column still applies; it is read by id from the top level of the data file).
   */
  private field(id: number, schema: Schema, file: DataFile): NestedField {
    const f =
      indexById(schema).get(id) ??
      this.metadata?.schemas.map((s) => s.fields.find((x) => x.id === id)).find((x) => x !== undefined);
    if (!f) {
      const nested = this.metadata?.schemas.some((s) => indexById(s).has(id));
      throw new Error(
        nested
          ? `${file.file_path}: equality field id ${id} was a nested column dropped since; such deletes are not supported`
          : `${file.file_path}: equality field id ${id} is in no table schema`,
      );
    }
    if (typeof f.type !== 'string') throw new Error(`${file.file_path}: equality field ${f.name} is not primitive`);
    return { ...f, required: false };
  }
}

/** The fields of `struct` on the way to any of `ids` (through structs), each struct cut down to those paths. */
function pruneStruct(struct: { fields: NestedField[] }, ids: Set<number>): NestedField[] {
  const out: NestedField[] = [];
  for (const f of struct.fields) {
    if (ids.has(f.id)) out.push({ ...f, required: false });
    else if (typeof f.type !== 'string' && f.type.type === 'struct') {
      const inner = pruneStruct(f.type, ids);
      if (inner.length > 0) out.push({ ...f, required: false, type: { ...f.type, fields: inner } });
    }
  }
  return out;
}

/** Names from the top of `struct` down to field `id` through structs only (undefined: absent, or in a list or map). */
function structPath(struct: { fields: NestedField[] }, id: number): string[] | undefined {
  for (const f of struct.fields) {
    if (f.id === id) return [f.name];
    if (typeof f.type !== 'string' && f.type.type === 'struct') {
      const p = structPath(f.type, id);
      if (p) return [f.name, ...p];
    }
  }
  return undefined;
}

/** The value at a path of struct field names; a null or missing struct on the way gives null. */
function valueAt(row: Row, path: string[]): unknown {
  let v: unknown = row;
  for (const name of path) {
    if (v === null || v === undefined || typeof v !== 'object') return null;
    v = (v as Row)[name];
  }
  return v ?? null;
}

const POSITION_DELETE_SCHEMA: Schema = {
  type: 'struct',
  'schema-id': -1,
  fields: [
    { id: DELETE_FILE_PATH_ID, name: 'file_path', required: true, type: 'string' },
    { id: DELETE_POS_ID, name: 'pos', required: true, type: 'long' },
  ],
};

/** Top-level columns to read: all, or the requested ones plus those the filter and equality deletes need. */
function neededColumns(
  schema: Schema,
  options: Pick<ReadOptions, 'filter' | 'columns'>,
  equalityPaths: string[][][],
): string[] | undefined {
  if (!options.columns) return undefined;
  const known = new Set(schema.fields.map((f) => f.name));
  for (const c of options.columns)
    if (!known.has(c)) throw new Error(`readRows: column ${c} is not in schema ${schema['schema-id']}`);
  const need = new Set(options.columns);
  const visit = (f: Filter) => {
    if ('column' in f) need.add(f.column.split('.')[0]!);
    if ('args' in f) f.args.forEach(visit);
  };
  if (options.filter) visit(options.filter);
  for (const paths of equalityPaths) for (const p of paths) if (known.has(p[0]!)) need.add(p[0]!);
  return schema.fields.map((f) => f.name).filter((n) => need.has(n));
}

function project(row: Row, columns: string[]): Row {
  const out: Row = {};
  for (const c of columns) out[c] = row[c] ?? null;
  return out;
}

/** A set key for a tuple of values: null equals null; numbers and bigints of equal value are equal. */
export function keyOf(values: unknown[]): string {
  return JSON.stringify(values, (_k, v: unknown) =>
    v === undefined
      ? null
      : typeof v === 'bigint'
        ? `n:${v}`
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? `n:${v}`
            : v
          : v instanceof Uint8Array
            ? `b:${Buffer.from(v).toString('hex')}`
            : v,
  );
}

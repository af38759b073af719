// Row filters for scans: simple predicates on a column (=, <, <=, >, >=, in, is null, is not null) combined with
// and/or. Values use the row representation of DESIGN.md (dates as days, timestamps as micros, decimals as
// strings…). `bindFilter` resolves column names to field ids and types once; the evaluators work on bound filters.
import { findField, indexByName } from '../spec/schema.js';
import { compareValues } from '../spec/values.js';
import type { IcebergType, Schema } from '../spec/types.js';

export type CompareOp = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

export type CompareFilter = { op: CompareOp; column: string; value: unknown };
export type InFilter = { op: 'in'; column: string; values: unknown[] };
export type NullFilter = { op: 'isNull' | 'notNull'; column: string };
export type Filter = CompareFilter | InFilter | NullFilter | { op: 'and' | 'or'; args: Filter[] } | { op: 'true' };

export const eq = (column: string, value: unknown): Filter => ({ op: 'eq', column, value });
export const lt = (column: string, value: unknown): Filter => ({ op: 'lt', column, value });
export const lte = (column: string, value: unknown): Filter => ({ op: 'lte', column, value });
export const gt = (column: string, value: unknown): Filter => ({ op: 'gt', column, value });
export const gte = (column: string, value: unknown): Filter => ({ op: 'gte', column, value });
export const isIn = (column: string, values: unknown[]): Filter => ({ op: 'in', column, values });
export const isNull = (column: string): Filter => ({ op: 'isNull', column });
export const notNull = (column: string): Filter => ({ op: 'notNull', column });
export const and = (...args: Filter[]): Filter => ({ op: 'and', args });
export const or = (...args: Filter[]): Filter => ({ op: 'or', args });

/** A filter with each column resolved to its field id, dotted name path and type. */
export type BoundCompare = { op: CompareOp; id: number; path: string[]; type: IcebergType; value: unknown };
export type BoundIn = { op: 'in'; id: number; path: string[]; type: IcebergType; values: unknown[] };
export type BoundNull = { op: 'isNull' | 'notNull'; id: number; path: string[]; type: IcebergType };
export type BoundLeaf = BoundCompare | BoundIn | BoundNull;
export type BoundFilter = BoundLeaf | { op: 'and' | 'or'; args: BoundFilter[] } | { op: 'true' };

/** Resolves column names against `schema`; an unknown column, a non-primitive column or a null value is an error. */
export function bindFilter(f: Filter, schema: Schema): BoundFilter {
  if (f.op === 'true') return { op: 'true' };
  if (f.op === 'and' || f.op === 'or') {
    const args = (f as { args: Filter[] }).args.map((a) => bindFilter(a, schema));
    return { op: f.op, args };
  }
  const filter = f as CompareFilter | InFilter | NullFilter;
  const id = indexByName(schema).get(filter.column);
  const field = id === undefined ? undefined : findField(schema, id);
  if (id === undefined || !field)
    throw new Error(`filter: column ${filter.column} is not in schema ${schema['schema-id']}`);
  if (typeof field.type !== 'string') throw new Error(`filter: column ${filter.column} is not a primitive column`);
  const path = filter.column.split('.');
  if (filter.op === 'isNull' || filter.op === 'notNull') return { op: filter.op, id, path, type: field.type };
  if (filter.op === 'in') {
    const { values } = filter as InFilter;
    if (values.some((v) => v === null || v === undefined))
      throw new Error(`filter: ${filter.column} in (…) has a null; use isNull`);
    return { op: 'in', id, path, type: field.type, values };
  }
  const { op, value } = filter as CompareFilter;
  if (value === null || value === undefined) throw new Error(`filter: ${filter.column} ${op} null; use isNull`);
  return { op, id, path, type: field.type, value };
}

/** Evaluates a bound filter on one row (SQL semantics: a comparison with null is false). */
export function evalRow(f: BoundFilter, row: Record<string, unknown>): boolean {
  switch (f.op) {
    case 'true':
      return true;
    case 'and':
      return f.args.every((a) => evalRow(a, row));
    case 'or':
      return f.args.some((a) => evalRow(a, row));
    default: {
      const leaf = f as BoundLeaf;
      const v = valueAt(row, leaf.path);
      if (leaf.op === 'isNull') return v === null || v === undefined;
      if (v === null || v === undefined) return false;
      if (leaf.op === 'notNull') return true;
      if (leaf.op === 'in') return (leaf as BoundIn).values.some((x) => compareValues(leaf.type, v, x) === 0);
      const c = leaf as BoundCompare;
      return compare(c.op, compareValues(c.type, v, c.value));
    }
  }
}

export function compare(op: CompareOp, c: number): boolean {
  switch (op) {
    case 'eq':
      return c === 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
  }
}

function valueAt(row: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = row;
  for (const p of path) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

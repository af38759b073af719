// Min/max pruning: might a data file hold rows matching a filter, judged from its manifest metrics (lower and
// upper bounds in Appendix D form, null and value counts)? Unknown metrics never prune. Only columns reachable
// through structs are judged (bounds of list elements and map entries describe many values per row).
// Floating-point bounds leave out NaN, so a file with NaN counts is not pruned by them.
import type { DataFile } from '../spec/manifest.js';
import type { IcebergType, PrimitiveType, Schema, StructType } from '../spec/types.js';
import type { BoundFilter } from './expression.js';
import { decode, mightMatch } from './partition-filter.js';

export function evalMetrics(f: BoundFilter, file: DataFile, structIds: ReadonlySet<number>): boolean {
  switch (f.op) {
    case 'true':
      return true;
    case 'and':
      return f.args.every((a) => evalMetrics(a, file, structIds));
    case 'or':
      return f.args.some((a) => evalMetrics(a, file, structIds));
    default: {
      if (!structIds.has(f.id)) return true;
      const nulls = file.null_value_counts?.get(f.id);
      const values = file.value_counts?.get(f.id);
      const allNull = nulls !== undefined && values !== undefined && nulls === values;
      if (f.op === 'isNull') return nulls === undefined || nulls > 0;
      if (f.op === 'notNull') return !allNull;
      if (allNull) return false;
      const type = f.type as PrimitiveType;
      if ((type === 'float' || type === 'double') && (file.nan_value_counts?.get(f.id) ?? 1) > 0) return true;
      const lower = decode(type, file.lower_bounds?.get(f.id));
      const upper = decode(type, file.upper_bounds?.get(f.id));
      return mightMatch(f.op === 'in' ? { op: 'in', type, values: f.values } : { op: f.op, type, value: f.value }, lower, upper);
    }
  }
}

/** Ids of primitive fields reachable from the root through structs only. */
export function structFieldIds(schema: Schema): Set<number> {
  const ids = new Set<number>();
  const walk = (s: StructType) => {
    for (const f of s.fields) {
      const t: IcebergType = f.type;
      if (typeof t === 'string') ids.add(f.id);
      else if (t.type === 'struct') walk(t);
    }
  };
  walk(schema);
  return ids;
}

// Min/max pruning: might a data file hold rows matching a filter, judged from its manifest metrics (lower and
// upper bounds in Appendix D form, null and value counts)? Unknown metrics never prune. Only columns reachable
// through structs are judged (bounds of list elements and map entries describe many values per row).
// Floating-point bounds leave out NaN, so a file with NaN counts is not pruned by them.
import type { DataFile } from '../spec/manifest.js';
import type { IcebergType, PrimitiveType, Schema, StructType } from '../spec/types.js';
import type { BoundCompare, BoundFilter, BoundIn, BoundLeaf } from './expression.js';
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
      const leaf = f as BoundLeaf;
      if (!structIds.has(leaf.id)) return true;
      const nulls = file.null_value_counts?.get(leaf.id);
      const values = file.value_counts?.get(leaf.id);
      const allNull = nulls !== undefined && values !== undefined && nulls === values;
      if (leaf.op === 'isNull') return nulls === undefined || nulls > 0;
      if (leaf.op === 'notNull') return !allNull;
      if (allNull) return false;
      const type = leaf.type as PrimitiveType;
      if ((type === 'float' || type === 'double') && (file.nan_value_counts?.get(leaf.id) ?? 1) > 0) return true;
      const lower = decode(type, file.lower_bounds?.get(leaf.id));
      const upper = decode(type, file.upper_bounds?.get(leaf.id));
      const pred =
        leaf.op === 'in'
          ? { op: 'in' as const, type, values: (leaf as BoundIn).values }
          : { op: (leaf as BoundCompare).op, type, value: (leaf as BoundCompare).value };
      return mightMatch(pred, lower, upper);
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

// A row comparator for a table's sort order (format/spec.md "Sort Orders"): per sort field, the transform of a
// top-level source column, ascending or descending, nulls first or last (independently of the direction).
// Values compare in Iceberg's order: numbers and bigints numerically, decimals (strings) by value, strings by code
// point, binary bytewise, false < true. Sorting only helps readers prune; it never changes which rows are written.
import type { Row } from '../iceberg/scan/read-rows.js';
import type { SortOrder } from '../iceberg/spec/partition-spec.js';
import { applyTransform } from '../iceberg/spec/transform.js';
import type { IcebergType, Schema } from '../iceberg/spec/types.js';
import { compareStrings } from '../iceberg/spec/values.js';

type Key = (row: Row) => unknown;

export function sortComparator(order: SortOrder, schema: Schema): (a: Row, b: Row) => number {
  const fields = order.fields.map((f) => {
    const source = schema.fields.find((x) => x.id === f['source-id']);
    if (!source) {
      throw new Error(`sort order ${order['order-id']}: source column ${f['source-id']} is not a top-level column`);
    }
    const type = source.type;
    const key: Key =
      f.transform === 'identity'
        ? (row) => row[source.name]
        : (row) => {
            const v = row[source.name];
            return v === null || v === undefined ? null : applyTransform(f.transform, type, v);
          };
    return {
      key,
      compare: valueComparator(f.transform === 'identity' ? type : undefined),
      sign: f.direction === 'desc' ? -1 : 1,
      nullsFirst: f['null-order'] === 'nulls-first',
    };
  });
  return (a, b) => {
    for (const f of fields) {
      const x = f.key(a);
      const y = f.key(b);
      const xNull = x === null || x === undefined;
      const yNull = y === null || y === undefined;
      if (xNull || yNull) {
        if (xNull && yNull) continue;
        return xNull === f.nullsFirst ? -1 : 1;
      }
      const c = f.compare(x, y);
      if (c !== 0) return c * f.sign;
    }
    return 0;
  };
}

function valueComparator(type: IcebergType | undefined): (a: unknown, b: unknown) => number {
  if (typeof type === 'string' && type.startsWith('decimal')) {
    return (a, b) => Number(a) - Number(b) || compareAny(a, b);
  }
  return compareAny;
}

function compareAny(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  }
  return 0;
}

// Partition pruning: a row filter projected through a spec's partition transforms into a filter on the
// partition tuple (Iceberg's inclusive projection: if a row can match, its partition matches), evaluated on a
// data file's partition values and on a manifest's partition field summaries.
//   identity          every operator as is
//   bucket[N]         = and in only (hashing does not keep order)
//   truncate[W], year, month, day, hour (order-preserving)
//                     = -> = t(v); <= -> <= t(v); < -> <= t(v-1); >= -> >= t(v); > -> >= t(v+1) (v±1 for
//                     integral types, else t(v)); in -> in t(v)
//   void              nothing can be said
//   any but void      is null / not null as is (t(null) = null, t(x) != null)
import { bindTransform, parseTransform, transformResultType } from '../spec/transform.js';
import { compareValues, fromBinary } from '../spec/values.js';
import type { FieldSummary, PartitionValues } from '../spec/manifest.js';
import type { PartitionSpec } from '../spec/partition-spec.js';
import type { PrimitiveType, Schema } from '../spec/types.js';
import { compare } from './expression.js';
import type { BoundCompare, BoundFilter, BoundIn, BoundLeaf, CompareOp } from './expression.js';

/** A filter on partition field `index` (position in the spec) named `name`, of the transform's result type. */
type PartCompare = { op: CompareOp; index: number; name: string; type: PrimitiveType; value: unknown };
type PartIn = { op: 'in'; index: number; name: string; type: PrimitiveType; values: unknown[] };
type PartNull = { op: 'isNull' | 'notNull'; index: number; name: string; type: PrimitiveType };
type PartLeaf = PartCompare | PartIn | PartNull;
export type PartitionFilter = PartLeaf | { op: 'and' | 'or'; args: PartitionFilter[] } | { op: 'true' };

const TRUE: PartitionFilter = { op: 'true' };

export function projectFilter(f: BoundFilter, spec: PartitionSpec, schema: Schema): PartitionFilter {
  switch (f.op) {
    case 'true':
      return TRUE;
    case 'and': {
      const args = f.args.map((a) => projectFilter(a, spec, schema)).filter((a) => a.op !== 'true');
      return args.length === 0 ? TRUE : { op: 'and', args };
    }
    case 'or': {
      const args = f.args.map((a) => projectFilter(a, spec, schema));
      return args.some((a) => a.op === 'true') ? TRUE : { op: 'or', args };
    }
    default: {
      const parts: PartitionFilter[] = [];
      spec.fields.forEach((pf, index) => {
        if (pf['source-id'] !== (f as BoundLeaf).id) return;
        const p = projectLeaf(f as BoundLeaf, pf.transform, index, pf.name);
        if (p.op !== 'true') parts.push(p);
      });
      return parts.length === 0 ? TRUE : parts.length === 1 ? parts[0]! : { op: 'and', args: parts };
    }
  }
}

function projectLeaf(f: BoundLeaf, transform: string, index: number, name: string): PartitionFilter {
  const t = parseTransform(transform);
  if (t.kind === 'void' || t.kind === 'unknown') return TRUE;
  const type = transformResultType(t, f.type);
  if (f.op === 'isNull' || f.op === 'notNull') return { op: f.op, index, name, type };
  const apply = bindTransform(t, f.type);
  if (f.op === 'in') return { op: 'in', index, name, type, values: (f as BoundIn).values.map(apply) };
  const c = f as BoundCompare;
  if (t.kind === 'identity') return { op: c.op, index, name, type, value: c.value };
  if (c.op === 'eq') return { op: 'eq', index, name, type, value: apply(c.value) };
  if (t.kind === 'bucket') return TRUE;
  // x < v is x <= v - 1 for integral types (Java's projection does the same), which prunes one more partition.
  const v = c.op === 'lt' ? step(f.type, c.value, -1) : c.op === 'gt' ? step(f.type, c.value, 1) : c.value;
  return { op: c.op === 'lt' || c.op === 'lte' ? 'lte' : 'gte', index, name, type, value: apply(v) };
}

/** v + delta for integral types (int, long, date, time, timestamps); other types unchanged (still inclusive). */
function step(type: BoundLeaf['type'], v: unknown, delta: number): unknown {
  if (!INTEGRAL.has(type as string)) return v;
  if (typeof v === 'bigint') return v + BigInt(delta);
  if (typeof v === 'number' && Number.isSafeInteger(v + delta)) return v + delta;
  return v;
}

const INTEGRAL = new Set(['int', 'long', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);

/** Might a data file with these partition values hold matching rows? */
export function evalPartition(f: PartitionFilter, values: PartitionValues): boolean {
  switch (f.op) {
    case 'true':
      return true;
    case 'and':
      return f.args.every((a) => evalPartition(a, values));
    case 'or':
      return f.args.some((a) => evalPartition(a, values));
    default: {
      const leaf = f as PartLeaf;
      const v = values[leaf.name];
      if (leaf.op === 'isNull') return v === null || v === undefined;
      if (v === null || v === undefined) return false;
      if (leaf.op === 'notNull') return true;
      if (leaf.op === 'in')
        return (leaf as PartIn).values.some((x) => x !== null && compareValues(leaf.type, v, x) === 0);
      const c = leaf as PartCompare;
      return compare(c.op, compareValues(c.type, v, c.value));
    }
  }
}

/** Might a manifest with these partition field summaries hold matching files? Unknown -> true. */
export function evalSummaries(f: PartitionFilter, summaries: FieldSummary[] | null | undefined): boolean {
  if (!summaries) return true;
  switch (f.op) {
    case 'true':
      return true;
    case 'and':
      return f.args.every((a) => evalSummaries(a, summaries));
    case 'or':
      return f.args.some((a) => evalSummaries(a, summaries));
    default: {
      const leaf = f as PartLeaf;
      const s = summaries[leaf.index];
      if (!s) return true;
      if (leaf.op === 'isNull') return s.contains_null !== false;
      if (leaf.op === 'notNull') return !(s.contains_null && s.lower_bound == null && s.upper_bound == null);
      return mightMatch(
        leaf as PartCompare | PartIn,
        decode(leaf.type, s.lower_bound),
        decode(leaf.type, s.upper_bound),
      );
    }
  }
}

/** Does [lower, upper] (undefined = unknown) possibly contain a value satisfying the leaf? */
export function mightMatch(
  f: { op: CompareOp; type: PrimitiveType; value: unknown } | { op: 'in'; type: PrimitiveType; values: unknown[] },
  lower: unknown,
  upper: unknown,
): boolean {
  const c = (a: unknown, b: unknown) => compareValues(f.type, a, b);
  const within = (v: unknown) => (lower === undefined || c(lower, v) <= 0) && (upper === undefined || c(v, upper) <= 0);
  switch (f.op) {
    case 'in':
      return f.values.some((v) => v !== null && within(v));
    case 'eq':
      return within(f.value);
    case 'lt':
      return lower === undefined || c(lower, f.value) < 0;
    case 'lte':
      return lower === undefined || c(lower, f.value) <= 0;
    case 'gt':
      return upper === undefined || c(upper, f.value) > 0;
    case 'gte':
      return upper === undefined || c(upper, f.value) >= 0;
  }
}

/** A bound in Appendix D form, or undefined when absent or not decodable as `type` (e.g. after promotion). */
export function decode(type: PrimitiveType, bytes: Uint8Array | null | undefined): unknown {
  if (bytes === null || bytes === undefined) return undefined;
  try {
    return fromBinary(type, bytes);
  } catch {
    return undefined;
  }
}

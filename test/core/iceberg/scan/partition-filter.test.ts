import { describe, expect, it } from 'vitest';
import {
  and,
  bindFilter,
  eq,
  gt,
  gte,
  isIn,
  isNull,
  lt,
  lte,
  notNull,
  or,
} from '../../../../core/iceberg/scan/expression.js';
import type { Filter } from '../../../../core/iceberg/scan/expression.js';
import { evalPartition, evalSummaries, projectFilter } from '../../../../core/iceberg/scan/partition-filter.js';
import { applyTransform } from '../../../../core/iceberg/spec/transform.js';
import { toBinary } from '../../../../core/iceberg/spec/values.js';
import type { PartitionSpec } from '../../../../core/iceberg/spec/partition-spec.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'shop_id', required: true, type: 'long' },
    { id: 2, name: 'ts', required: true, type: 'timestamptz' },
    { id: 3, name: 'country', required: false, type: 'string' },
    { id: 4, name: 'sku', required: false, type: 'string' },
  ],
};
const spec: PartitionSpec = {
  'spec-id': 0,
  fields: [
    { 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' },
    { 'source-id': 1, 'field-id': 1001, name: 'shop_bucket', transform: 'bucket[16]' },
    { 'source-id': 3, 'field-id': 1002, name: 'country', transform: 'identity' },
    { 'source-id': 4, 'field-id': 1003, name: 'sku_trunc', transform: 'truncate[2]' },
  ],
};

const micros = (iso: string) => Date.parse(iso) * 1000;
// A row and the partition tuple the writer would give it.
const rows = [
  { shop_id: 1, ts: micros('2024-03-01T10:00:00Z'), country: 'NO', sku: 'ab-1' },
  { shop_id: 2, ts: micros('2024-03-02T23:59:59Z'), country: 'SE', sku: 'ac-9' },
  { shop_id: 3, ts: micros('2024-03-03T00:00:00Z'), country: null, sku: 'zz' },
  { shop_id: 42, ts: micros('2024-02-28T12:00:00Z'), country: 'DK', sku: null },
];
const partitionOf = (r: Record<string, unknown>) => ({
  ts_day: applyTransform('day', 'timestamptz', r.ts),
  shop_bucket: applyTransform('bucket[16]', 'long', r.shop_id),
  country: r.country,
  sku_trunc: applyTransform('truncate[2]', 'string', r.sku),
});

/** Inclusive projection: every row the filter matches must keep its partition. */
function check(filter: Filter, expectMatching: number[]) {
  const bound = bindFilter(filter, schema);
  const projected = projectFilter(bound, spec, schema);
  const kept = rows.map((r, i) => (evalPartition(projected, partitionOf(r)) ? i : -1)).filter((i) => i >= 0);
  for (const i of expectMatching) expect(kept).toContain(i);
  return kept;
}

describe('partition pruning (inclusive projection through transforms)', () => {
  it('projects = through day, bucket, identity and truncate, pruning other partitions', () => {
    expect(check(eq('ts', micros('2024-03-01T10:00:00Z')), [0])).toEqual([0]);
    expect(check(eq('shop_id', 42), [3])).toEqual([3]);
    expect(check(eq('country', 'SE'), [1])).toEqual([1]);
    expect(check(eq('sku', 'ab-1'), [0])).toEqual([0]); // truncate keeps only the 'ab' partition
  });

  it('projects range predicates through order-preserving transforms only', () => {
    expect(check(lt('ts', micros('2024-03-01T00:00:00Z')), [3])).toEqual([3]);
    expect(check(lte('ts', micros('2024-03-01T00:00:00Z')), [3])).toEqual([0, 3]); // day 2024-03-01 might match
    expect(check(gt('ts', micros('2024-03-02T12:00:00Z')), [1, 2])).toEqual([1, 2]);
    expect(check(gte('sku', 'ac'), [1, 2])).toEqual([1, 2]);
    // bucket cannot prune ranges
    expect(check(gt('shop_id', 40), [3])).toEqual([0, 1, 2, 3]);
  });

  it('projects in, is null, not null, and, or', () => {
    expect(check(isIn('shop_id', [1, 3]), [0, 2])).toEqual(expect.arrayContaining([0, 2]));
    expect(check(isNull('country'), [2])).toEqual([2]);
    expect(check(notNull('sku'), [0, 1, 2])).toEqual([0, 1, 2]);
    expect(check(and(eq('country', 'NO'), eq('sku', 'ab-1')), [0])).toEqual([0]);
    expect(check(or(eq('country', 'NO'), eq('country', 'DK')), [0, 3])).toEqual([0, 3]);
    // a predicate on a column that is not partitioned prunes nothing
    expect(check(and(eq('country', 'NO'), or(eq('sku', 'ab-1'), isNull('sku'))), [0])).toEqual([0]);
  });

  it('prunes whole manifests by their partition field summaries', () => {
    const day = (iso: string) => applyTransform('day', 'timestamptz', micros(iso)) as number;
    const summaries = [
      {
        contains_null: false,
        lower_bound: toBinary('date', day('2024-03-01T00:00:00Z')),
        upper_bound: toBinary('date', day('2024-03-02T00:00:00Z')),
      },
      { contains_null: false, lower_bound: toBinary('int', 0), upper_bound: toBinary('int', 15) },
      { contains_null: true, lower_bound: toBinary('string', 'NO'), upper_bound: toBinary('string', 'SE') },
      { contains_null: true, lower_bound: null, upper_bound: null },
    ];
    const might = (f: Filter) => evalSummaries(projectFilter(bindFilter(f, schema), spec, schema), summaries);
    expect(might(eq('ts', micros('2024-03-01T05:00:00Z')))).toBe(true);
    expect(might(eq('ts', micros('2024-03-05T05:00:00Z')))).toBe(false);
    expect(might(lt('ts', micros('2024-02-29T00:00:00Z')))).toBe(false);
    expect(might(eq('country', 'DK'))).toBe(false);
    expect(might(isNull('country'))).toBe(true);
    expect(might(notNull('sku'))).toBe(false); // every sku_trunc in the manifest is null
    expect(might(isNull('sku'))).toBe(true);
    expect(might(or(eq('country', 'DK'), eq('country', 'PL')))).toBe(true); // PL is within [NO, SE]
    expect(evalSummaries(projectFilter(bindFilter(eq('country', 'X'), schema), spec, schema), null)).toBe(true);
  });
});

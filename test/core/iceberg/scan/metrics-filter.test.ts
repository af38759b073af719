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
import { evalMetrics, structFieldIds } from '../../../../core/iceberg/scan/metrics-filter.js';
import { DataContent } from '../../../../core/iceberg/spec/manifest.js';
import type { DataFile } from '../../../../core/iceberg/spec/manifest.js';
import { toBinary } from '../../../../core/iceberg/spec/values.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'name', required: false, type: 'string' },
    { id: 3, name: 'price', required: false, type: 'double' },
    {
      id: 4,
      name: 'tags',
      required: false,
      type: { type: 'list', 'element-id': 5, 'element-required': false, element: 'string' },
    },
    { id: 6, name: 'note', required: false, type: 'string' },
  ],
};
const file: DataFile = {
  content: DataContent.Data,
  file_path: '/x.parquet',
  file_format: 'PARQUET',
  partition: {},
  record_count: 10,
  file_size_in_bytes: 100,
  value_counts: new Map([
    [1, 10],
    [2, 10],
    [3, 10],
    [6, 10],
  ]),
  null_value_counts: new Map([
    [1, 0],
    [2, 2],
    [3, 0],
    [6, 10],
  ]),
  nan_value_counts: new Map([[3, 0]]),
  lower_bounds: new Map([
    [1, toBinary('long', 100)],
    [2, toBinary('string', 'apple')],
    [3, toBinary('double', 1.5)],
  ]),
  upper_bounds: new Map([
    [1, toBinary('long', 200)],
    [2, toBinary('string', 'melon')],
    [3, toBinary('double', 9.5)],
  ]),
};
const ids = structFieldIds(schema);
const might = (f: Filter, df: DataFile = file) => evalMetrics(bindFilter(f, schema), df, ids);

describe('min/max metrics pruning', () => {
  it('prunes files whose bounds exclude the value', () => {
    expect(might(eq('id', 150))).toBe(true);
    expect(might(eq('id', 99))).toBe(false);
    expect(might(eq('id', 201))).toBe(false);
    expect(might(lt('id', 100))).toBe(false);
    expect(might(lte('id', 100))).toBe(true);
    expect(might(gt('id', 200))).toBe(false);
    expect(might(gte('id', 200))).toBe(true);
    expect(might(isIn('id', [1, 2, 300]))).toBe(false);
    expect(might(isIn('id', [1, 150]))).toBe(true);
    expect(might(eq('name', 'banana'))).toBe(true);
    expect(might(gt('name', 'zebra'))).toBe(false);
    expect(might(lt('price', 1.5))).toBe(false);
  });

  it('uses null counts for is null / not null and all-null columns', () => {
    expect(might(isNull('id'))).toBe(false);
    expect(might(isNull('name'))).toBe(true);
    expect(might(notNull('note'))).toBe(false);
    expect(might(eq('note', 'x'))).toBe(false);
    expect(might(isNull('note'))).toBe(true);
  });

  it('never prunes on unknown metrics, NaN-bearing floats or list elements', () => {
    const bare: DataFile = {
      ...file,
      lower_bounds: undefined,
      upper_bounds: undefined,
      null_value_counts: undefined,
      value_counts: undefined,
    };
    expect(might(eq('id', 1), bare)).toBe(true);
    expect(might(notNull('note'), bare)).toBe(true);
    const nan: DataFile = { ...file, nan_value_counts: new Map([[3, 1]]) };
    expect(might(lt('price', 1), nan)).toBe(true);
    expect(ids.has(5)).toBe(false);
    expect(might(and(eq('id', 150), eq('name', 'zzz')))).toBe(false);
    expect(might(or(eq('id', 1), eq('name', 'banana')))).toBe(true);
  });

  it('ignores bounds it cannot decode (e.g. 4-byte bounds of a column promoted int -> long)', () => {
    const promoted: DataFile = {
      ...file,
      lower_bounds: new Map([[1, toBinary('int', 500)]]),
      upper_bounds: new Map([[1, toBinary('int', 600)]]),
    };
    expect(might(eq('id', 1), promoted)).toBe(true);
  });
});

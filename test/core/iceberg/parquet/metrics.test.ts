import { describe, expect, it } from 'vitest';
import {
  dataFileMetrics,
  FieldStats,
  metricsConfigFromProperties,
  parseMetricsMode,
} from '../../../../core/iceberg/parquet/metrics.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import { fromBinary } from '../../../../core/iceberg/spec/values.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'a', required: false, type: 'string' },
    {
      id: 2,
      name: 's',
      required: false,
      type: { type: 'struct', fields: [{ id: 3, name: 'b', required: false, type: 'binary' }] },
    },
    { id: 4, name: 'c', required: false, type: 'double' },
  ],
};

function stats(id: number, type: string, values: unknown[]): FieldStats {
  const s = new FieldStats(id, type as never);
  for (const v of values) s.add(v);
  return s;
}

describe('metrics modes', () => {
  it('parses modes and table properties', () => {
    expect(parseMetricsMode('truncate(8)')).toEqual({ kind: 'truncate', length: 8 });
    expect(parseMetricsMode('Counts')).toEqual({ kind: 'counts' });
    expect(() => parseMetricsMode('truncate(0)')).toThrow(/invalid metrics mode/);
    const c = metricsConfigFromProperties(
      { 'write.metadata.metrics.default': 'counts', 'write.metadata.metrics.column.s.b': 'full' },
      schema,
    );
    expect(c.default).toEqual({ kind: 'counts' });
    expect(c.columns?.get(3)).toEqual({ kind: 'full' });
    const limited = metricsConfigFromProperties({ 'write.metadata.metrics.max-inferred-column-defaults': '1' }, schema);
    expect(limited.default).toEqual({ kind: 'truncate', length: 16 });
    expect(limited.columns?.get(1)).toBeUndefined();
    expect(limited.columns?.get(3)).toEqual({ kind: 'none' });
  });

  it('applies none, counts, truncate(N) and full per column', () => {
    const long = 'x'.repeat(20);
    const all = [
      stats(1, 'string', [long, 'a', null]),
      stats(3, 'binary', [new Uint8Array(20).fill(0xff), new Uint8Array([1])]),
      stats(4, 'double', [1, NaN, -0, 0]),
    ];
    const sizes = new Map([
      [1, 10],
      [3, 20],
      [4, 30],
    ]);
    const m = dataFileMetrics(all, sizes, { default: { kind: 'truncate', length: 4 } });
    expect(fromBinary('string', m.lower_bounds!.get(1)!)).toBe('a');
    expect(fromBinary('string', m.upper_bounds!.get(1)!)).toBe('xxxy');
    expect(Array.from(m.lower_bounds!.get(3)!)).toEqual([1]);
    expect(m.upper_bounds!.has(3)).toBe(false); // 0xff.. cannot be incremented: no upper bound
    expect(Object.is(fromBinary('double', m.lower_bounds!.get(4)!), -0)).toBe(true);
    expect(Object.is(fromBinary('double', m.upper_bounds!.get(4)!), 1)).toBe(true);
    expect(m.nan_value_counts!.get(4)).toBe(1);
    expect(m.null_value_counts!.get(1)).toBe(1);
    expect(m.value_counts!.get(4)).toBe(4);

    const full = dataFileMetrics(all, sizes, { default: { kind: 'full' } });
    expect(fromBinary('string', full.upper_bounds!.get(1)!)).toBe(long);
    const mixed = dataFileMetrics(all, sizes, {
      default: { kind: 'counts' },
      columns: new Map([[4, { kind: 'none' } as const]]),
    });
    expect(mixed.lower_bounds!.size).toBe(0);
    expect(mixed.value_counts!.get(1)).toBe(3);
    expect(mixed.value_counts!.has(4)).toBe(false);
    expect(mixed.column_sizes!.has(4)).toBe(false);
    expect(mixed.column_sizes!.get(3)).toBe(20);
  });

  it('drops uuid bounds when Java’s signed order and the byte order disagree', () => {
    const same = stats(1, 'uuid', ['10000000-0000-4000-8000-000000000000', '20000000-0000-4000-8000-000000000000']);
    const split = stats(2, 'uuid', ['10000000-0000-4000-8000-000000000000', 'f0000000-0000-4000-8000-000000000000']);
    const m = dataFileMetrics([same, split], new Map(), { default: { kind: 'truncate', length: 16 } });
    expect(fromBinary('uuid', m.lower_bounds!.get(1)!)).toBe('10000000-0000-4000-8000-000000000000');
    expect(m.lower_bounds!.has(2)).toBe(false);
    expect(m.value_counts!.get(2)).toBe(2);
  });

  it('writes no bounds for a column of only nulls and NaNs', () => {
    const m = dataFileMetrics([stats(4, 'double', [NaN, null])], new Map(), { default: { kind: 'full' } });
    expect(m.lower_bounds!.size).toBe(0);
    expect(m.nan_value_counts!.get(4)).toBe(1);
    expect(m.null_value_counts!.get(4)).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import {
  and,
  bindFilter,
  eq,
  evalRow,
  gt,
  gte,
  isIn,
  isNull,
  lt,
  lte,
  notNull,
  or,
} from '../../../../core/iceberg/scan/expression.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'shop', required: false, type: 'string' },
    { id: 3, name: 'total', required: false, type: 'decimal(10,2)' },
    {
      id: 4,
      name: 'addr',
      required: false,
      type: { type: 'struct', fields: [{ id: 5, name: 'city', required: false, type: 'string' }] },
    },
  ],
};

describe('filters on rows', () => {
  const row = { id: 7, shop: 'b', total: '12.50', addr: { city: 'Oslo' } };
  const t = (f: Parameters<typeof bindFilter>[0], r: Record<string, unknown> = row) =>
    evalRow(bindFilter(f, schema), r);

  it('compares with the column type', () => {
    expect(t(eq('id', 7))).toBe(true);
    expect(t(eq('id', 7n))).toBe(true);
    expect(t(lt('id', 7))).toBe(false);
    expect(t(lte('id', 7))).toBe(true);
    expect(t(gt('shop', 'a'))).toBe(true);
    expect(t(gte('total', '12.5'))).toBe(true); // decimals numerically
    expect(t(gt('total', '12.51'))).toBe(false);
    expect(t(isIn('shop', ['a', 'b']))).toBe(true);
    expect(t(isIn('shop', ['c']))).toBe(false);
    expect(t(eq('addr.city', 'Oslo'))).toBe(true);
  });

  it('treats nulls as SQL does', () => {
    const r = { id: 1, shop: null };
    expect(t(eq('shop', 'a'), r)).toBe(false);
    expect(t(lt('shop', 'z'), r)).toBe(false);
    expect(t(isNull('shop'), r)).toBe(true);
    expect(t(notNull('shop'), r)).toBe(false);
    expect(t(isNull('addr.city'), r)).toBe(true);
  });

  it('combines with and/or', () => {
    expect(t(and(eq('id', 7), eq('shop', 'b')))).toBe(true);
    expect(t(and(eq('id', 7), eq('shop', 'x')))).toBe(false);
    expect(t(or(eq('id', 1), eq('shop', 'b')))).toBe(true);
    expect(t(or(eq('id', 1), eq('shop', 'x')))).toBe(false);
  });

  it('rejects unknown columns, nested non-primitives and null literals with the column named', () => {
    expect(() => bindFilter(eq('nope', 1), schema)).toThrow(/column nope is not in schema 0/);
    expect(() => bindFilter(eq('addr', 1), schema)).toThrow(/addr is not a primitive/);
    expect(() => bindFilter(eq('id', null), schema)).toThrow(/id eq null; use isNull/);
    expect(() => bindFilter(isIn('id', [1, null]), schema)).toThrow(/use isNull/);
  });
});

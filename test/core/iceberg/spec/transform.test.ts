import { describe, expect, it } from 'vitest';
import type { PartitionSpec } from '../../../../core/iceberg/spec/partition-spec.js';
import type { Schema } from '../../../../core/iceberg/spec/types.js';
import {
  applyTransform,
  bindPartitionSpec,
  canTransform,
  parseTransform,
  partitionToPath,
  partitionValueToHumanString,
  partitionValuesOf,
  transformResultType,
} from '../../../../core/iceberg/spec/transform.js';

const TS = Date.UTC(2017, 10, 16, 22, 31, 8) * 1000; // 2017-11-16T22:31:08Z in micros
const DAY = 17486; // 2017-11-16

describe('parseTransform', () => {
  it('parses every spec transform and keeps unknown ones recognisable', () => {
    expect(parseTransform('identity')).toEqual({ kind: 'identity' });
    expect(parseTransform('bucket[16]')).toEqual({ kind: 'bucket', n: 16 });
    expect(parseTransform('truncate[3]')).toEqual({ kind: 'truncate', width: 3 });
    expect(parseTransform('zorder')).toEqual({ kind: 'unknown', name: 'zorder' });
    expect(() => parseTransform('bucket[0]')).toThrow(/positive integer/);
    expect(() => parseTransform('truncate[x]')).toThrow(/positive integer/);
  });
});

describe('time transforms', () => {
  it('extract years, months, days and hours from timestamps and dates', () => {
    for (const t of ['timestamptz', 'timestamp'] as const) {
      expect(applyTransform('year', t, TS)).toBe(47);
      expect(applyTransform('month', t, TS)).toBe(47 * 12 + 10);
      expect(applyTransform('day', t, TS)).toBe(DAY);
      expect(applyTransform('hour', t, TS)).toBe(DAY * 24 + 22);
      expect(applyTransform('day', t, BigInt(TS))).toBe(DAY);
    }
    expect(applyTransform('year', 'date', DAY)).toBe(47);
    expect(applyTransform('month', 'date', DAY)).toBe(574);
    expect(applyTransform('day', 'date', DAY)).toBe(DAY);
    expect(applyTransform('day', 'timestamptz_ns', BigInt(TS) * 1000n + 999n)).toBe(DAY);
  });

  it('floors values before the epoch', () => {
    expect(applyTransform('day', 'timestamptz', -1)).toBe(-1);
    expect(applyTransform('hour', 'timestamptz', -1)).toBe(-1);
    expect(applyTransform('month', 'timestamptz', -1)).toBe(-1);
    expect(applyTransform('year', 'timestamptz', -1)).toBe(-1);
    expect(applyTransform('day', 'timestamptz', -86_400_000_000)).toBe(-1);
    expect(applyTransform('day', 'timestamptz', -86_400_000_001)).toBe(-2);
    expect(applyTransform('year', 'date', -365)).toBe(-1); // 1969-01-01
    expect(applyTransform('month', 'date', -365)).toBe(-12);
    expect(applyTransform('year', 'date', -366)).toBe(-2); // 1968-12-31
    expect(applyTransform('month', 'date', -366)).toBe(-13);
    expect(applyTransform('day', 'timestamptz_ns', -1n)).toBe(-1);
  });

  it('handles leap days and month ends', () => {
    const feb29 = Date.UTC(2024, 1, 29) / 86_400_000;
    expect(applyTransform('month', 'date', feb29)).toBe((2024 - 1970) * 12 + 1);
    expect(applyTransform('month', 'date', feb29 + 1)).toBe((2024 - 1970) * 12 + 2);
    expect(applyTransform('year', 'date', Date.UTC(2000, 11, 31) / 86_400_000)).toBe(30);
  });
});

describe('bucket', () => {
  it('is (murmur3 & Integer.MAX_VALUE) % N over the Appendix B hashes', () => {
    expect(applyTransform('bucket[16]', 'int', 34)).toBe(2017239379 % 16);
    expect(applyTransform('bucket[16]', 'long', 34n)).toBe(2017239379 % 16);
    expect(applyTransform('bucket[100]', 'string', 'iceberg')).toBe(1210000089 % 100);
    expect(applyTransform('bucket[10]', 'decimal(9,2)', '14.20')).toBe((-500754589 & 0x7fffffff) % 10);
    expect(applyTransform('bucket[10]', 'decimal(9,2)', 1420n)).toBe((-500754589 & 0x7fffffff) % 10);
    expect(applyTransform('bucket[7]', 'date', DAY)).toBe((-653330422 & 0x7fffffff) % 7);
    expect(applyTransform('bucket[7]', 'timestamptz', TS + 1)).toBe((-1207196810 & 0x7fffffff) % 7);
    expect(applyTransform('bucket[7]', 'timestamp_ns', (BigInt(TS) + 1n) * 1000n + 1n)).toBe(
      (-1207196810 & 0x7fffffff) % 7,
    );
    expect(applyTransform('bucket[1000]', 'uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7')).toBe(1488055340 % 1000);
    expect(applyTransform('bucket[9]', 'binary', new Uint8Array([0, 1, 2, 3]))).toBe((-188683207 & 0x7fffffff) % 9);
    expect(applyTransform('bucket[9]', 'fixed[4]', new Uint8Array([0, 1, 2, 3]))).toBe((-188683207 & 0x7fffffff) % 9);
  });
});

describe('truncate', () => {
  it('follows the spec examples', () => {
    expect(applyTransform('truncate[10]', 'int', 1)).toBe(0);
    expect(applyTransform('truncate[10]', 'int', -1)).toBe(-10);
    expect(applyTransform('truncate[10]', 'long', -1)).toBe(-10);
    expect(applyTransform('truncate[10]', 'long', 4611686018427387911n)).toBe(4611686018427387910n);
    expect(applyTransform('truncate[50]', 'decimal(9,2)', '10.65')).toBe('10.50');
    expect(applyTransform('truncate[50]', 'decimal(9,2)', '-0.01')).toBe('-0.50');
    expect(applyTransform('truncate[3]', 'string', 'iceberg')).toBe('ice');
    expect(applyTransform('truncate[2]', 'string', '😀😀😀')).toBe('😀😀');
    expect(applyTransform('truncate[3]', 'binary', new Uint8Array([1, 2, 3, 4, 5]))).toEqual(new Uint8Array([1, 2, 3]));
  });
});

describe('identity, void and nulls', () => {
  it('normalizes identity values to the row representation', () => {
    expect(applyTransform('identity', 'decimal(9,2)', 1230n)).toBe('12.30');
    expect(applyTransform('identity', 'long', 2n ** 40n)).toBe(2 ** 40);
    expect(applyTransform('identity', 'uuid', 'F79C3E09-677C-4BBD-A479-3F349CB785E7')).toBe(
      'f79c3e09-677c-4bbd-a479-3f349cb785e7',
    );
  });

  it('returns null for null input and for void', () => {
    for (const t of ['identity', 'year', 'day', 'hour', 'bucket[4]', 'void']) {
      expect(applyTransform(t, 'timestamptz', null)).toBeNull();
      expect(applyTransform(t, 'timestamptz', undefined)).toBeNull();
    }
    expect(applyTransform('void', 'string', 'x')).toBeNull();
  });

  it('rejects values of the wrong type and unsupported pairings', () => {
    expect(() => applyTransform('day', 'timestamptz', '2017-11-16')).toThrow(/microseconds/);
    expect(() => applyTransform('bucket[4]', 'string', 5)).toThrow(/expected string/);
    expect(() => applyTransform('year', 'string', 'x')).toThrow(/cannot be applied to string/);
    expect(canTransform('bucket[4]', 'double')).toBe(false);
    expect(canTransform('hour', 'date')).toBe(false);
    expect(canTransform('truncate[4]', 'uuid')).toBe(false);
  });
});

describe('transformResultType', () => {
  it('matches the spec table', () => {
    expect(transformResultType('identity', 'decimal(9,2)')).toBe('decimal(9,2)');
    expect(transformResultType('bucket[4]', 'string')).toBe('int');
    expect(transformResultType('truncate[4]', 'string')).toBe('string');
    expect(transformResultType('year', 'timestamptz')).toBe('int');
    expect(transformResultType('month', 'date')).toBe('int');
    expect(transformResultType('day', 'timestamptz')).toBe('date');
    expect(transformResultType('hour', 'timestamp')).toBe('int');
    expect(transformResultType('void', 'long')).toBe('long');
  });
});

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'shop_id', required: true, type: 'long' },
    { id: 2, name: 'event_time', required: true, type: 'timestamptz' },
    { id: 3, name: 'note', required: false, type: 'string' },
    {
      id: 4,
      name: 'customer',
      required: false,
      type: { type: 'struct', fields: [{ id: 5, name: 'country', required: false, type: 'string' }] },
    },
    { id: 6, name: 'payload', required: false, type: 'binary' },
    { id: 7, name: 'amount', required: false, type: 'decimal(10,2)' },
  ],
};

describe('partitionToPath', () => {
  it('builds Java-style human, URL-escaped paths', () => {
    const spec: PartitionSpec = {
      'spec-id': 0,
      fields: [
        { 'source-id': 2, 'field-id': 1000, name: 'event_time_day', transform: 'day' },
        { 'source-id': 1, 'field-id': 1001, name: 'shop_id_bucket', transform: 'bucket[8]' },
      ],
    };
    const day = Date.UTC(2026, 10, 22) / 86_400_000;
    expect(partitionToPath(spec, schema, { event_time_day: day, shop_id_bucket: 3 })).toBe(
      'event_time_day=2026-11-22/shop_id_bucket=3',
    );
  });

  it('escapes names and values like java.net.URLEncoder and prints null', () => {
    const spec: PartitionSpec = {
      'spec-id': 0,
      fields: [
        { 'source-id': 3, 'field-id': 1000, name: 'note id', transform: 'identity' },
        { 'source-id': 2, 'field-id': 1001, name: 'ts', transform: 'identity' },
        { 'source-id': 5, 'field-id': 1002, name: 'country', transform: 'identity' },
        { 'source-id': 6, 'field-id': 1003, name: 'payload', transform: 'identity' },
        { 'source-id': 7, 'field-id': 1004, name: 'amount', transform: 'truncate[50]' },
      ],
    };
    const values = {
      'note id': "a b/c&é~*'",
      ts: TS,
      country: null,
      payload: new Uint8Array([0, 1, 2, 3]),
      amount: '10.50',
    };
    expect(partitionToPath(spec, schema, values)).toBe(
      'note+id=a+b%2Fc%26%C3%A9%7E*%27/ts=2017-11-16T22%3A31%3A08%2B00%3A00/country=null/payload=AAECAw%3D%3D/amount=10.50',
    );
  });

  it('prints time transforms and primitive identities as Java does', () => {
    expect(partitionValueToHumanString('year', 'int', 47)).toBe('2017');
    expect(partitionValueToHumanString('month', 'int', 574)).toBe('2017-11');
    expect(partitionValueToHumanString('month', 'int', -1)).toBe('1969-12');
    expect(partitionValueToHumanString('hour', 'int', DAY * 24 + 22)).toBe('2017-11-16-22');
    expect(partitionValueToHumanString('hour', 'int', -1)).toBe('1969-12-31-23');
    expect(partitionValueToHumanString('day', 'date', DAY)).toBe('2017-11-16');
    expect(partitionValueToHumanString('identity', 'timestamp', TS + 120_000)).toBe('2017-11-16T22:31:08.12');
    expect(partitionValueToHumanString('identity', 'time', 81068000000)).toBe('22:31:08');
    expect(partitionValueToHumanString('identity', 'time', 0)).toBe('00:00');
    expect(partitionValueToHumanString('identity', 'time', 1_500_000)).toBe('00:00:01.500');
    expect(partitionValueToHumanString('identity', 'double', 1)).toBe('1.0');
    expect(partitionValueToHumanString('identity', 'double', 1e7)).toBe('1.0E7');
    expect(partitionValueToHumanString('identity', 'double', 0.0001)).toBe('1.0E-4');
    expect(partitionValueToHumanString('identity', 'double', 123.456)).toBe('123.456');
    expect(partitionValueToHumanString('identity', 'float', Math.fround(0.1))).toBe('0.1');
    expect(partitionValueToHumanString('identity', 'decimal(20,10)', '0.0000000001')).toBe('1E-10');
    expect(partitionValueToHumanString('identity', 'boolean', true)).toBe('true');
  });
});

describe('bindPartitionSpec / partitionValuesOf', () => {
  it('computes a row’s partition tuple, reading nested struct sources', () => {
    const spec: PartitionSpec = {
      'spec-id': 0,
      fields: [
        { 'source-id': 2, 'field-id': 1000, name: 'event_time_hour', transform: 'hour' },
        { 'source-id': 5, 'field-id': 1001, name: 'country', transform: 'identity' },
      ],
    };
    const bound = bindPartitionSpec(spec, schema);
    expect(bound.map((f) => f.resultType)).toEqual(['int', 'string']);
    expect(partitionValuesOf(bound, { event_time: TS, customer: { country: 'NZ' } })).toEqual({
      event_time_hour: DAY * 24 + 22,
      country: 'NZ',
    });
    expect(partitionValuesOf(bound, { event_time: TS, customer: null })).toEqual({
      event_time_hour: DAY * 24 + 22,
      country: null,
    });
  });

  it('names the partition field on a bad spec', () => {
    const bad = (transform: string, sourceId = 2): PartitionSpec => ({
      'spec-id': 0,
      fields: [{ 'source-id': sourceId, 'field-id': 1000, name: 'p', transform }],
    });
    expect(() => bindPartitionSpec(bad('zorder'), schema)).toThrow(/partition field p: unknown transform "zorder"/);
    expect(() => bindPartitionSpec(bad('day', 99), schema)).toThrow(/source column id 99/);
    expect(() => bindPartitionSpec(bad('truncate[2]'), schema)).toThrow(/cannot apply to event_time \(timestamptz\)/);
  });
});

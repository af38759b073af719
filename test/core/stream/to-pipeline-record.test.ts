import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '../../../core/kafka/index.js';
import { toPipelineRecord, valueBytes } from '../../../core/stream/index.js';

const message = (m: Partial<KafkaMessage> & Record<string, unknown>): KafkaMessage =>
  ({ key: null, value: null, timestamp: '-1', attributes: 0, offset: '0', headers: {}, ...m }) as KafkaMessage;

describe('toPipelineRecord', () => {
  it('keeps coordinates, bytes, timestamp and its type', () => {
    const r = toPipelineRecord(
      'orders',
      3,
      message({
        key: Buffer.from('shop-1'),
        value: Buffer.from('{"a":1}'),
        timestamp: '1741000000123',
        offset: '9007199254740991',
        batchContext: { timestampType: 1 },
      }),
    );
    expect(r).toEqual({
      topic: 'orders',
      partition: 3,
      offset: Number.MAX_SAFE_INTEGER,
      timestamp: 1741000000123,
      timestampType: 'LOG_APPEND_TIME',
      key: Buffer.from('shop-1'),
      value: Buffer.from('{"a":1}'),
      headers: [],
    });
    expect(toPipelineRecord('orders', 0, message({ batchContext: { timestampType: 0 } })).timestampType).toBe(
      'CREATE_TIME',
    );
  });

  it('leaves a tombstone, a missing key and a missing timestamp as nulls (the pipeline quarantines them)', () => {
    const r = toPipelineRecord('orders', 0, message({ timestamp: '-1' }));
    expect(r).toMatchObject({ key: null, value: null, timestamp: null, timestampType: null });
    expect(valueBytes(message({}))).toBe(0);
    expect(valueBytes(message({ value: Buffer.alloc(17) }))).toBe(17);
  });

  it('turns repeated header keys and null header values into headers', () => {
    const r = toPipelineRecord(
      'orders',
      0,
      message({
        headers: { a: Buffer.from('1'), b: [Buffer.from('2'), 'three'], c: undefined, d: null as unknown as Buffer },
      }),
    );
    expect(r.headers).toEqual([
      { key: 'a', value: Buffer.from('1') },
      { key: 'b', value: Buffer.from('2') },
      { key: 'b', value: Buffer.from('three') },
      { key: 'c', value: null },
      { key: 'd', value: null },
    ]);
  });
});

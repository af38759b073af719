import type { MSKEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeRecord, fromKafkaJsMessage, fromMskEvent } from '../../../core/pipeline/index.js';
import type { PipelineRecord } from '../../../core/pipeline/index.js';

const record = (value: Uint8Array | null): PipelineRecord => ({
  topic: 'orders',
  partition: 0,
  offset: 7,
  timestamp: 1,
  timestampType: 'CREATE_TIME',
  key: null,
  value,
  headers: [],
});

describe('decodeRecord', () => {
  it('parses a JSON value and keeps its text', () => {
    const d = decodeRecord(record(Buffer.from('{"a":"é"}')));
    expect(d.failure).toBeNull();
    expect(d.event).toEqual({ a: 'é' });
    expect(d.text).toBe('{"a":"é"}');
    expect(d.bytes).toBe(10);
  });

  it('a record an operator skipped is `skipped` with the reason, whatever it holds', () => {
    for (const value of [null, Buffer.from('{"a":1}')]) {
      const d = decodeRecord({ ...record(value), skipped: 'INC-1' });
      expect(d.failure).toEqual({ code: 'skipped', message: 'skipped by an operator: INC-1' });
      expect(d).toMatchObject({ text: null, event: undefined, bytes: 0 });
    }
  });

  it('names null values, invalid UTF-8 and non-JSON, never throwing', () => {
    expect(decodeRecord(record(null)).failure?.code).toBe('null_value');
    const bad = decodeRecord(record(Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])));
    expect(bad.failure?.code).toBe('invalid_utf8');
    expect(bad.text).toBeNull();
    expect(bad.bytes).toBe(6);
    const text = decodeRecord(record(Buffer.from('{"a": tru')));
    expect(text.failure?.code).toBe('not_json');
    expect(text.failure?.message.length).toBeLessThanOrEqual(200);
    expect(decodeRecord(record(new Uint8Array(0))).failure?.code).toBe('not_json');
    // A byte-order mark is not JSON whitespace.
    expect(decodeRecord(record(Buffer.from('\ufeff{}'))).failure?.code).toBe('not_json');
  });

  it('accepts Uint8Array views into a larger buffer', () => {
    const big = Buffer.from('xx{"k":1}yy');
    const view = new Uint8Array(big.buffer, big.byteOffset + 2, 7);
    expect(decodeRecord(record(view)).event).toEqual({ k: 1 });
  });
});

describe('fromMskEvent', () => {
  it('decodes base64 keys, values and byte-array headers, partition by partition in offset order', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const event = {
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn',
      bootstrapServers: 'b',
      records: {
        'orders-1': [
          {
            topic: 'orders',
            partition: 1,
            offset: 11,
            timestamp: 5,
            timestampType: 'LOG_APPEND_TIME',
            key: b64('shop'),
            value: b64('{}'),
            headers: [],
          },
          {
            topic: 'orders',
            partition: 1,
            offset: 10,
            timestamp: -1,
            timestampType: 'CREATE_TIME',
            key: null,
            value: null,
            headers: [{ h: [104, 105] }, { e: [] }],
          },
        ],
      },
    } as unknown as MSKEvent;
    const [a, b] = fromMskEvent(event);
    expect(a!.offset).toBe(10);
    expect(a!.timestamp).toBeNull();
    expect(a!.key).toBeNull();
    expect(a!.value).toBeNull();
    expect(a!.headers.map((h) => [h.key, Buffer.from(h.value!).toString()])).toEqual([
      ['h', 'hi'],
      ['e', ''],
    ]);
    expect(b!.offset).toBe(11);
    expect(b!.timestampType).toBe('LOG_APPEND_TIME');
    expect(Buffer.from(b!.key!).toString()).toBe('shop');
    expect(Buffer.from(b!.value!).toString()).toBe('{}');
  });
});

describe('fromKafkaJsMessage', () => {
  it('takes kafkajs string offsets and timestamps and repeated headers', () => {
    const r = fromKafkaJsMessage('orders', 3, {
      key: Buffer.from('shop'),
      value: Buffer.from('{}'),
      timestamp: '1700000000000',
      offset: '42',
      headers: { a: Buffer.from('x'), b: ['y', Buffer.from('z')], c: undefined },
    });
    expect(r).toMatchObject({
      topic: 'orders',
      partition: 3,
      offset: 42,
      timestamp: 1700000000000,
      timestampType: null,
    });
    expect(r.headers.map((h) => [h.key, h.value === null ? null : Buffer.from(h.value).toString()])).toEqual([
      ['a', 'x'],
      ['b', 'y'],
      ['b', 'z'],
      ['c', null],
    ]);
    expect(
      fromKafkaJsMessage('orders', 0, { key: null, value: null, timestamp: '-1', offset: '0' }).timestamp,
    ).toBeNull();
  });
});

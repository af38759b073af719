import { describe, expect, it } from 'vitest';
import type { MSKEvent } from 'aws-lambda';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { toMskBatches, DEFAULT_EVENT_SOURCE_ARN } from '../../../core/generator/to-msk-batches.js';
import { TEST_KIND_HEADER } from '../../../core/generator/record.js';
import { BAD_KINDS } from '../../../core/generator/record.js';
import type { GeneratedRecord } from '../../../core/generator/record.js';

const ONLY_OVERSIZED = Object.fromEntries(BAD_KINDS.map((k) => [k, k === 'oversized' ? 1 : 0]));

const records = (n: number, extra = {}): GeneratedRecord[] => [
  ...generateEvents({ seed: 8, events: n, badShare: 0.05, ...extra }),
];

describe('toMskBatches', () => {
  it('delivers every record once, in the shape of a Lambda MSK event', () => {
    const input = records(3_000);
    const batches = [...toMskBatches(input, { batchSize: 100 })];
    const byKey = new Map(input.map((r) => [`${r.topic}-${r.partition}@${r.offset}`, r]));
    let delivered = 0;
    const problems: string[] = [];
    for (const event of batches) {
      expect(Object.keys(event).sort()).toEqual(['bootstrapServers', 'eventSource', 'eventSourceArn', 'records']);
      expect(event.eventSource).toBe('aws:kafka');
      expect(event.eventSourceArn).toBe(DEFAULT_EVENT_SOURCE_ARN);
      const topics = new Set<string>();
      let size = 0;
      for (const [tp, list] of Object.entries(event.records)) {
        let last = -1;
        for (const m of list) {
          const where = `${tp}@${m.offset}`;
          const original = byKey.get(where);
          if (`${m.topic}-${m.partition}` !== tp || typeof m.partition !== 'number')
            problems.push(`${where}: under the wrong key`);
          if (Object.keys(m).sort().join() !== 'headers,key,offset,partition,timestamp,timestampType,topic,value')
            problems.push(`${where}: fields`);
          if (m.timestampType !== 'CREATE_TIME') problems.push(`${where}: timestampType`);
          if (m.offset <= last) problems.push(`${where}: offsets out of order`);
          last = m.offset;
          if (!original) {
            problems.push(`${where}: not generated`);
            continue;
          }
          if (!Buffer.from(m.value, 'base64').equals(original.value)) problems.push(`${where}: value`);
          if (Buffer.from(m.key, 'base64').toString('utf8') !== original.key) problems.push(`${where}: key`);
          if (m.timestamp !== original.timestamp) problems.push(`${where}: timestamp`);
          // Headers: one object per header, the value as an array of byte values.
          const kind = m.headers.find((h) => TEST_KIND_HEADER in h)?.[TEST_KIND_HEADER];
          if (!kind || Buffer.from(kind).toString('utf8') !== original.kind) problems.push(`${where}: kind header`);
          if (m.headers.some((h) => Object.keys(h).length !== 1 || !Object.values(h).every(Array.isArray)))
            problems.push(`${where}: header shape`);
          topics.add(m.topic);
          size++;
          delivered++;
        }
      }
      // One topic per event source mapping, as MSK triggers are.
      expect(topics.size).toBe(1);
      expect(size).toBeLessThanOrEqual(100);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(delivered).toBe(input.length);
    expect(batches.filter((b) => Object.values(b.records).flat().length === 100).length).toBeGreaterThan(
      batches.length / 2,
    );
  });

  it('round-trips through JSON as Lambda would hand it over', () => {
    const [first] = toMskBatches(records(200), {
      batchSize: 50,
      eventSourceArn: 'arn:aws:kafka:eu-west-1:1:cluster/x/y',
      bootstrapServers: 'b-1:9098',
    });
    const copy = JSON.parse(JSON.stringify(first)) as MSKEvent;
    expect(copy).toEqual(first);
    expect(copy.eventSourceArn).toBe('arn:aws:kafka:eu-west-1:1:cluster/x/y');
  });

  it('closes a batch before its JSON passes the payload limit', () => {
    const input = records(300, { badShare: 0.3, badKinds: ONLY_OVERSIZED, oversizedBytes: 100_000 });
    expect(input.filter((r) => r.kind === 'oversized').length).toBeGreaterThan(40);
    const maxPayloadBytes = 400_000;
    const batches = [...toMskBatches(input, { batchSize: 500, maxPayloadBytes })];
    for (const b of batches) expect(JSON.stringify(b).length).toBeLessThanOrEqual(maxPayloadBytes);
    expect(batches.reduce((a, b) => a + Object.values(b.records).flat().length, 0)).toBe(input.length);
  });

  it('rejects a record larger than the payload limit and a bad batch size', () => {
    const input = records(200, { badShare: 0.5, badKinds: ONLY_OVERSIZED, oversizedBytes: 300_000 });
    expect(() => [...toMskBatches(input, { maxPayloadBytes: 100_000 })]).toThrow(/above maxPayloadBytes/);
    expect(() => [...toMskBatches(input, { batchSize: 0 })]).toThrow(/batchSize/);
  });
});

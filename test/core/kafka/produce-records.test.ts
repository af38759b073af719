// produceRecords against the real-protocol test broker: every record lands once, keyed records on the partition
// Kafka's murmur2 partitioner picks (checked with an independent murmur2 verified against Kafka's own test vectors),
// and a kafkajs group consumer (join, fetch, commit) reads them all back.
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, produceRecords, KafkaConfigError, type KafkaRecord } from '../../../core/kafka/index.js';
import { useKafkaBroker } from '../../support/kafka-broker.js';

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), written from the algorithm for this test. */
function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[whole]!, m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
const partitionFor = (key: string, partitions: number): number => (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;

const broker = useKafkaBroker({ brokers: 3, topics: { orders: 6, behaviour: 6, bad: 2 } });
let kafka: Kafka;
let admin: Admin;
beforeAll(async () => {
  kafka = createKafka({ brokers: broker.bootstrap, clientId: 'produce-test', auth: 'none', logLevel: 'warn' });
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.disconnect();
});

const highWatermarks = async (topic: string): Promise<number[]> =>
  (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((p) => Number(p.high));
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

it("murmur2 here matches Kafka's own test vectors", () => {
  const cases: [string | number[], number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    [[0x61, 0x62, 0x63], 479470107],
  ];
  for (const [input, hash] of cases) {
    expect(murmur2(typeof input === 'string' ? Buffer.from(input) : Uint8Array.from(input))).toBe(hash);
  }
});

describe('produce, then consume with a consumer group', () => {
  const ORDERS = 600;
  const VIEWS = 300;
  const shops = Array.from({ length: 23 }, (_, i) => `shop-${String(i).padStart(3, '0')}`);
  const orders: KafkaRecord[] = Array.from({ length: ORDERS }, (_, i) => ({
    topic: 'orders',
    key: shops[i % shops.length]!,
    value: Buffer.from(JSON.stringify({ event_type: 'order_created', shop_id: shops[i % shops.length], seq: i })),
    headers: { event_type: 'order_created', seq: String(i) },
  }));
  const views: KafkaRecord[] = Array.from({ length: VIEWS }, (_, i) => ({
    topic: 'behaviour',
    value: JSON.stringify({ event_type: 'page_viewed', seq: i }),
    headers: { seq: String(i) },
  }));
  const progress: number[] = [];
  const received: { topic: string; partition: number; message: KafkaMessage }[] = [];
  let consumer: Consumer;
  let summary: Awaited<ReturnType<typeof produceRecords>>;

  beforeAll(async () => {
    // Interleave the topics, and stream them through an async iterable, as the generator does.
    async function* events(): AsyncGenerator<KafkaRecord> {
      for (let i = 0; i < ORDERS; i++) {
        yield orders[i]!;
        if (i % 2 === 0) yield views[i / 2]!;
      }
    }
    summary = await produceRecords(kafka, events(), { maxBatchRecords: 100, onProgress: (n) => progress.push(n) });

    consumer = kafka.consumer({
      groupId: 'produce-test',
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: ['orders', 'behaviour'], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          received.push({ topic, partition, message });
          if (received.length === ORDERS + VIEWS) resolve();
        },
      });
    });
    await consumer.disconnect(); // commits the consumed offsets and leaves the group
  });

  it('reports what it sent, in batches bounded by maxBatchRecords', () => {
    expect(summary.records).toBe(ORDERS + VIEWS);
    expect(summary.topics).toEqual({ orders: ORDERS, behaviour: VIEWS });
    expect(summary.batches).toBe(9);
    expect(progress).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900]);
    const payload = sum([...orders, ...views].map((r) => r.value!.length + (r.key?.length ?? 0)));
    expect(summary.bytes).toBeGreaterThan(payload);
  });

  it('the brokers hold exactly the records sent, per topic', async () => {
    expect(sum(await highWatermarks('orders'))).toBe(ORDERS);
    expect(sum(await highWatermarks('behaviour'))).toBe(VIEWS);
  });

  it('the group consumer reads every record exactly once, values, keys and headers intact', () => {
    const seen = (topic: string): string[] =>
      received
        .filter((r) => r.topic === topic)
        .map((r) => String(r.message.headers!.seq))
        .sort((a, b) => Number(a) - Number(b));
    expect(seen('orders')).toEqual(orders.map((_, i) => String(i)));
    expect(seen('behaviour')).toEqual(views.map((_, i) => String(i)));
    for (const { topic, message } of received) {
      const seq = Number(String(message.headers!.seq));
      const sent = (topic === 'orders' ? orders : views)[seq]!;
      expect(message.value!.equals(Buffer.from(sent.value!))).toBe(true);
      expect(message.key === null ? null : String(message.key)).toBe(sent.key ?? null);
    }
  });

  it("keyed records land on murmur2(key) % partitions, in send order per key (kafkajs' default partitioner)", () => {
    const lastSeqByKey = new Map<string, number>();
    for (const { topic, partition, message } of received.filter((r) => r.topic === 'orders')) {
      const key = String(message.key);
      expect(partition).toBe(partitionFor(key, 6));
      const seq = Number(String(message.headers!.seq));
      expect(seq).toBeGreaterThan(lastSeqByKey.get(key) ?? -1);
      lastSeqByKey.set(key, seq);
      expect(topic).toBe('orders');
    }
    // 23 shops over 6 partitions: the keys really spread.
    expect(new Set(received.filter((r) => r.topic === 'orders').map((r) => r.partition)).size).toBeGreaterThan(3);
  });

  it('unkeyed records spread over all partitions', async () => {
    const perPartition = await highWatermarks('behaviour');
    expect(perPartition).toHaveLength(6);
    for (const n of perPartition) expect(n).toBeGreaterThan(0);
  });

  it("the group's committed offsets reach the end of every partition", async () => {
    const committed = await admin.fetchOffsets({ groupId: 'produce-test', topics: ['orders', 'behaviour'] });
    for (const { topic, partitions } of committed) {
      const highs = await highWatermarks(topic);
      for (const p of partitions) expect(Number(p.offset)).toBe(highs[p.partition]);
    }
  });
});

describe('bad input', () => {
  it('rejects a bad record naming it and the field; the records before it are sent, none after', async () => {
    const before = sum(await highWatermarks('bad'));
    const records = [
      { topic: 'bad', key: 'a', value: 'one' },
      { topic: 'bad', key: 'b', value: 'two' },
      { topic: 'bad', key: 'c', value: 42 as unknown as string },
      { topic: 'bad', key: 'd', value: 'four' },
    ];
    await expect(produceRecords(kafka, records)).rejects.toThrow(
      new KafkaConfigError(
        "record #2 (topic 'bad'): value must be a Buffer, a string or null; the 2 record(s) before it were sent",
      ),
    );
    expect(sum(await highWatermarks('bad'))).toBe(before + 2);
  });

  it('rejects an oversized record before sending it', async () => {
    const before = sum(await highWatermarks('bad'));
    const big = { topic: 'bad', value: Buffer.alloc(2048) };
    await expect(produceRecords(kafka, [big], { maxRecordBytes: 1024 })).rejects.toThrow(
      /^record #0 \(topic 'bad'\): 2080 bytes exceeds maxRecordBytes 1024; the 0 record\(s\) before it were sent$/,
    );
    expect(sum(await highWatermarks('bad'))).toBe(before);
  });

  it.each<[string, KafkaRecord, RegExp]>([
    ['an empty topic', { topic: '', value: 'x' }, /record #0: topic must be a non-empty string/],
    ['a negative partition', { topic: 'bad', value: 'x', partition: -1 }, /partition must be an integer >= 0, got -1/],
    ['a numeric key', { topic: 'bad', key: 7 as never, value: 'x' }, /key must be a Buffer, a string, null or absent/],
    [
      'a non-string header',
      { topic: 'bad', value: 'x', headers: { n: 1 as never } },
      /header 'n' must be a Buffer or a string/,
    ],
  ])('rejects %s', async (_what, record, message) => {
    await expect(produceRecords(kafka, [record])).rejects.toThrow(message);
  });

  it('rejects bad options before connecting', async () => {
    await expect(produceRecords(kafka, [], { maxBatchBytes: 0 })).rejects.toThrow(
      /produceRecords maxBatchBytes: 0 is not an integer >= 1/,
    );
    await expect(produceRecords(kafka, [], { acks: 2 as never })).rejects.toThrow(/acks: 2 is not -1, 0 or 1/);
  });
});

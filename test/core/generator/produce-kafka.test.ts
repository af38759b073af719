// `--brokers`: generated records produced through core/kafka to the real-protocol test broker land on the
// partition the generator computed (same murmur2 partitioner), with their bytes, key, headers and timestamp intact.
import type { Consumer, Kafka, KafkaMessage } from '../../../core/kafka/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../../core/kafka/index.js';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { produceGenerated } from '../../../core/generator/produce-kafka.js';
import { TEST_KIND_HEADER } from '../../../core/generator/record.js';
import type { GeneratedRecord } from '../../../core/generator/record.js';
import { useKafkaBroker } from '../../support/kafka-broker.js';

const PARTITIONS = 6;
const TOPICS = ['orders', 'behaviour', 'customers', 'catalog', 'inventory'];
const broker = useKafkaBroker({ topics: Object.fromEntries(TOPICS.map((t) => [t, PARTITIONS])) });

describe('produceGenerated', () => {
  const N = 800;
  let records: GeneratedRecord[];
  let kafka: Kafka;
  let consumer: Consumer;
  const received: Array<{ topic: string; partition: number; message: KafkaMessage }> = [];
  let produced: Awaited<ReturnType<typeof produceGenerated>>;

  beforeAll(async () => {
    const options = { seed: 17, events: N, partitions: PARTITIONS, badShare: 0.05, badKinds: { oversized: 0 } };
    records = [...generateEvents(options)];
    produced = await produceGenerated(generateEvents(options), { brokers: broker.bootstrap });
    kafka = createKafka({ brokers: broker.bootstrap, clientId: 'generator-test', auth: 'none', logLevel: 'warn' });
    consumer = kafka.consumer({
      groupId: 'generator-test',
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: TOPICS, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          received.push({ topic, partition, message });
          if (received.length === N) resolve();
        },
      });
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
  });

  it('sends every record', () => {
    expect(produced.records).toBe(N);
    const perTopic: Record<string, number> = {};
    for (const r of records) perTopic[r.topic] = (perTopic[r.topic] ?? 0) + 1;
    expect(produced.topics).toEqual(perTopic);
  });

  it('lands each record on the partition and offset the generator assigned, bytes and headers intact', () => {
    expect(received).toHaveLength(N);
    const byPosition = new Map(records.map((r) => [`${r.topic}-${r.partition}@${r.offset}`, r]));
    const problems: string[] = [];
    for (const { topic, partition, message } of received) {
      const where = `${topic}-${partition}@${message.offset}`;
      const r = byPosition.get(where);
      if (!r) {
        problems.push(`${where}: the generator put no record there`);
        continue;
      }
      if (!message.value!.equals(r.value)) problems.push(`${where}: value differs`);
      if (String(message.key) !== r.key) problems.push(`${where}: key differs`);
      if (String(message.headers![TEST_KIND_HEADER]) !== r.kind) problems.push(`${where}: kind header differs`);
      if (Number(message.timestamp) !== r.timestamp) problems.push(`${where}: timestamp differs`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(new Set(received.map((m) => m.message.headers![TEST_KIND_HEADER]!.toString())).size).toBeGreaterThan(3);
  });
});

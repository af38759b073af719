// `npm run bench -- kafka`: the bare kafkajs consume rate from the mock broker (test/support/kafka-broker), the
// baseline the ECS consumer's end-to-end rate is compared with, plus produceRecords' rate and the mock's measured
// limits. Each round writes 100k realistic ~1 KB JSON events to a fresh 32-partition topic (~3.4 MB per partition,
// under the mock's 5 MiB-per-partition retention), then reads them back with a new consumer group per mode.
import type { Kafka } from 'kafkajs';
import { createKafka, produceRecords, type KafkaRecord } from '../core/kafka/index.js';
import { startKafkaBroker } from '../test/support/kafka-broker.js';
import { fmt, mb, median, rssSampler } from './lib.js';

const ROUNDS = 5; // the first is a warm-up
const N = 100_000;
const PARTITIONS = 32;
const SESSION_TIMEOUT = 6000;

/** An order_created-like event of about 1 KB, varied per index. */
function event(i: number): Buffer {
  const shop = `shop-${String(i % 500).padStart(4, '0')}`;
  const items = Array.from({ length: 3 + (i % 3) }, (_, k) => ({
    sku: `SKU-${(i * 7 + k) % 10_000}`,
    title: `Product ${(i * 13 + k) % 997} organic cotton t-shirt, size M`,
    quantity: 1 + ((i + k) % 4),
    unit_price: `${(9.99 + ((i + k) % 50)).toFixed(2)}`,
  }));
  return Buffer.from(
    JSON.stringify({
      event_id: `0190a1b2-${String(i).padStart(4, '0').slice(-4)}-7c3d-9e4f-${String(i).padStart(12, '0')}`,
      event_type: 'order_created',
      event_version: 1,
      occurred_at: new Date(Date.UTC(2025, 5, 1) + i * 37).toISOString(),
      shop_id: shop,
      order_id: `ord-${i}`,
      customer: { id: `cust-${i % 20_000}`, email_sha256: 'f'.repeat(64), country: 'DE' },
      currency: 'EUR',
      line_items: items,
      total: `${items.reduce((s, it) => s + Number(it.unit_price) * it.quantity, 0).toFixed(2)}`,
      shipping: { method: 'standard', city: 'Berlin', postcode: `${10_000 + (i % 900)}` },
      source: { channel: 'web', user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0' },
    }),
  );
}

type Mode = 'eachBatch' | 'eachBatch+JSON.parse' | 'eachMessage';
const MODES: Mode[] = ['eachBatch', 'eachBatch+JSON.parse', 'eachMessage'];

/** Messages/s from the group join to the N-th message; the ~3 s join itself is excluded. */
async function consumeRate(kafka: Kafka, topic: string, mode: Mode, groupId: string): Promise<number> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT, maxWaitTimeInMs: 100 });
  let joinedAt = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt ||= performance.now();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  let bytes = 0;
  const ms = await new Promise<number>((resolve, reject) => {
    consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
    const done = (): void => {
      if (count >= N) resolve(performance.now() - joinedAt);
    };
    void consumer.run(
      mode === 'eachMessage'
        ? {
            eachMessage: async ({ message }) => {
              bytes += message.value!.length;
              count++;
              done();
            },
          }
        : {
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) {
                if (mode === 'eachBatch+JSON.parse') bytes += (JSON.parse(m.value!.toString()) as { order_id: string }).order_id.length;
                else bytes += m.value!.length;
              }
              count += batch.messages.length;
              done();
            },
          },
    );
  });
  await consumer.disconnect();
  if (count !== N || bytes === 0) throw new Error(`${mode}: consumed ${count} of ${N}`);
  return (N / ms) * 1000;
}

async function mockLimits(kafka: Kafka): Promise<void> {
  const joinMs = async (groupId: string): Promise<{ ms: number; stop: () => Promise<void> }> => {
    const c = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    const t0 = performance.now();
    const joined = new Promise<number>((resolve) => c.on(c.events.GROUP_JOIN, () => resolve(performance.now() - t0)));
    await c.connect();
    await c.subscribe({ topic: 'limits' });
    void c.run({ eachMessage: async () => {} });
    return { ms: await joined, stop: () => c.disconnect() };
  };
  const a = await joinMs('limits-g');
  console.log(`first join of a new group: ${fmt(a.ms)} ms`);
  const b = await joinMs('limits-g');
  console.log(`a second member joins the live group (sessionTimeout ${SESSION_TIMEOUT} ms): ${fmt(b.ms)} ms`);
  await a.stop();
  await b.stop();
  const c = await joinMs('limits-g');
  console.log(`rejoin after all members left (sessionTimeout ${SESSION_TIMEOUT} ms): ${fmt(c.ms)} ms`);
  await c.stop();

  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(1024, 0x61);
  for (let i = 0; i < 8; i++) await producer.send({ topic: 'limits', acks: -1, messages: Array.from({ length: 1024 }, () => ({ value, partition: 0 })) });
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const p0 = (await admin.fetchTopicOffsets('limits')).find((p) => p.partition === 0)!;
  await admin.disconnect();
  const kept = Number(p0.high) - Number(p0.low);
  console.log(
    `retention: 8 MiB sent to one partition in 1 KiB records, ${fmt(kept)} of ${p0.high} kept (${mb(kept * 1024)}), ` +
      `offsets below ${p0.low} evicted with no error`,
  );
}

const broker = await startKafkaBroker({
  brokers: 3,
  topics: { limits: 2, ...Object.fromEntries(Array.from({ length: ROUNDS }, (_, r) => [`round-${r}`, PARTITIONS])) },
});
try {
  const kafka = createKafka({ brokers: broker.bootstrap, clientId: 'bench', auth: 'none', logLevel: 'error' });
  const admin = kafka.admin();
  await admin.connect();
  const sample = event(12_345).length;
  console.log(`mock cluster: 3 brokers; ${fmt(N)} events of ~${fmt(sample)} B per round, ${PARTITIONS} partitions; ` + `${ROUNDS - 1} measured rounds after a warm-up\n`);

  const rss = rssSampler();
  const produced: number[] = [];
  const consumed: Record<Mode, number[]> = { eachBatch: [], 'eachBatch+JSON.parse': [], eachMessage: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const topic = `round-${r}`;
    const records: KafkaRecord[] = Array.from({ length: N }, (_, i) => ({ topic, key: `shop-${i % 500}`, value: event(i) }));
    const t0 = performance.now();
    await produceRecords(kafka, records);
    const produceRate = (N / (performance.now() - t0)) * 1000;
    const offsets = await admin.fetchTopicOffsets(topic);
    const evicted = offsets.filter((p) => p.low !== '0');
    if (evicted.length) throw new Error(`the mock evicted records of ${topic} (over 5 MiB per partition): lower N`);
    const rates = [];
    for (const mode of MODES) rates.push(await consumeRate(kafka, topic, mode, `${topic}-${mode}`));
    console.log(
      `round ${r}${r === 0 ? ' (warm-up)' : ''}: produce ${fmt(produceRate)} msg/s; consume ` +
        MODES.map((m, i) => `${m} ${fmt(rates[i]!)}`).join(', ') + ' msg/s',
    );
    if (r === 0) continue;
    produced.push(produceRate);
    MODES.forEach((m, i) => consumed[m].push(rates[i]!));
  }
  const peak = rss.stop();
  await admin.disconnect();

  const med = (xs: number[]): number => median(xs);
  console.log('\nmedians over the measured rounds:');
  for (const m of MODES) {
    const rate = med(consumed[m]);
    console.log(`  consume ${m.padEnd(21)} ${fmt(rate).padStart(8)} msg/s  ${fmt((rate * sample) / 1e6, 1).padStart(5)} MB/s`);
  }
  console.log(`  produceRecords (acks=all)     ${fmt(med(produced)).padStart(8)} msg/s  ${fmt((med(produced) * sample) / 1e6, 1).padStart(5)} MB/s`);
  console.log(`  ratio eachBatch / eachMessage: ${fmt(med(consumed.eachBatch) / med(consumed.eachMessage), 2)}`);
  console.log(`  ratio eachBatch+JSON.parse / eachBatch: ${fmt(med(consumed['eachBatch+JSON.parse']) / med(consumed.eachBatch), 2)}`);
  console.log(`  peak RSS: ${mb(peak)}\n`);

  console.log('mock limits:');
  await mockLimits(kafka);
} finally {
  await broker.stop();
}

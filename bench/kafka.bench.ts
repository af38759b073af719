// `npm run bench -- kafka`: the bare kafkajs consume rate from the mock broker (test/support/kafka-broker), the
// baseline the ECS consumer's end-to-end rate is compared with, plus produceRecords' rate and the mock's measured
// limits. Each round writes 100k realistic ~850 B JSON events to a fresh 32-partition topic (~3 MB per partition,
// under the mock's 5 MiB-per-partition retention), then reads them back with a new consumer group per mode; one
// more mode reads 100k small (~160 B) events, for comparison with figures quoted for small records. Rates are
// reported per wall-clock second and per second of this process's CPU time: on a shared 2-core machine the second
// is the steadier one.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import type { Kafka } from 'kafkajs';
import { createKafka, produceRecords, type KafkaRecord } from '../core/kafka/index.js';
import { startKafkaBroker } from '../test/support/kafka-broker.js';
import { fmt, mb, median, rssSampler } from './lib.js';

const ROUNDS = 6; // the first is a warm-up
const N = 100_000;
const PARTITIONS = 32;
const SESSION_TIMEOUT = 6000;

/** A page_viewed-like event of about 160 B. */
function smallEvent(i: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      event_id: `e-${i}`,
      event_type: 'page_viewed',
      occurred_at: new Date(Date.UTC(2025, 5, 1) + i * 11).toISOString(),
      shop_id: `shop-${String(i % 500).padStart(4, '0')}`,
      session_id: `s-${i % 7919}`,
      url: `/products/${i % 997}`,
    }),
  );
}

/** An order_created-like event of about 850 B, varied per index. */
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

interface Mode {
  name: string;
  handler: 'eachBatch' | 'eachMessage';
  parse: boolean;
  /** kafkajs fetch sizes; default 1 MiB per partition, 10 MiB per request. */
  fetch?: { maxBytesPerPartition: number; maxBytes: number };
  /** Reads the small-event topic of the round. */
  small?: boolean;
}
const BIG_FETCH = { maxBytesPerPartition: 4 * 1024 * 1024, maxBytes: 64 * 1024 * 1024 };
const MODES: Mode[] = [
  { name: 'eachBatch', handler: 'eachBatch', parse: false },
  { name: 'eachBatch, 4 MiB fetch', handler: 'eachBatch', parse: false, fetch: BIG_FETCH },
  { name: 'eachBatch, 4 MiB fetch, JSON.parse', handler: 'eachBatch', parse: true, fetch: BIG_FETCH },
  { name: 'eachMessage', handler: 'eachMessage', parse: false },
  { name: 'eachBatch, 4 MiB fetch, ~160 B events', handler: 'eachBatch', parse: false, fetch: BIG_FETCH, small: true },
];

interface Rate {
  /** Messages per wall-clock second from the group join to the N-th message (the ~3 s join excluded). */
  wall: number;
  /** Messages per second of this process's CPU time over the same span: steadier on a shared machine. */
  cpu: number;
  /** The mock broker's CPU time over the same span, ms. */
  brokerCpuMs: number;
}

/** CPU time (user + system) of another process, ms, from /proc (Linux). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ = 100 on Linux
}

async function consumeRate(kafka: Kafka, topic: string, mode: Mode, groupId: string, brokerPid: number): Promise<Rate> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT, maxWaitTimeInMs: 100, ...mode.fetch });
  let joinedAt = 0;
  let cpuAtJoin = process.cpuUsage();
  let brokerAtJoin = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (joinedAt) return;
    joinedAt = performance.now();
    cpuAtJoin = process.cpuUsage();
    brokerAtJoin = processCpuMs(brokerPid);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  let bytes = 0;
  const rate = await new Promise<Rate>((resolve, reject) => {
    consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
    const done = (): void => {
      if (count < N) return;
      const ms = performance.now() - joinedAt;
      const cpu = process.cpuUsage(cpuAtJoin);
      resolve({
        wall: (N / ms) * 1000,
        cpu: (N / ((cpu.user + cpu.system) / 1000)) * 1000,
        brokerCpuMs: processCpuMs(brokerPid) - brokerAtJoin,
      });
    };
    void consumer.run(
      mode.handler === 'eachMessage'
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
                bytes += mode.parse
                  ? (JSON.parse(m.value!.toString()) as { order_id: string }).order_id.length
                  : m.value!.length;
              }
              count += batch.messages.length;
              done();
            },
          },
    );
  });
  await consumer.disconnect();
  if (count !== N || bytes === 0) throw new Error(`${mode.name}: consumed ${count} of ${N}`);
  return rate;
}

const API_NAMES: Record<number, string> = {
  0: 'Produce',
  1: 'Fetch',
  2: 'ListOffsets',
  3: 'Metadata',
  8: 'OffsetCommit',
  9: 'OffsetFetch',
  10: 'FindCoordinator',
  11: 'JoinGroup',
  12: 'Heartbeat',
  13: 'LeaveGroup',
  14: 'SyncGroup',
  17: 'SaslHandshake',
  18: 'ApiVersions',
  19: 'CreateTopics',
  22: 'InitProducerId',
  24: 'AddPartitionsToTxn',
  25: 'AddOffsetsToTxn',
  26: 'EndTxn',
  28: 'TxnOffsetCommit',
};

/** Sends a raw ApiVersions v0 request and returns "Name vMin-vMax" per API the broker serves. */
async function apiVersions(hostPort: string): Promise<string[]> {
  const [host, port] = hostPort.split(':') as [string, string];
  const clientId = Buffer.from('bench');
  const request = Buffer.alloc(14 + clientId.length);
  request.writeInt32BE(request.length - 4, 0);
  request.writeInt16BE(18, 4); // ApiVersions
  request.writeInt16BE(0, 6); // v0
  request.writeInt32BE(1, 8); // correlation id
  request.writeInt16BE(clientId.length, 12);
  clientId.copy(request, 14);
  const response = await new Promise<Buffer>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const socket = connect(Number(port), host, () => socket.write(request));
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        socket.end();
        resolve(buf);
      }
    });
    socket.on('error', reject);
  });
  const out: string[] = [];
  for (let i = 0, n = response.readInt32BE(10); i < n; i++) {
    const at = 14 + i * 6;
    const key = response.readInt16BE(at);
    out.push(`${API_NAMES[key] ?? `api${key}`} v${response.readInt16BE(at + 2)}-${response.readInt16BE(at + 4)}`);
  }
  return out;
}

async function mockLimits(kafka: Kafka, bootstrap: string): Promise<void> {
  console.log(`APIs served (raw ApiVersions v0): ${(await apiVersions(bootstrap.split(',')[0]!)).join(', ')}`);
  const joinMs = async (groupId: string): Promise<{ ms: number; stop: () => Promise<void> }> => {
    const c = kafka.consumer({
      groupId,
      sessionTimeout: SESSION_TIMEOUT,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
    });
    const t0 = performance.now();
    const joined = new Promise<number>((resolve) => c.on(c.events.GROUP_JOIN, () => resolve(performance.now() - t0)));
    // kafkajs may log a crash when disconnect() races the runner's start: stop only once it fetches.
    const fetching = new Promise<void>((resolve) => c.on(c.events.FETCH_START, () => resolve()));
    await c.connect();
    await c.subscribe({ topic: 'limits' });
    void c.run({ eachMessage: async () => {} });
    const ms = await joined;
    return { ms, stop: () => fetching.then(() => c.disconnect()) };
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
  for (let i = 0; i < 8; i++)
    await producer.send({
      topic: 'limits',
      acks: -1,
      messages: Array.from({ length: 1024 }, () => ({ value, partition: 0 })),
    });
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
  topics: {
    limits: 2,
    ...Object.fromEntries(Array.from({ length: ROUNDS }, (_, r) => [`round-${r}`, PARTITIONS])),
    ...Object.fromEntries(Array.from({ length: ROUNDS }, (_, r) => [`round-${r}-small`, PARTITIONS])),
  },
});
try {
  const kafka = createKafka({ brokers: broker.bootstrap, clientId: 'bench', auth: 'none', logLevel: 'error' });
  const admin = kafka.admin();
  await admin.connect();
  const sample = event(12_345).length;
  const smallSample = smallEvent(12_345).length;
  console.log(
    `mock cluster: 3 brokers; per round ${fmt(N)} events of ~${fmt(sample)} B (and ${fmt(N)} of ~${smallSample} B), ` +
      `${PARTITIONS} partitions per topic; ${ROUNDS - 1} measured rounds after a warm-up\n`,
  );

  const produceAll = async (topic: string, make: (i: number) => Buffer): Promise<{ wall: number; cpu: number }> => {
    const records: KafkaRecord[] = Array.from({ length: N }, (_, i) => ({
      topic,
      key: `shop-${i % 500}`,
      value: make(i),
    }));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await produceRecords(kafka, records);
    const cpu = process.cpuUsage(cpu0);
    const offsets = await admin.fetchTopicOffsets(topic);
    if (offsets.some((p) => p.low !== '0'))
      throw new Error(`the mock evicted records of ${topic} (over 5 MiB per partition)`);
    return { wall: (N / (performance.now() - t0)) * 1000, cpu: (N / ((cpu.user + cpu.system) / 1000)) * 1000 };
  };

  const rss = rssSampler();
  const produced: { wall: number; cpu: number }[] = [];
  const consumed: Rate[][] = MODES.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    const produceRate = await produceAll(`round-${r}`, event);
    await produceAll(`round-${r}-small`, smallEvent);
    const rates: Rate[] = [];
    for (const mode of MODES) {
      const topic = mode.small ? `round-${r}-small` : `round-${r}`;
      rates.push(await consumeRate(kafka, topic, mode, `${topic}-${mode.name}`, broker.pid));
    }
    console.log(
      `round ${r}${r === 0 ? ' (warm-up)' : ''}: produce ${fmt(produceRate.wall)} msg/s; consume ` +
        MODES.map((m, i) => `${m.name} ${fmt(rates[i]!.wall)}`).join(', ') +
        ' msg/s',
    );
    if (r === 0) continue;
    produced.push(produceRate);
    rates.forEach((rate, i) => consumed[i]!.push(rate));
  }
  const peak = rss.stop();
  await admin.disconnect();

  const row = (name: string, size: number, rates: { wall: number; cpu: number }[], extra = ''): void => {
    const wall = median(rates.map((x) => x.wall));
    const best = Math.max(...rates.map((x) => x.wall));
    const mbs = `${fmt((wall * size) / 1e6, 1)} MB/s`;
    console.log(
      `  ${name.padEnd(46)} median ${fmt(wall).padStart(7)} msg/s (${mbs.padStart(9)}), best ${fmt(best).padStart(7)}; ` +
        `${fmt(median(rates.map((x) => x.cpu))).padStart(7)} msg/CPU-s${extra}`,
    );
  };
  console.log(
    `\nover ${ROUNDS - 1} rounds (wall clock median and best; median per second of this process's CPU time):`,
  );
  MODES.forEach((m, i) => {
    const rs = consumed[i]!;
    const brokerMs = fmt(median(rs.map((x) => x.brokerCpuMs)));
    row(`consume ${m.name}`, m.small ? smallSample : sample, rs, `; broker CPU ${brokerMs} ms per ${fmt(N)}`);
  });
  row('produceRecords (acks=all, 1 MiB batches)', sample, produced);
  const wallOf = (i: number): number => median(consumed[i]!.map((x) => x.wall));
  const cpuOf = (i: number): number => median(consumed[i]!.map((x) => x.cpu));
  const ratio = (what: string, a: number, b: number): void =>
    console.log(`  ratio ${what}: ${fmt(wallOf(a) / wallOf(b), 2)} (wall), ${fmt(cpuOf(a) / cpuOf(b), 2)} (CPU)`);
  ratio('eachBatch / eachMessage (default fetch)', 0, 3);
  ratio('eachBatch 4 MiB fetch / default fetch', 1, 0);
  ratio('with JSON.parse / without (4 MiB fetch)', 2, 1);
  console.log(`  peak RSS: ${mb(peak)} (includes the ${fmt(N)} pre-built records of a round)`);
  console.log(
    `  load average at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (2 cores)\n`,
  );

  console.log('mock limits:');
  await mockLimits(kafka, broker.bootstrap);
} finally {
  await broker.stop();
}

// The ECS consumer end to end: the bundled stream-jobs/ingest (as the image runs it) in a child process, the real
// kafkajs client against the librdkafka mock broker, real local Iceberg tables. Generator events (bad, late and
// duplicate ones included) plus poison records (a tombstone, a record without key, a ~900 KiB record, bytes that
// are not UTF-8, JSON that is not an object) in one partition followed by more good records: every table must end
// with exactly the keys of an in-process reference run, the counts must reconcile, the poison must sit in
// ops.quarantine by its offset and the partition must have moved on; with tight buffer limits, fetching pauses
// and resumes; the health endpoint, the EMF metrics and the Kafka group offsets tell the truth.
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../core/contracts/index.js';
import { LocalCatalog } from '../../core/iceberg/catalog/local-catalog.js';
import { generateEvents } from '../../core/generator/generate-events.js';
import { createKafka } from '../../core/kafka/index.js';
import { createPipeline } from '../../core/pipeline/index.js';
import type { BatchResult } from '../../core/pipeline/index.js';
import { PIPELINE_METRICS, STREAM_METRICS } from '../../core/stream/index.js';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker.js';
import { auditLake, compareAudits, tableRows, tempDir } from '../support/lake-audit.js';
import {
  commits,
  consumerEnv,
  fromGenerated,
  health,
  isMessage,
  lastOffsets,
  produceAll,
  reached,
  removeBundles,
  startConsumer,
  TEST_SALT,
  toPipelineRecords,
  waitForCheckpoints,
  withOffsets,
  type ConsumerProcess,
  type LogLine,
  type TestRecord,
} from '../support/stream-consumer.js';

const TOPICS = contracts().topics.map((t) => t.topic);
const PARTITIONS = 3;
const GROUP = 'ingest-test';
const TARGET = 200_000;
// Batches grow in fetches of a few kB (small producer batches and fetch sizes, below): the one that crosses the target
// usually overshoots it by more than this headroom, so most batches end at the limit (fetching paused, then a
// 'max-buffered' commit) and a few at the target ('size'). With 10 kB of headroom a run could end every batch by size
// and, when the 900 KiB record came right after a commit, never pause: the pause test then had nothing to check.
const MAX_BUFFERED = TARGET + 2_000;

const genA = [
  ...generateEvents({
    events: 2200,
    seed: 61,
    partitions: PARTITIONS,
    badShare: 0.04,
    duplicateShare: 0.04,
    lateShare: 0.04,
    oversizedBytes: 70_000,
  }),
];
const genB = [
  ...generateEvents({
    events: 500,
    seed: 62,
    partitions: PARTITIONS,
    badShare: 0.04,
    duplicateShare: 0.04,
    oversizedBytes: 70_000,
  }),
];
const base = genA.find((g) => g.topic === 'behaviour' && g.kind === 'good' && g.eventType === 'page_viewed')!;
const POISON_PARTITION = 1;
const poisonValues: [string, Buffer | null, string | null][] = [
  ['tombstone', null, 'shop-poison'],
  ['no key', base.value, null],
  [
    'oversized',
    Buffer.from(
      JSON.stringify({
        ...base.event,
        event_id: '0190a1b2-0000-7000-8000-00000000beef',
        page_title: 'x'.repeat(900 * 1024),
      }),
    ),
    base.key,
  ],
  ['not utf-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), base.key],
  ['not an object', Buffer.from('[[[[[[[[[[42]]]]]]]]]]'), base.key],
];
const RECORDS: TestRecord[] = withOffsets([
  ...genA.map(fromGenerated),
  ...poisonValues.map(([what, value, key]) => ({
    topic: 'behaviour',
    partition: POISON_PARTITION,
    key,
    value,
    headers: { 'shoplake-test-kind': `poison: ${what}` },
    timestamp: base.timestamp,
  })),
  ...genB.map(fromGenerated),
]);
const POISON = RECORDS.filter((r) => r.headers['shoplake-test-kind']?.startsWith('poison'));

let broker: KafkaBroker;
let warehouse: string;
let reference: { audit: Awaited<ReturnType<typeof auditLake>>; result: BatchResult };
let consumer: ConsumerProcess;
let exit: { code: number | null; signal: NodeJS.Signals | null };
let healthWhileRunning: { status: number; body: Record<string, unknown> };
const dirs: string[] = [];

beforeAll(async () => {
  broker = await startKafkaBroker({ brokers: 2, topics: Object.fromEntries(TOPICS.map((t) => [t, PARTITIONS])) });
  warehouse = await tempDir('stream-ingest-');
  const refDir = await tempDir('stream-ingest-ref-');
  dirs.push(warehouse, refDir);
  const refCatalog = new LocalCatalog(refDir);
  const result = await createPipeline({ catalog: refCatalog, piiSalt: TEST_SALT }).process(toPipelineRecords(RECORDS));
  reference = { audit: await auditLake(refCatalog), result };

  // Small producer batches and fetches: the batch grows in steps of a few kB, mostly larger than the buffer headroom,
  // so that the limit is reached (and fetching pauses) by ordinary fetches as well as by the single large one.
  await produceAll(broker.bootstrap, RECORDS, { maxBatchBytes: 16 * 1024 });
  consumer = await startConsumer(
    consumerEnv({
      brokers: broker.bootstrap,
      warehouse,
      groupId: GROUP,
      targetBatchBytes: TARGET,
      maxBufferedBytes: MAX_BUFFERED,
      commitIntervalSeconds: 2.5,
      // No lateness allowed: an event behind its table's watermark is late (checked against an in-process replay).
      extra: { SHOPLAKE_KAFKA_FETCH_PARTITION_BYTES: '32768', SHOPLAKE_ALLOWED_LATENESS_SECONDS: '0' },
    }),
  );
  // A deadline, not a speed check: ~8 s here, far longer on a loaded CI machine (the other files in the suite run too).
  await waitForCheckpoints(warehouse, lastOffsets(RECORDS), 150_000, () => consumer.dump().slice(-8000));
  // Bronze is visible a moment before the consumer has taken note of its commit: ask for its health after that.
  await consumer.waitFor(
    () => reached(committedOffsets(commits(consumer)), lastOffsets(RECORDS)),
    30_000,
    'the commit of the last records',
  );
  healthWhileRunning = await health(await consumer.healthUrl());
  consumer.kill('SIGTERM');
  exit = await consumer.exited;
}, 300_000);

afterAll(async () => {
  await removeBundles();
  await broker?.stop();
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** Per topic and partition, the highest offset the consumer's commits covered. */
function committedOffsets(cs: LogLine[]): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const c of cs) {
    for (const [topic, parts] of Object.entries(c.offsets as Record<string, Record<string, number>>)) {
      const m = out.get(topic) ?? out.set(topic, new Map()).get(topic)!;
      for (const [p, o] of Object.entries(parts)) m.set(Number(p), Math.max(m.get(Number(p)) ?? -1, o));
    }
  }
  return out;
}

interface Emf {
  CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
}

const sum = (lines: LogLine[], f: (l: LogLine) => number): number => lines.reduce((n, l) => n + f(l), 0);

describe('the stream consumer lands a topic set end to end', () => {
  it('exits 0 on SIGTERM after a clean stop', () => {
    expect(exit, consumer.dump().slice(-4000)).toEqual({ code: 0, signal: null });
    expect(consumer.lines.findLast(isMessage('stopped'))).toBeDefined();
    expect(consumer.other, 'every output line is JSON (logs or EMF)').toEqual([]);
    expect(consumer.lines.filter((l) => l.level === 'ERROR')).toEqual([]);
  });

  it('every table holds exactly the keys of the reference run: 0 lost, 0 duplicated', async () => {
    const actual = await auditLake(new LocalCatalog(warehouse));
    expect(compareAudits(actual, reference.audit)).toEqual([]);
    expect(actual['bronze.orders']!.rows).toBe(RECORDS.filter((r) => r.topic === 'orders').length);
  });

  it('the counts reconcile, batch by batch and over the tables', async () => {
    const cs = commits(consumer);
    expect(cs.length).toBeGreaterThan(3);
    for (const c of cs) {
      const n = c as unknown as BatchResult;
      expect(n.recordsIn).toBe(n.landed + n.quarantined + n.duplicates + n.alreadyCommitted);
      expect(n.recordsIn).toBe(n.bronze.landed + n.bronze.alreadyCommitted);
    }
    const total = (k: keyof BatchResult) => sum(cs, (c) => Number(c[k]));
    // Uninterrupted: each record was taken exactly once.
    expect(total('recordsIn')).toBe(RECORDS.length);
    expect(total('alreadyCommitted')).toBe(0);
    expect(total('landed')).toBe(reference.result.landed);
    expect(total('quarantined')).toBe(reference.result.quarantined);
    expect(total('duplicates')).toBe(reference.result.duplicates);
    expect(total('duplicates')).toBeGreaterThan(0);
    expect(total('quarantined')).toBeGreaterThan(POISON.length);

    const audit = await auditLake(new LocalCatalog(warehouse));
    const rows = (kind: string) =>
      contracts()
        .tables.filter((t) => t.kind === kind)
        .reduce((n, t) => n + audit[t.qualifiedName]!.rows, 0);
    expect(rows('bronze')).toBe(RECORDS.length);
    expect(rows('bronze')).toBe(rows('silver') + rows('ops') + total('duplicates'));
  });

  it('poison records sit in ops.quarantine by their offset, and their partition moved on', async () => {
    const q = await tableRows(new LocalCatalog(warehouse), 'ops', 'quarantine');
    const byCoord = new Map(
      q.map((r) => [`${String(r.kafka_topic)}/${String(r.kafka_partition)}/${String(r.kafka_offset)}`, r]),
    );
    const reasons = POISON.map((p) => byCoord.get(`behaviour/${POISON_PARTITION}/${p.offset}`)?.reason_code);
    expect(reasons).toEqual(['null_value', 'missing_key', 'too_long', 'invalid_utf8', 'not_an_object']);
    const oversized = byCoord.get(`behaviour/${POISON_PARTITION}/${POISON[2]!.offset}`)!;
    expect((oversized.payload as Uint8Array).length).toBe(POISON[2]!.value!.length);
    // Records after the poison in the same partition landed in silver.
    const after = RECORDS.filter(
      (r) => r.topic === 'behaviour' && r.partition === POISON_PARTITION && r.offset > POISON.at(-1)!.offset,
    );
    expect(after.length).toBeGreaterThan(20);
    const silverRows = (
      await Promise.all(
        contracts()
          .tables.filter((t) => t.kind === 'silver' && t.topic === 'behaviour')
          .map((t) => tableRows(new LocalCatalog(warehouse), 'silver', t.name, ['kafka_partition', 'kafka_offset'])),
      )
    ).flat();
    const landedAfter = silverRows.filter(
      (r) => r.kafka_partition === POISON_PARTITION && Number(r.kafka_offset) > POISON.at(-1)!.offset,
    );
    expect(landedAfter.length).toBeGreaterThan(0);
  });

  it('flushes a batch at the target size, or at the commit interval when that comes first', () => {
    const cs = commits(consumer);
    const by = (reason: string) => cs.filter((c) => c.reason === reason);
    // 2.3 MB against a 200 kB target and a 202 kB buffer limit: batches end by size or by the limit.
    expect(by('size').length + by('max-buffered').length).toBeGreaterThan(0);
    for (const c of by('size')) expect(Number(c.bytesIn), JSON.stringify(c)).toBeGreaterThanOrEqual(TARGET);
    // A batch the interval ended had not reached the target (it would have been flushed by size at once).
    for (const c of by('interval')) expect(Number(c.bytesIn), JSON.stringify(c)).toBeLessThan(TARGET);
    // One commit covers every partition its batch took records from: here, batches span topics and partitions.
    const partitions = (c: LogLine) =>
      Object.values(c.offsets as Record<string, Record<string, number>>).reduce(
        (n, parts) => n + Object.keys(parts).length,
        0,
      );
    expect(Math.max(...cs.map(partitions))).toBeGreaterThan(PARTITIONS);
  });

  it('pauses fetching when the buffer limit is reached, and resumes after the commit', () => {
    const events = consumer.lines.filter((l) =>
      ['fetching paused until the in-flight batch is committed', 'fetching resumed', 'batch committed'].includes(
        String(l.message),
      ),
    );
    const pauses = events.filter(isMessage(/^fetching paused/));
    expect(pauses.length, JSON.stringify(commits(consumer).map((c) => [c.reason, c.bytesIn]))).toBeGreaterThan(0);
    // Every pause is followed by a commit and then a resume.
    for (let i = 0; i < events.length; i++) {
      if (!isMessage(/^fetching paused/)(events[i]!)) continue;
      const rest = events.slice(i + 1).map((l) => l.message);
      const commit = rest.indexOf('batch committed');
      expect(commit).toBeGreaterThanOrEqual(0);
      expect(rest.indexOf('fetching resumed')).toBeGreaterThan(commit);
    }
    // A batch grows past the limit only by a single fetch that alone exceeds it (the 900 KiB record).
    for (const c of commits(consumer)) {
      if (Number(c.bytesIn) > MAX_BUFFERED) expect(c.reason, JSON.stringify(c)).toMatch(/^(size|max-buffered)$/);
    }
  });

  it('answered its health check with its state', () => {
    expect(healthWhileRunning.status).toBe(200);
    expect(healthWhileRunning.body).toMatchObject({
      status: 'ok',
      state: 'running',
      groupId: GROUP,
      partitions: TOPICS.length * PARTITIONS,
      lag: 0,
    });
  });

  it('published EMF metrics with the shared pipeline names, namespace and dimension', () => {
    // The names are core/pipeline/metrics.ts's, which the Lambda publishes too: check this consumer emits each.
    const docs = consumer.lines.filter((l) => l._aws !== undefined);
    const batchDocs = docs.filter((d) => d[PIPELINE_METRICS.recordsIn] !== undefined);
    expect(batchDocs.length).toBe(commits(consumer).length);
    const emf = (d: LogLine) => (d._aws as Emf).CloudWatchMetrics[0]!;
    expect(emf(docs[0]!).Namespace).toBe('shoplake');
    expect(emf(docs[0]!).Dimensions).toEqual([['service']]);
    expect(docs[0]!.service).toBe('shoplake-test');
    const names = new Set(batchDocs.flatMap((d) => emf(d).Metrics.map((m) => m.Name)));
    for (const n of [...Object.values(PIPELINE_METRICS), STREAM_METRICS.lag, STREAM_METRICS.batchRecords])
      expect(names).toContain(n);
    expect(sum(batchDocs, (d) => Number(d[PIPELINE_METRICS.landed]))).toBe(reference.result.landed);
    expect(sum(batchDocs, (d) => Number(d[PIPELINE_METRICS.quarantined]))).toBe(reference.result.quarantined);
    expect(sum(batchDocs, (d) => Number(d[PIPELINE_METRICS.duplicates]))).toBe(reference.result.duplicates);
  });

  it('counts late events by SHOPLAKE_ALLOWED_LATENESS_SECONDS, as the core does in-process, in the EMF too', async () => {
    const cs = commits(consumer);
    const late = cs.map((c) => Number(c.late));
    expect(late.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // Replay the consumer's own batches (each commit's offsets close its batch) through the core, lateness 0.
    const dir = await tempDir('stream-ingest-late-');
    dirs.push(dir);
    const p = createPipeline({ catalog: new LocalCatalog(dir), piiSalt: TEST_SALT, allowedLatenessSeconds: 0 });
    const done = new Map<string, number>();
    const expected: number[] = [];
    for (const c of cs) {
      const upTo = c.offsets as Record<string, Record<string, number>>;
      const batch = RECORDS.filter(
        (r) =>
          r.offset <= (upTo[r.topic]?.[r.partition] ?? -1) && r.offset > (done.get(`${r.topic}/${r.partition}`) ?? -1),
      );
      for (const [topic, parts] of Object.entries(upTo))
        for (const [partition, o] of Object.entries(parts)) done.set(`${topic}/${partition}`, o);
      expect(batch.length).toBe(Number(c.recordsIn));
      expected.push((await p.process(toPipelineRecords(batch))).late);
    }
    expect(late).toEqual(expected);
    const batchDocs = consumer.lines.filter((l) => l._aws !== undefined && l[PIPELINE_METRICS.recordsIn] !== undefined);
    expect(batchDocs.map((d) => Number(d[PIPELINE_METRICS.late]))).toEqual(late);
  });

  it('committed the Kafka group offsets (offset + 1) after the Iceberg commits', async () => {
    const admin = createKafka({
      brokers: broker.bootstrap,
      clientId: 'offsets-check',
      auth: 'none',
      logLevel: 'warn',
    }).admin();
    await admin.connect();
    try {
      const fetched = await admin.fetchOffsets({ groupId: GROUP, topics: TOPICS });
      const last = lastOffsets(RECORDS);
      for (const { topic, partitions } of fetched) {
        for (const { partition, offset } of partitions) {
          // An empty partition has nothing to commit (-1: no group offset).
          const expected = last.get(topic)?.get(partition);
          expect([topic, partition, Number(offset)]).toEqual([
            topic,
            partition,
            expected === undefined ? -1 : expected + 1,
          ]);
        }
      }
    } finally {
      await admin.disconnect();
    }
  });
});

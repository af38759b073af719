// SIGTERM (an ECS stop) while a micro-batch is in flight: the bundled consumer (child process, real broker, real
// tables) has taken every record into a batch that neither its size nor its interval has flushed yet; on SIGTERM
// it commits that batch, commits the Kafka group offsets, leaves the group and exits 0. Nothing was committed
// before the signal, everything after, exactly once. And when the cluster stops answering (a frozen broker: open
// connections, no replies), a SIGTERM still lands the batch in Iceberg, then gives up on Kafka at the stop timeout
// and exits 1, long before kafkajs' 30 s request timeout (and ECS's SIGKILL).
import { promises as fs } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { contracts } from '../../core/contracts/index.js';
import { LocalCatalog } from '../../core/iceberg/catalog/local-catalog.js';
import { generateEvents } from '../../core/generator/generate-events.js';
import { createKafka } from '../../core/kafka/index.js';
import { createPipeline } from '../../core/pipeline/index.js';
import { startKafkaBroker, useKafkaBroker } from '../support/kafka-broker.js';
import { auditLake, compareAudits, tempDir } from '../support/lake-audit.js';
import {
  bronzeCheckpoints,
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
  withOffsets,
} from '../support/stream-consumer.js';

const TOPICS = contracts().topics.map((t) => t.topic);
const PARTITIONS = 2;
const GROUP = 'shutdown-test';
const broker = useKafkaBroker({ topics: Object.fromEntries(TOPICS.map((t) => [t, PARTITIONS])) });
const RECORDS = withOffsets(
  [...generateEvents({ events: 800, seed: 91, partitions: PARTITIONS, badShare: 0.03, duplicateShare: 0.03 })].map(
    fromGenerated,
  ),
);

const dirs: string[] = [];
afterAll(async () => {
  await removeBundles();
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

it('SIGTERM commits the in-flight batch, commits the group offsets, then leaves', { timeout: 180_000 }, async () => {
  const warehouse = await tempDir('stream-shutdown-');
  const refDir = await tempDir('stream-shutdown-ref-');
  dirs.push(warehouse, refDir);
  await produceAll(broker.bootstrap, RECORDS);
  const c = await startConsumer(
    consumerEnv({ brokers: broker.bootstrap, warehouse, groupId: GROUP, commitIntervalSeconds: 600 }),
  );
  const url = await c.healthUrl();
  // Wait until every record sits in the in-flight batch (the target size and the interval are far off).
  await waitInFlight(url, RECORDS.length, () => c.dump());
  const before = await bronzeCheckpoints(warehouse, TOPICS);
  expect(
    [...before.values()].every((m) => m.size === 0),
    'nothing committed before the signal',
  ).toBe(true);

  c.kill('SIGTERM');
  expect(await c.exited, c.dump()).toEqual({ code: 0, signal: null });
  const cs = commits(c);
  expect(cs).toHaveLength(1);
  expect(cs[0]).toMatchObject({ reason: 'shutdown', recordsIn: RECORDS.length });
  // One commit covered every partition the consumer owned, each up to its last record.
  const last = lastOffsets(RECORDS);
  expect(cs[0]!.offsets).toEqual(
    Object.fromEntries([...last].map(([topic, parts]) => [topic, Object.fromEntries(parts)])),
  );
  expect([...last.values()].reduce((n, parts) => n + parts.size, 0)).toBeGreaterThan(TOPICS.length);
  // In order: stop requested, batch committed, left the group, stopped.
  const order = [
    'stopping: committing in-flight data, then leaving the group',
    'batch committed',
    'kafka Consumer: Stopped',
    'stopped',
  ].map((m) => c.lines.findIndex(isMessage(m)));
  expect(
    order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)),
    JSON.stringify(order),
  ).toBe(true);

  expect(reached(await bronzeCheckpoints(warehouse, TOPICS), lastOffsets(RECORDS))).toBe(true);
  const refCatalog = new LocalCatalog(refDir);
  await createPipeline({ catalog: refCatalog, piiSalt: TEST_SALT }).process(toPipelineRecords(RECORDS));
  expect(compareAudits(await auditLake(new LocalCatalog(warehouse)), await auditLake(refCatalog))).toEqual([]);

  // The group offsets followed the Iceberg commit before the consumer left.
  const admin = createKafka({ brokers: broker.bootstrap, clientId: 'check', auth: 'none', logLevel: 'warn' }).admin();
  await admin.connect();
  try {
    const last = lastOffsets(RECORDS);
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId: GROUP, topics: TOPICS })) {
      for (const { partition, offset } of partitions) {
        const expected = last.get(topic)?.get(partition);
        expect(Number(offset)).toBe(expected === undefined ? -1 : expected + 1);
      }
    }
  } finally {
    await admin.disconnect();
  }
});

/** Waits until the consumer's in-flight batch holds `records` records (health endpoint). */
async function waitInFlight(url: string, records: number, dump: () => string): Promise<void> {
  let inFlight = 0;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline && inFlight < records;) {
    await new Promise((r) => setTimeout(r, 100));
    const h = await health(url).catch(() => undefined);
    inFlight = (h?.body.batch as { records: number } | undefined)?.records ?? 0;
  }
  expect(inFlight, dump()).toBe(records);
}

it(
  'SIGTERM with the cluster frozen: the batch lands, then the stop timeout ends it with exit 1',
  { timeout: 180_000 },
  async () => {
    const frozen = await startKafkaBroker({ topics: Object.fromEntries(TOPICS.map((t) => [t, PARTITIONS])) });
    const warehouse = await tempDir('stream-shutdown-frozen-');
    dirs.push(warehouse);
    try {
      await produceAll(frozen.bootstrap, RECORDS);
      const c = await startConsumer(
        consumerEnv({
          brokers: frozen.bootstrap,
          warehouse,
          groupId: 'frozen',
          commitIntervalSeconds: 600,
          stopTimeoutSeconds: 8,
        }),
        'frozen',
      );
      await waitInFlight(await c.healthUrl(), RECORDS.length, () => c.dump());
      process.kill(frozen.pid, 'SIGSTOP');
      c.kill('SIGTERM');
      expect(await c.exited, c.dump()).toEqual({ code: 1, signal: null });
      // The batch needs no broker to land: committed before the consumer gave up on leaving the group.
      expect(commits(c)).toHaveLength(1);
      expect(commits(c)[0]).toMatchObject({ reason: 'shutdown', recordsIn: RECORDS.length });
      expect(reached(await bronzeCheckpoints(warehouse, TOPICS), lastOffsets(RECORDS))).toBe(true);
      const timedOut = c.lines.find(isMessage('did not stop within 8000 ms: exiting without a clean leave'));
      expect(timedOut?.level, c.dump()).toBe('ERROR');
      expect(c.lines.findIndex(isMessage('batch committed'))).toBeLessThan(c.lines.indexOf(timedOut!));
      expect(c.lines.find(isMessage('stopped'))).toBeUndefined();
    } finally {
      process.kill(frozen.pid, 'SIGCONT');
      await frozen.stop();
    }
  },
);

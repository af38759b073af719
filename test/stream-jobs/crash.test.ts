// Crashes of the ECS consumer (the bundled stream-jobs/ingest in child processes, real broker, real tables):
// 1. an injected crash inside a commit (SHOPLAKE_FAULT after-commit: one table committed, bronze not);
// 2. SIGKILL mid-batch: after a first commit, with the rest of the data taken into a batch and not committed;
// each time a new consumer in the same group resumes at the bronze checkpoint. In the end every table holds
// exactly the keys of a crash-free run: 0 lost, 0 duplicated; the replay after the injected crash is skipped by
// the table that had committed, and every record landed in bronze exactly once.
import { promises as fs } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { contracts } from '../../core/contracts/index.js';
import { LocalCatalog } from '../../core/iceberg/catalog/local-catalog.js';
import { generateEvents } from '../../core/generator/generate-events.js';
import { createKafka } from '../../core/kafka/index.js';
import { createPipeline, FAULT_EXIT_CODE } from '../../core/pipeline/index.js';
import { useKafkaBroker } from '../support/kafka-broker.js';
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
  removeBundles,
  startConsumer,
  TEST_SALT,
  toPipelineRecords,
  waitForCheckpoints,
  withOffsets,
} from '../support/stream-consumer.js';

const TOPICS = contracts().topics.map((t) => t.topic);
const PARTITIONS = 2;
const GROUP = 'crash-test';
const broker = useKafkaBroker({ topics: Object.fromEntries(TOPICS.map((t) => [t, PARTITIONS])) });

const options = {
  partitions: PARTITIONS,
  badShare: 0.04,
  duplicateShare: 0.04,
  lateShare: 0.04,
  oversizedBytes: 70_000,
};
const A = [...generateEvents({ events: 900, seed: 71, ...options })].map(fromGenerated);
const B = [...generateEvents({ events: 700, seed: 72, ...options })].map(fromGenerated);
const RECORDS = withOffsets([...A, ...B]);
const PART_A = RECORDS.slice(0, A.length);
const PART_B = RECORDS.slice(A.length);
const bytesA = PART_A.reduce((n, r) => n + (r.value?.length ?? 0), 0);

/** The group's committed Kafka offsets (the next offset to read; -1 when none), per topic and partition. */
async function groupOffsets(): Promise<Map<string, Map<number, number>>> {
  const admin = createKafka({ brokers: broker.bootstrap, clientId: 'check', auth: 'none', logLevel: 'warn' }).admin();
  await admin.connect();
  try {
    const out = new Map<string, Map<number, number>>();
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId: GROUP, topics: TOPICS }))
      out.set(topic, new Map(partitions.map((p) => [p.partition, Number(p.offset)])));
    return out;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Kafka offsets are committed only after the Iceberg commit: at any moment, even after a crash, the group offset of
 * every partition is at most its bronze checkpoint + 1 (and none without a checkpoint). Returns the partitions whose
 * group offset is ahead.
 */
async function offsetsAheadOfBronze(warehouse: string): Promise<string[]> {
  const [group, bronze] = await Promise.all([groupOffsets(), bronzeCheckpoints(warehouse, TOPICS)]);
  const ahead: string[] = [];
  for (const [topic, parts] of group) {
    for (const [p, offset] of parts) {
      const limit = (bronze.get(topic)?.get(p) ?? -1) + 1;
      if (offset > limit) ahead.push(`${topic}/${p}: ${offset} > ${limit}`);
    }
  }
  return ahead;
}

const dirs: string[] = [];
afterAll(async () => {
  await removeBundles();
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

it(
  'recovers from a crash inside a commit and from SIGKILL mid-batch: 0 lost, 0 duplicated',
  { timeout: 240_000 },
  async () => {
    const warehouse = await tempDir('stream-crash-');
    const refDir = await tempDir('stream-crash-ref-');
    dirs.push(warehouse, refDir);
    const base = { brokers: broker.bootstrap, warehouse, groupId: GROUP };
    await produceAll(broker.bootstrap, PART_A, { maxBatchBytes: 32 * 1024 });

    // 1. The first commit crashes after one table committed (bronze is always last, so it did not).
    const first = await startConsumer(
      consumerEnv({ ...base, commitIntervalSeconds: 1, extra: { SHOPLAKE_FAULT: 'after-commit:1' } }),
      'first',
    );
    const firstExit = await first.exited;
    expect(firstExit.code, first.dump()).toBe(FAULT_EXIT_CODE);
    expect(first.other.join('\n')).toMatch(/injected crash at after-commit/);
    // One table committed, bronze did not: no Kafka offset was committed either.
    expect(await offsetsAheadOfBronze(warehouse)).toEqual([]);
    expect([...(await groupOffsets()).values()].flatMap((m) => [...m.values()]).every((o) => o === -1)).toBe(true);

    // 2. The next consumer replays from the bronze checkpoint; its first batch flushes by size (~60% of part A) and
    //    the rest of part A waits in its next batch (the commit interval is long) when it is killed.
    const second = await startConsumer(
      consumerEnv({ ...base, targetBatchBytes: Math.floor(bytesA * 0.6), commitIntervalSeconds: 120 }),
      'second',
    );
    const url = await second.healthUrl();
    let inFlight = 0;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      const h = await health(url).catch(() => undefined);
      const batch = h?.body.batch as { records: number } | undefined;
      if (h && Number(h.body.committedBatches) >= 1 && (batch?.records ?? 0) > 0) {
        inFlight = batch!.records;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(inFlight, second.dump()).toBeGreaterThan(0);
    second.kill('SIGKILL');
    expect(await second.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const secondCommits = commits(second);
    expect(secondCommits).toHaveLength(1);
    // Its one commit was the target size's (the commit interval is far off), over many partitions at once.
    expect(secondCommits[0]).toMatchObject({ reason: 'size' });
    expect(Number(secondCommits[0]!.bytesIn)).toBeGreaterThanOrEqual(Math.floor(bytesA * 0.6));
    const covered = Object.values(secondCommits[0]!.offsets as Record<string, Record<string, number>>);
    expect(covered.reduce((n, parts) => n + Object.keys(parts).length, 0)).toBeGreaterThan(1);
    expect(await offsetsAheadOfBronze(warehouse)).toEqual([]);
    // The table that committed before the crash skipped its records of the replay.
    expect(Number(secondCommits[0]!.alreadyCommitted)).toBeGreaterThan(0);

    // 3. More data arrives; a third consumer finishes everything from the checkpoint.
    await produceAll(broker.bootstrap, PART_B, { maxBatchBytes: 32 * 1024 });
    const third = await startConsumer(consumerEnv({ ...base, commitIntervalSeconds: 1 }), 'third');
    await waitForCheckpoints(warehouse, lastOffsets(RECORDS), 150_000, () => third.dump());
    third.kill('SIGTERM');
    expect((await third.exited).code, third.dump()).toBe(0);
    expect(
      third.lines.find(isMessage('partitions assigned: resuming each at its bronze checkpoint + 1')),
    ).toBeDefined();
    // After the clean stop the group offsets caught up with bronze: exactly checkpoint + 1 everywhere.
    const last = lastOffsets(RECORDS);
    for (const [topic, parts] of await groupOffsets()) {
      for (const [p, offset] of parts) {
        const expected = last.get(topic)?.get(p);
        expect([topic, p, offset]).toEqual([topic, p, expected === undefined ? -1 : expected + 1]);
      }
    }

    // Every table: exactly the keys of one crash-free run.
    const refCatalog = new LocalCatalog(refDir);
    await createPipeline({ catalog: refCatalog, piiSalt: TEST_SALT }).process(toPipelineRecords(RECORDS));
    const actual = await auditLake(new LocalCatalog(warehouse));
    expect(compareAudits(actual, await auditLake(refCatalog))).toEqual([]);
    // Bronze took every record exactly once over the three consumers (the crashed first one committed no bronze).
    const bronzeLanded = [...secondCommits, ...commits(third)].reduce(
      (n, c) => n + (c.bronze as { landed: number }).landed,
      0,
    );
    expect(bronzeLanded).toBe(RECORDS.length);
  },
);

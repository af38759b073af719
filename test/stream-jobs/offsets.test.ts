// The Iceberg checkpoint, not Kafka's group offsets, says where a partition resumes. Here the group's Kafka offsets
// claim every record was consumed (as after a consumer whose Kafka commit ran ahead of its Iceberg commit, or an
// operator's reset): a consumer that trusted them would skip everything, silently. Ours seeks each partition to its
// bronze checkpoint + 1 (0: no checkpoint yet), lands every record once, and then commits the group offsets back to
// what the tables hold.
import { promises as fs } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { contracts } from '../../core/contracts/index.js';
import { LocalCatalog } from '../../core/iceberg/catalog/local-catalog.js';
import { generateEvents } from '../../core/generator/generate-events.js';
import { createKafka } from '../../core/kafka/index.js';
import { createPipeline } from '../../core/pipeline/index.js';
import { useKafkaBroker } from '../support/kafka-broker.js';
import { auditLake, compareAudits, tempDir } from '../support/lake-audit.js';
import {
  commits,
  consumerEnv,
  fromGenerated,
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
const GROUP = 'offsets-test';
const broker = useKafkaBroker({ topics: Object.fromEntries(TOPICS.map((t) => [t, PARTITIONS])) });
const RECORDS = withOffsets(
  [...generateEvents({ events: 400, seed: 55, partitions: PARTITIONS, oversizedBytes: 70_000 })].map(fromGenerated),
);

const dirs: string[] = [];
afterAll(async () => {
  await removeBundles();
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

it(
  'resumes at the bronze checkpoint even when the group offsets claim more was consumed',
  { timeout: 120_000 },
  async () => {
    const warehouse = await tempDir('stream-offsets-');
    const refDir = await tempDir('stream-offsets-ref-');
    dirs.push(warehouse, refDir);
    await produceAll(broker.bootstrap, RECORDS);
    const last = lastOffsets(RECORDS);

    // The group's offsets at the end of every partition: "everything consumed".
    const admin = createKafka({ brokers: broker.bootstrap, clientId: 'check', auth: 'none', logLevel: 'warn' }).admin();
    await admin.connect();
    const groupOffsets = async () =>
      new Map(
        (await admin.fetchOffsets({ groupId: GROUP, topics: TOPICS })).map(({ topic, partitions }) => [
          topic,
          new Map(partitions.map((p) => [p.partition, Number(p.offset)])),
        ]),
      );
    try {
      // Committed by a member of the group (the mock has no DescribeGroups, which admin.setOffsets needs).
      const other = createKafka({ brokers: broker.bootstrap, clientId: 'ahead', auth: 'none', logLevel: 'warn' });
      const member = other.consumer({
        groupId: GROUP,
        sessionTimeout: 6000,
        heartbeatInterval: 500,
        maxWaitTimeInMs: 100,
      });
      const joined = new Promise((resolve) => member.on(member.events.GROUP_JOIN, resolve));
      await member.connect();
      await member.subscribe({ topics: TOPICS });
      await member.run({ autoCommit: false, eachBatch: async () => {} });
      await joined;
      await member.commitOffsets(
        [...last].flatMap(([topic, parts]) =>
          [...parts].map(([partition, offset]) => ({ topic, partition, offset: String(offset + 1) })),
        ),
      );
      await member.disconnect();
      for (const [topic, parts] of last) {
        for (const [p, offset] of parts) expect((await groupOffsets()).get(topic)?.get(p)).toBe(offset + 1);
      }

      const c = await startConsumer(
        consumerEnv({ brokers: broker.bootstrap, warehouse, groupId: GROUP, commitIntervalSeconds: 1 }),
      );
      const assigned = await c.waitFor(isMessage('partitions assigned: resuming each at its bronze checkpoint + 1'));
      const resumeAt = assigned.resumeAt as Record<string, Record<string, number>>;
      expect(Object.values(resumeAt).flatMap((parts) => Object.values(parts))).toEqual(
        Array(TOPICS.length * PARTITIONS).fill(0),
      );
      await waitForCheckpoints(warehouse, last, 60_000, () => c.dump());
      c.kill('SIGTERM');
      expect((await c.exited).code, c.dump()).toBe(0);

      expect(commits(c).reduce((n, l) => n + Number(l.recordsIn), 0)).toBe(RECORDS.length);
      const refCatalog = new LocalCatalog(refDir);
      await createPipeline({ catalog: refCatalog, piiSalt: TEST_SALT }).process(toPipelineRecords(RECORDS));
      expect(compareAudits(await auditLake(new LocalCatalog(warehouse)), await auditLake(refCatalog))).toEqual([]);
      // The group offsets follow the tables again.
      for (const [topic, parts] of last) {
        for (const [p, offset] of parts) expect((await groupOffsets()).get(topic)?.get(p)).toBe(offset + 1);
      }
    } finally {
      await admin.disconnect();
    }
  },
);

// The image runs Node 22 (node:22-alpine), this machine Node 20: the same bundle, run by Node 22 (scripts/node22.sh),
// against the real broker lands every record exactly once and stops cleanly on SIGTERM.
import { promises as fs } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { contracts } from '../../core/contracts/index.js';
import { LocalCatalog } from '../../core/iceberg/catalog/local-catalog.js';
import { generateEvents } from '../../core/generator/generate-events.js';
import { createPipeline } from '../../core/pipeline/index.js';
import { useKafkaBroker } from '../support/kafka-broker.js';
import { auditLake, compareAudits, tempDir } from '../support/lake-audit.js';
import {
  commits,
  consumerEnv,
  fromGenerated,
  lastOffsets,
  produceAll,
  removeBundles,
  startConsumer,
  TEST_SALT,
  toPipelineRecords,
  waitForCheckpoints,
  withOffsets,
} from '../support/stream-consumer.js';
import { node22 } from '../node22/node22.js';

const TOPICS = contracts().topics.map((t) => t.topic);
const broker = useKafkaBroker({ topics: Object.fromEntries(TOPICS.map((t) => [t, 2])) });
const RECORDS = withOffsets(
  [...generateEvents({ events: 600, seed: 22, partitions: 2, badShare: 0.03, duplicateShare: 0.03 })].map(
    fromGenerated,
  ),
);

const dirs: string[] = [];
afterAll(async () => {
  await removeBundles();
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

it('the bundle on Node 22 lands every record once and stops cleanly', { timeout: 180_000 }, async () => {
  const warehouse = await tempDir('stream-node22-');
  const refDir = await tempDir('stream-node22-ref-');
  dirs.push(warehouse, refDir);
  await produceAll(broker.bootstrap, RECORDS);
  const c = await startConsumer(
    consumerEnv({ brokers: broker.bootstrap, warehouse, groupId: 'node22', commitIntervalSeconds: 1 }),
    'node22',
    { node: node22() },
  );
  await waitForCheckpoints(warehouse, lastOffsets(RECORDS), 120_000, () => c.dump());
  c.kill('SIGTERM');
  expect((await c.exited).code, c.dump()).toBe(0);
  expect(commits(c).reduce((n, l) => n + Number(l.recordsIn), 0)).toBe(RECORDS.length);
  const refCatalog = new LocalCatalog(refDir);
  await createPipeline({ catalog: refCatalog, piiSalt: TEST_SALT }).process(toPipelineRecords(RECORDS));
  expect(compareAudits(await auditLake(new LocalCatalog(warehouse)), await auditLake(refCatalog))).toEqual([]);
});

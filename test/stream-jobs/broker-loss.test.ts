// Brokers gone while the consumer runs (the cluster down, the network path cut): kafkajs retries within the retry
// budget with growing backoff, then the consumer logs one clear ERROR and exits 1 (ECS restarts the task with its
// own backoff); what it had committed stays committed. Never a hot loop: the connection attempts are counted.
import { promises as fs } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { contracts } from '../../core/contracts/index.js';
import { generateEvents } from '../../core/generator/generate-events.js';
import { startKafkaBroker } from '../support/kafka-broker.js';
import { tempDir } from '../support/lake-audit.js';
import {
  bronzeCheckpoints,
  consumerEnv,
  fromGenerated,
  isMessage,
  lastOffsets,
  produceAll,
  reached,
  removeBundles,
  startConsumer,
  waitForCheckpoints,
  withOffsets,
} from '../support/stream-consumer.js';

const TOPICS = contracts().topics.map((t) => t.topic);
const RECORDS = withOffsets(
  [...generateEvents({ events: 300, seed: 44, partitions: 2, oversizedBytes: 70_000 })].map(fromGenerated),
);
const BUDGET = 4; // SHOPLAKE_KAFKA_RETRIES=3: 1 + 3 attempts

const dirs: string[] = [];
afterAll(async () => {
  await removeBundles();
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

it(
  'brokers lost mid-run: retries with backoff, one clear ERROR, exit 1, no hot loop',
  { timeout: 120_000 },
  async () => {
    const broker = await startKafkaBroker({ topics: Object.fromEntries(TOPICS.map((t) => [t, 2])) });
    const warehouse = await tempDir('stream-broker-loss-');
    dirs.push(warehouse);
    try {
      await produceAll(broker.bootstrap, RECORDS);
      const c = await startConsumer(
        consumerEnv({
          brokers: broker.bootstrap,
          warehouse,
          groupId: 'loss',
          commitIntervalSeconds: 1,
          extra: {
            SHOPLAKE_KAFKA_RETRIES: String(BUDGET - 1),
            SHOPLAKE_KAFKA_RETRY_INITIAL_MS: '100',
            SHOPLAKE_KAFKA_RETRY_MAX_MS: '1000',
          },
        }),
        'loss',
      );
      await waitForCheckpoints(warehouse, lastOffsets(RECORDS), 60_000, () => c.dump());
      await broker.stop();

      expect((await c.exited).code, c.dump()).toBe(1);
      const fatal = c.lines.filter((l) => l.level === 'ERROR' && isMessage(/^stream consumer failed/)(l));
      expect(fatal, c.dump()).toHaveLength(1);
      // Two ways kafkajs gives up, depending on which of its loops notices first: its retries to a refused
      // connection run out, or its fetch manager finds no broker left and it crashes at once. Both name the cause.
      const at = `^stream consumer failed \\(Kafka unreachable at ${broker.bootstrap.replace(/\./g, '\\.')} while consuming: `;
      const budgetSpent = new RegExp(
        `${at}retry budget of ${BUDGET} attempts spent\\): Connection error: connect ECONNREFUSED`,
      );
      const noBroker = new RegExp(`${at}no broker available\\): No broker available`);
      expect(fatal[0]!.message).toMatch(new RegExp(`${budgetSpent.source}|${noBroker.source}`));
      // kafkajs retried up to its budget with growing waits (retryTime from ~100 ms), and no further: every
      // reconnect chain (fetch, heartbeat) counts 0..budget-1; a hot loop would show many more attempts.
      const waits = c.lines.filter(isMessage(/^kafka BrokerPool: Failed to connect/));
      const counts = [...new Set(waits.map((l) => Number(l.retryCount)))].sort((a, b) => a - b);
      if (budgetSpent.test(String(fatal[0]!.message))) {
        expect(counts).toEqual([...Array(BUDGET).keys()]);
        const minWait = (k: number) =>
          Math.min(...waits.filter((l) => l.retryCount === k).map((l) => Number(l.retryTime)));
        expect(minWait(BUDGET - 1)).toBeGreaterThan(2 * minWait(0));
      } else {
        // bailed early: whatever retries ran stayed within the budget (no hot loop)
        expect(counts.every((n) => n < BUDGET)).toBe(true);
      }
      const refused = c.lines.filter(isMessage(/^kafka Connection: Connection error: connect ECONNREFUSED/));
      expect(refused.length).toBeLessThanOrEqual(2 * BUDGET + 1);
      // Everything had landed before the loss, and stays landed.
      expect(reached(await bronzeCheckpoints(warehouse, TOPICS), lastOffsets(RECORDS))).toBe(true);
      expect(fatal[0]!.uncommittedRecords).toBe(0);
    } finally {
      await broker.stop();
    }
  },
);

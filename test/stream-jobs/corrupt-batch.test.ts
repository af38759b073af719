// A record batch no client can decode, through the bundled consumer (child processes) and the real CLI: an LZ4 batch
// whose payload is not LZ4 sits in the librdkafka mock between good records. The consumer lands what comes before
// it, then stops with exit 1 and one clear ERROR (kafkajs cannot fetch past it); `shoplake skip-offsets` moves the
// partition past the batch, recording its offsets as skipped; the restarted consumer lands the rest. Every table
// then equals an in-process run in which those offsets were skipped from the start: nothing else lost or doubled.
import { promises as fs } from 'node:fs';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateEvents } from '../../core/generator/generate-events.js';
import { LocalCatalog } from '../../core/iceberg/catalog/local-catalog.js';
import { createKafka, produceRecords } from '../../core/kafka/index.js';
import { createPipeline } from '../../core/pipeline/index.js';
import { shoplake } from '../bin/cli.js';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker.js';
import { auditLake, compareAudits, tableRows, tempDir } from '../support/lake-audit.js';
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
  TEST_SALT,
  toPipelineRecords,
  waitForCheckpoints,
  withOffsets,
} from '../support/stream-consumer.js';

const TOPIC = 'behaviour';
const GROUP = 'corrupt-batch-test';
const REASON = 'INC-9: lz4 batch fails to decompress';
const events = [...generateEvents({ events: 900, seed: 71, partitions: 1, badShare: 0.02, duplicateShare: 0.02 })]
  .filter((g) => g.topic === TOPIC)
  .map(fromGenerated);
const BEFORE = 120;
const CORRUPT = 4;
// Offsets: 0..119 good, 120..123 the undecodable batch (the same events' bytes, sent with a broken codec), then good.
const RECORDS = withOffsets(events);
const before = RECORDS.slice(0, BEFORE);
const corrupt = RECORDS.slice(BEFORE, BEFORE + CORRUPT);
const after = RECORDS.slice(BEFORE + CORRUPT);
const RETRY = {
  SHOPLAKE_KAFKA_RETRIES: '2',
  SHOPLAKE_KAFKA_RETRY_INITIAL_MS: '100',
  SHOPLAKE_KAFKA_RETRY_MAX_MS: '500',
};

let broker: KafkaBroker;
let warehouse: string;
const dirs: string[] = [];

beforeAll(async () => {
  broker = await startKafkaBroker({ topics: { [TOPIC]: 1 } });
  warehouse = await tempDir('stream-corrupt-');
  dirs.push(warehouse);
  await produceAll(broker.bootstrap, before);
}, 120_000);

afterAll(async () => {
  await removeBundles();
  await broker?.stop();
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** The undecodable batch, then the good records after it. */
async function produceCorruptThenRest(): Promise<void> {
  // A batch the broker stores as LZ4 but whose payload is garbage: kafkajs' codec table is swapped in this process
  // for the one produce call (the consumer, in its own process, has the real codecs).
  const { CompressionCodecs, CompressionTypes } = kafkajs;
  const codecs = CompressionCodecs as Record<number, () => { compress: unknown; decompress: unknown }>;
  const lz4 = codecs[CompressionTypes.LZ4]!;
  codecs[CompressionTypes.LZ4] = () => ({ ...lz4(), compress: async () => Buffer.from('not an lz4 frame at all') });
  try {
    const kafka = createKafka({
      brokers: broker.bootstrap,
      clientId: 'corrupt-producer',
      auth: 'none',
      logLevel: 'warn',
    });
    await produceRecords(
      kafka,
      corrupt.map((r) => ({ topic: r.topic, partition: r.partition, key: r.key!, value: r.value, headers: r.headers })),
      { compression: 'lz4' },
    );
  } finally {
    codecs[CompressionTypes.LZ4] = lz4;
  }
  await produceAll(broker.bootstrap, after);
}

const env = () =>
  consumerEnv({
    brokers: broker.bootstrap,
    warehouse,
    groupId: GROUP,
    topics: [TOPIC],
    commitIntervalSeconds: 1,
    extra: RETRY,
  });

it(
  'stops on an undecodable batch; `shoplake skip-offsets` records it as skipped and the consumer goes on',
  { timeout: 300_000 },
  async () => {
    // 1. The consumer lands the good records before the batch (waited for: a crash cuts a commit in flight), then
    // stops on it.
    const first = await startConsumer(env(), 'before-skip');
    await waitForCheckpoints(warehouse, lastOffsets(before), 150_000, () => first.dump().slice(-6000));
    await produceCorruptThenRest();
    const exit = await first.exited;
    expect(exit, first.dump().slice(-6000)).toEqual({ code: 1, signal: null });
    const errors = first.lines.filter((l) => l.level === 'ERROR' && /^stream consumer failed/.test(String(l.message)));
    expect(errors, first.dump().slice(-6000)).toHaveLength(1);
    expect(String(errors[0]!.message)).toMatch(/cannot decompress a lz4 record batch of \d+ bytes/);
    const stuckAt = (await bronzeCheckpoints(warehouse, [TOPIC])).get(TOPIC)?.get(0);
    expect(stuckAt).toBe(BEFORE - 1);

    // 2. The operator skips the batch's offsets.
    const skip = await shoplake(
      [
        'skip-offsets',
        '--warehouse',
        warehouse,
        '--topic',
        TOPIC,
        '--partition',
        '0',
        '--through',
        String(BEFORE + CORRUPT - 1),
        '--reason',
        REASON,
      ],
      { SHOPLAKE_PII_SALT: TEST_SALT },
    );
    expect(skip, skip.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(skip.stdout).toMatch(
      new RegExp(
        `^skipped behaviour/0 offsets ${BEFORE}\\.\\.${BEFORE + CORRUPT - 1} \\(${CORRUPT}\\); checkpoint of ` +
          `bronze\\.behaviour ${BEFORE - 1} -> ${BEFORE + CORRUPT - 1}; the consumers resume at ${BEFORE + CORRUPT}\n$`,
      ),
    );

    // 3. The restarted consumer resumes after the batch and lands the rest.
    const second = await startConsumer(env(), 'after-skip');
    await waitForCheckpoints(warehouse, lastOffsets(RECORDS), 150_000, () => second.dump().slice(-6000));
    second.kill('SIGTERM');
    expect(await second.exited, second.dump().slice(-6000)).toEqual({ code: 0, signal: null });
    expect(
      second.lines.find(isMessage('partitions assigned: resuming each at its bronze checkpoint + 1'))?.resumeAt,
    ).toEqual({ [TOPIC]: { 0: BEFORE + CORRUPT } });
    expect(second.lines.filter((l) => l.level === 'ERROR')).toEqual([]);
    expect(reached(await bronzeCheckpoints(warehouse, [TOPIC]), lastOffsets(RECORDS))).toBe(true);

    // Every table equals one run in which the batch's offsets were skipped from the start.
    const refDir = await tempDir('stream-corrupt-ref-');
    dirs.push(refDir);
    const refCatalog = new LocalCatalog(refDir);
    await createPipeline({ catalog: refCatalog, piiSalt: TEST_SALT }).process(
      toPipelineRecords(RECORDS).map((r) =>
        r.offset >= BEFORE && r.offset < BEFORE + CORRUPT
          ? { ...r, key: null, value: null, headers: [], timestamp: null, timestampType: null, skipped: REASON }
          : r,
      ),
    );
    const lake = new LocalCatalog(warehouse);
    expect(compareAudits(await auditLake(lake), await auditLake(refCatalog))).toEqual([]);
    const skipped = (await tableRows(lake, 'ops', 'quarantine')).filter((r) => r.reason_code === 'skipped');
    expect(skipped.map((r) => Number(r.kafka_offset)).sort((a, b) => a - b)).toEqual(corrupt.map((r) => r.offset));
    const bronze = await tableRows(lake, 'bronze', TOPIC, ['kafka_offset', 'payload']);
    expect(bronze).toHaveLength(RECORDS.length);
    expect(
      bronze
        .filter((r) => r.payload === null)
        .map((r) => Number(r.kafka_offset))
        .sort((a, b) => a - b),
    ).toEqual(
      RECORDS.filter((r) => r.value === null || (r.offset >= BEFORE && r.offset < BEFORE + CORRUPT)).map(
        (r) => r.offset,
      ),
    );
  },
);

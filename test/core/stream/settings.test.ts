import { describe, expect, it } from 'vitest';
import { contracts } from '../../../core/contracts/index.js';
import { DEFAULT_DEDUP_MAX_IDS } from '../../../core/pipeline/index.js';
import { STREAM_DEFAULTS, streamSettingsFromEnv } from '../../../core/stream/index.js';

const base = { SHOPLAKE_WAREHOUSE: 's3://lake-silver/', SHOPLAKE_KAFKA_BROKERS: 'b-1.example:9098,b-2.example:9098' };

describe('streamSettingsFromEnv', () => {
  it('has production defaults: MSK IAM, every declared topic, 64 MiB / 60 s batches, health on 0.0.0.0:8080', () => {
    const s = streamSettingsFromEnv(base);
    expect(s.pipeline).toMatchObject({ warehouse: 's3://lake-silver/', catalog: 'glue' });
    expect(s.kafka).toMatchObject({
      brokers: ['b-1.example:9098', 'b-2.example:9098'],
      topics: contracts().topics.map((t) => t.topic),
      groupId: STREAM_DEFAULTS.groupId,
      auth: 'msk-iam',
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3_000,
      maxWaitTimeMs: 1_000,
      retry: {},
    });
    expect(s.kafka.clientId).toMatch(/^shoplake-ingest-/);
    expect(s).toMatchObject({
      targetBatchBytes: 64 * 1024 * 1024,
      maxBufferedBytes: 96 * 1024 * 1024,
      commitIntervalMs: 60_000,
      stopTimeoutMs: 30_000,
      health: { port: 8080, host: '0.0.0.0' },
      dedupMaxIds: DEFAULT_DEDUP_MAX_IDS,
    });
  });

  it('reads every variable', () => {
    const s = streamSettingsFromEnv({
      ...base,
      SHOPLAKE_KAFKA_TOPICS: ' orders , behaviour,orders',
      SHOPLAKE_KAFKA_GROUP_ID: 'shoplake-prod-ecs-ingest',
      SHOPLAKE_KAFKA_AUTH: 'none',
      SHOPLAKE_KAFKA_CLIENT_ID: 'c1',
      SHOPLAKE_KAFKA_SESSION_TIMEOUT_MS: '6000',
      SHOPLAKE_KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      SHOPLAKE_KAFKA_REBALANCE_TIMEOUT_MS: '20000',
      SHOPLAKE_KAFKA_MAX_WAIT_MS: '100',
      SHOPLAKE_KAFKA_FETCH_PARTITION_BYTES: '1048576',
      SHOPLAKE_KAFKA_FETCH_MAX_BYTES: '8388608',
      SHOPLAKE_KAFKA_RETRIES: '2',
      SHOPLAKE_KAFKA_RETRY_INITIAL_MS: '50',
      SHOPLAKE_KAFKA_RETRY_MAX_MS: '500',
      SHOPLAKE_KAFKA_LOG_LEVEL: 'warn',
      SHOPLAKE_TARGET_BATCH_BYTES: '1000',
      SHOPLAKE_MAX_BUFFERED_BYTES: '1500',
      SHOPLAKE_COMMIT_INTERVAL_SECONDS: '0.5',
      SHOPLAKE_STOP_TIMEOUT_SECONDS: '110',
      SHOPLAKE_HEALTH_PORT: '0',
      SHOPLAKE_HEALTH_HOST: '127.0.0.1',
      SHOPLAKE_DEDUP_MAX_IDS: '32000000',
      AWS_REGION: 'eu-west-1',
    });
    expect(s.kafka).toEqual({
      brokers: ['b-1.example:9098', 'b-2.example:9098'],
      topics: ['orders', 'behaviour'],
      groupId: 'shoplake-prod-ecs-ingest',
      clientId: 'c1',
      auth: 'none',
      region: 'eu-west-1',
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 20_000,
      maxWaitTimeMs: 100,
      fetchPartitionBytes: 1_048_576,
      fetchMaxBytes: 8_388_608,
      retry: { retries: 2, initialRetryTimeMs: 50, maxRetryTimeMs: 500 },
      logLevel: 'warn',
    });
    expect(s).toMatchObject({
      targetBatchBytes: 1000,
      maxBufferedBytes: 1500,
      commitIntervalMs: 500,
      stopTimeoutMs: 110_000,
      health: { port: 0, host: '127.0.0.1' },
      dedupMaxIds: 32_000_000,
    });
    expect(streamSettingsFromEnv({ ...base, SHOPLAKE_HEALTH_PORT: 'off' }).health).toBeNull();
  });

  it('a target above the default buffer limit raises the limit with it', () => {
    const s = streamSettingsFromEnv({ ...base, SHOPLAKE_TARGET_BATCH_BYTES: String(200 * 1024 * 1024) });
    expect(s.maxBufferedBytes).toBe(200 * 1024 * 1024);
  });

  it('the CLI picks its own defaults; variables still win', () => {
    const cli = { auth: 'none' as const, groupId: 'shoplake-local-ingest', healthPort: null };
    expect(streamSettingsFromEnv(base, cli)).toMatchObject({
      kafka: { auth: 'none', groupId: 'shoplake-local-ingest' },
      health: null,
    });
    expect(
      streamSettingsFromEnv({ ...base, SHOPLAKE_KAFKA_AUTH: 'msk-iam', SHOPLAKE_HEALTH_PORT: '9000' }, cli),
    ).toMatchObject({
      kafka: { auth: 'msk-iam' },
      health: { port: 9000 },
    });
  });

  it.each([
    [{ SHOPLAKE_KAFKA_BROKERS: undefined }, 'SHOPLAKE_KAFKA_BROKERS is not set'],
    [{ SHOPLAKE_KAFKA_BROKERS: 'b-1' }, "SHOPLAKE_KAFKA_BROKERS: kafka brokers: 'b-1' is not host:port"],
    [{ SHOPLAKE_KAFKA_TOPICS: 'nope' }, 'SHOPLAKE_KAFKA_TOPICS="nope": nope not declared in glue-schemas/topics.json'],
    [{ SHOPLAKE_KAFKA_TOPICS: ',' }, 'SHOPLAKE_KAFKA_TOPICS=",": no topic in glue-schemas/topics.json'],
    [{ SHOPLAKE_KAFKA_AUTH: 'scram' }, 'SHOPLAKE_KAFKA_AUTH="scram": use msk-iam or none'],
    [{ SHOPLAKE_KAFKA_LOG_LEVEL: 'loud' }, 'SHOPLAKE_KAFKA_LOG_LEVEL="loud"'],
    [
      { SHOPLAKE_KAFKA_SESSION_TIMEOUT_MS: '6000.5' },
      'SHOPLAKE_KAFKA_SESSION_TIMEOUT_MS="6000.5" is not an integer >= 1',
    ],
    [{ SHOPLAKE_KAFKA_HEARTBEAT_INTERVAL_MS: '30000' }, 'must be below the session timeout (30000 ms)'],
    [{ SHOPLAKE_KAFKA_RETRY_INITIAL_MS: '0' }, 'SHOPLAKE_KAFKA_RETRY_INITIAL_MS="0" is not an integer >= 1'],
    [{ SHOPLAKE_COMMIT_INTERVAL_SECONDS: '-1' }, 'SHOPLAKE_COMMIT_INTERVAL_SECONDS="-1" is not a number >= 0.01'],
    [
      { SHOPLAKE_TARGET_BATCH_BYTES: '2000', SHOPLAKE_MAX_BUFFERED_BYTES: '1000' },
      'is below SHOPLAKE_TARGET_BATCH_BYTES=2000',
    ],
    [{ SHOPLAKE_HEALTH_PORT: '70000' }, 'SHOPLAKE_HEALTH_PORT=70000: not a TCP port'],
    [{ SHOPLAKE_WAREHOUSE: undefined }, 'SHOPLAKE_WAREHOUSE is not set'],
    [{ SHOPLAKE_DEDUP_MAX_IDS: '0' }, 'SHOPLAKE_DEDUP_MAX_IDS="0" is not a positive integer'],
    [{ SHOPLAKE_DEDUP_MAX_IDS: '-1' }, 'SHOPLAKE_DEDUP_MAX_IDS="-1" is not a positive integer'],
    [{ SHOPLAKE_DEDUP_MAX_IDS: '2.5' }, 'SHOPLAKE_DEDUP_MAX_IDS="2.5" is not a positive integer'],
    [{ SHOPLAKE_DEDUP_MAX_IDS: '8M' }, 'SHOPLAKE_DEDUP_MAX_IDS="8M" is not a positive integer'],
  ])('%o is refused, naming the variable', (env, message) => {
    expect(() => streamSettingsFromEnv({ ...base, ...env })).toThrow(message);
  });
});

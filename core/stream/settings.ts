// Settings of the ECS stream consumer, read from its environment (the CDK app sets them, lib/constructs/
// stream-consumer.ts; `shoplake ingest` builds the same environment from its flags). The pipeline's own variables
// (SHOPLAKE_WAREHOUSE, SHOPLAKE_CATALOG, namespaces, salt, lateness, dedup window) are core/pipeline's
// settingsFromEnv, exactly as the Lambda reads them. A malformed value is an error naming the variable.
//
//   SHOPLAKE_DEDUP_MAX_IDS                 most event_ids one silver table's dedup index holds; default 8M (the
//                                          pipeline's DEFAULT_DEDUP_MAX_IDS); as the Lambda (lambdas/ingest/settings.ts)
//   SHOPLAKE_KAFKA_BROKERS                 host:port,... (required; MSK's bootstrap-brokers string)
//   SHOPLAKE_KAFKA_TOPICS                  topics to consume, comma-separated (default: every topic of glue-schemas)
//   SHOPLAKE_KAFKA_GROUP_ID                consumer group (default shoplake-ecs-ingest)
//   SHOPLAKE_KAFKA_AUTH                    msk-iam (default) | none
//   SHOPLAKE_KAFKA_CLIENT_ID               default shoplake-ingest-<hostname>
//   SHOPLAKE_KAFKA_SESSION_TIMEOUT_MS      default 30000 (tests: 6000, see core/kafka/README.md)
//   SHOPLAKE_KAFKA_HEARTBEAT_INTERVAL_MS   default 3000 (tests: 500)
//   SHOPLAKE_KAFKA_REBALANCE_TIMEOUT_MS    default 60000
//   SHOPLAKE_KAFKA_MAX_WAIT_MS             longest fetch wait; default 1000 (tests: 100)
//   SHOPLAKE_KAFKA_FETCH_PARTITION_BYTES   fetch size per partition; default 4 MiB
//   SHOPLAKE_KAFKA_FETCH_MAX_BYTES         fetch size per broker request; default 16 MiB
//   SHOPLAKE_KAFKA_RETRIES, SHOPLAKE_KAFKA_RETRY_INITIAL_MS, SHOPLAKE_KAFKA_RETRY_MAX_MS   retry budget (core/kafka)
//   SHOPLAKE_KAFKA_LOG_LEVEL               error | warn | info (default) | debug
//   SHOPLAKE_TARGET_BATCH_BYTES            flush a micro-batch at this many record bytes; default 64 MiB
//   SHOPLAKE_COMMIT_INTERVAL_SECONDS       ... or this long after its first record; default 60
//   SHOPLAKE_MAX_BUFFERED_BYTES            uncommitted bytes before fetching pauses; default 96 MiB (>= target)
//   SHOPLAKE_STOP_TIMEOUT_SECONDS          SIGTERM: flush, commit and leave within this; default 30
//   SHOPLAKE_HEALTH_PORT                   GET /healthz port; default 8080; 0 = any free port; off = no server
//   SHOPLAKE_HEALTH_HOST                   default 0.0.0.0 (the container); tests use 127.0.0.1
//   AWS_REGION                             MSK IAM signing region (set by ECS)
import { hostname } from 'node:os';
import { contracts } from '../contracts/index.js';
import type { KafkaAuth, KafkaLogLevel, KafkaRetryPolicy } from '../kafka/index.js';
import { parseBrokers } from '../kafka/index.js';
import { dedupMaxIdsFromEnv, settingsFromEnv } from '../pipeline/index.js';
import type { PipelineSettings } from '../pipeline/index.js';

const MiB = 1024 * 1024;

export const STREAM_DEFAULTS = {
  groupId: 'shoplake-ecs-ingest' as string,
  auth: 'msk-iam' as KafkaAuth,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  rebalanceTimeoutMs: 60_000,
  maxWaitTimeMs: 1_000,
  fetchPartitionBytes: 4 * MiB,
  fetchMaxBytes: 16 * MiB,
  targetBatchBytes: 64 * MiB,
  commitIntervalSeconds: 60,
  maxBufferedBytes: 96 * MiB,
  stopTimeoutSeconds: 30,
  healthPort: 8080,
  healthHost: '0.0.0.0' as string,
  logLevel: 'info' as KafkaLogLevel,
} as const;

export interface StreamKafkaSettings {
  brokers: string[];
  topics: string[];
  groupId: string;
  clientId: string;
  auth: KafkaAuth;
  region: string | undefined;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  maxWaitTimeMs: number;
  fetchPartitionBytes: number;
  fetchMaxBytes: number;
  retry: Partial<KafkaRetryPolicy>;
  logLevel: KafkaLogLevel;
}

export interface StreamSettings {
  pipeline: PipelineSettings;
  /** Most event_ids one silver table's dedup index holds (the pipeline's dedupMaxIds); past it the oldest days go. */
  dedupMaxIds: number;
  kafka: StreamKafkaSettings;
  /** Flush a micro-batch once its records' value bytes reach this. */
  targetBatchBytes: number;
  /** ... or once its first record is this old, whichever comes first. */
  commitIntervalMs: number;
  /** Hard cap on uncommitted record bytes: fetching pauses and the batch is committed before more is taken. */
  maxBufferedBytes: number;
  /** SIGTERM: flush, commit and leave the group within this; past it the process exits 1. */
  stopTimeoutMs: number;
  /** null: no health server. port 0: any free port (the listening address is logged). */
  health: { port: number; host: string } | null;
}

type Env = Record<string, string | undefined>;

/** Defaults a caller may change (the CLI: no auth, its own group, no health endpoint, loopback). */
export interface StreamSettingsDefaults {
  auth?: KafkaAuth;
  groupId?: string;
  /** null: no health server unless SHOPLAKE_HEALTH_PORT asks for one. */
  healthPort?: number | null;
  healthHost?: string;
}

/** The consumer's settings from `env` (default process.env). `defaults` lets the CLI pick local-friendly ones. */
export function streamSettingsFromEnv(
  env: Env = process.env,
  defaults: Partial<Pick<typeof STREAM_DEFAULTS, 'auth' | 'groupId' | 'healthHost'>> & {
    healthPort?: number | null;
  } = {},
): StreamSettings {
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const num = (name: string, dflt: number, opts: { integer?: boolean; min?: number } = {}): number => {
    const raw = get(name);
    if (raw === undefined) return dflt;
    const n = Number(raw);
    const min = opts.min ?? 0;
    if (!Number.isFinite(n) || n < min || (opts.integer && !Number.isSafeInteger(n))) {
      const what = opts.integer ? 'an integer' : 'a number';
      throw new Error(`${name}=${JSON.stringify(raw)} is not ${what} >= ${min}`);
    }
    return n;
  };

  const pipeline = settingsFromEnv(env);

  const brokersRaw = get('SHOPLAKE_KAFKA_BROKERS');
  if (!brokersRaw) throw new Error('SHOPLAKE_KAFKA_BROKERS is not set: give the bootstrap brokers (host:port,...)');
  let brokers: string[];
  try {
    brokers = parseBrokers(brokersRaw);
  } catch (e) {
    throw new Error(`SHOPLAKE_KAFKA_BROKERS: ${(e as Error).message}`, { cause: e });
  }

  const declared = contracts().topics.map((t) => t.topic);
  const topicsRaw = get('SHOPLAKE_KAFKA_TOPICS');
  const topics = topicsRaw
    ? [
        ...new Set(
          topicsRaw
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        ),
      ]
    : declared;
  const unknown = topics.filter((t) => !declared.includes(t));
  if (topics.length === 0 || unknown.length > 0) {
    throw new Error(
      `SHOPLAKE_KAFKA_TOPICS=${JSON.stringify(topicsRaw)}: ${unknown.length ? `${unknown.join(', ')} not declared` : 'no topic'} ` +
        `in glue-schemas/topics.json (declared: ${declared.join(', ')})`,
    );
  }

  const auth = get('SHOPLAKE_KAFKA_AUTH') ?? defaults.auth ?? STREAM_DEFAULTS.auth;
  if (auth !== 'none' && auth !== 'msk-iam')
    throw new Error(`SHOPLAKE_KAFKA_AUTH=${JSON.stringify(auth)}: use msk-iam or none`);
  const logLevel = get('SHOPLAKE_KAFKA_LOG_LEVEL') ?? STREAM_DEFAULTS.logLevel;
  if (!['nothing', 'error', 'warn', 'info', 'debug'].includes(logLevel)) {
    throw new Error(`SHOPLAKE_KAFKA_LOG_LEVEL=${JSON.stringify(logLevel)}: use error, warn, info or debug`);
  }

  const retry: Partial<KafkaRetryPolicy> = {};
  if (get('SHOPLAKE_KAFKA_RETRIES') !== undefined) retry.retries = num('SHOPLAKE_KAFKA_RETRIES', 0, { integer: true });
  if (get('SHOPLAKE_KAFKA_RETRY_INITIAL_MS') !== undefined)
    retry.initialRetryTimeMs = num('SHOPLAKE_KAFKA_RETRY_INITIAL_MS', 0, { integer: true, min: 1 });
  if (get('SHOPLAKE_KAFKA_RETRY_MAX_MS') !== undefined)
    retry.maxRetryTimeMs = num('SHOPLAKE_KAFKA_RETRY_MAX_MS', 0, { integer: true, min: 1 });

  const int = (name: string, dflt: number, min = 1) => num(name, dflt, { integer: true, min });
  const sessionTimeoutMs = int('SHOPLAKE_KAFKA_SESSION_TIMEOUT_MS', STREAM_DEFAULTS.sessionTimeoutMs);
  const heartbeatIntervalMs = int('SHOPLAKE_KAFKA_HEARTBEAT_INTERVAL_MS', STREAM_DEFAULTS.heartbeatIntervalMs);
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw new Error(
      `SHOPLAKE_KAFKA_HEARTBEAT_INTERVAL_MS=${heartbeatIntervalMs} must be below the session timeout (${sessionTimeoutMs} ms)`,
    );
  }

  const targetBatchBytes = int('SHOPLAKE_TARGET_BATCH_BYTES', STREAM_DEFAULTS.targetBatchBytes);
  const maxBufferedBytes = int(
    'SHOPLAKE_MAX_BUFFERED_BYTES',
    Math.max(STREAM_DEFAULTS.maxBufferedBytes, targetBatchBytes),
  );
  if (maxBufferedBytes < targetBatchBytes) {
    throw new Error(
      `SHOPLAKE_MAX_BUFFERED_BYTES=${maxBufferedBytes} is below SHOPLAKE_TARGET_BATCH_BYTES=${targetBatchBytes}: ` +
        'a batch could never reach its target size',
    );
  }

  const commitIntervalMs = Math.round(
    num('SHOPLAKE_COMMIT_INTERVAL_SECONDS', STREAM_DEFAULTS.commitIntervalSeconds, { min: 0.01 }) * 1000,
  );
  const stopTimeoutMs = Math.round(
    num('SHOPLAKE_STOP_TIMEOUT_SECONDS', STREAM_DEFAULTS.stopTimeoutSeconds, { min: 0.1 }) * 1000,
  );

  const portRaw = get('SHOPLAKE_HEALTH_PORT');
  let health: StreamSettings['health'];
  if (portRaw === 'off' || (portRaw === undefined && defaults.healthPort === null)) health = null;
  else {
    const port =
      portRaw === undefined
        ? (defaults.healthPort ?? STREAM_DEFAULTS.healthPort)
        : num('SHOPLAKE_HEALTH_PORT', 0, { integer: true, min: 0 });
    if (port > 65_535) throw new Error(`SHOPLAKE_HEALTH_PORT=${port}: not a TCP port (0-65535, or off)`);
    health = { port, host: get('SHOPLAKE_HEALTH_HOST') ?? defaults.healthHost ?? STREAM_DEFAULTS.healthHost };
  }

  return {
    pipeline,
    dedupMaxIds: dedupMaxIdsFromEnv({ SHOPLAKE_DEDUP_MAX_IDS: get('SHOPLAKE_DEDUP_MAX_IDS') }),
    kafka: {
      brokers,
      topics,
      groupId: get('SHOPLAKE_KAFKA_GROUP_ID') ?? defaults.groupId ?? STREAM_DEFAULTS.groupId,
      clientId: get('SHOPLAKE_KAFKA_CLIENT_ID') ?? `shoplake-ingest-${hostname()}`,
      auth,
      region: get('AWS_REGION') ?? get('AWS_DEFAULT_REGION'),
      sessionTimeoutMs,
      heartbeatIntervalMs,
      rebalanceTimeoutMs: int('SHOPLAKE_KAFKA_REBALANCE_TIMEOUT_MS', STREAM_DEFAULTS.rebalanceTimeoutMs),
      maxWaitTimeMs: int('SHOPLAKE_KAFKA_MAX_WAIT_MS', STREAM_DEFAULTS.maxWaitTimeMs),
      fetchPartitionBytes: int('SHOPLAKE_KAFKA_FETCH_PARTITION_BYTES', STREAM_DEFAULTS.fetchPartitionBytes),
      fetchMaxBytes: int('SHOPLAKE_KAFKA_FETCH_MAX_BYTES', STREAM_DEFAULTS.fetchMaxBytes),
      retry,
      logLevel: logLevel as KafkaLogLevel,
    },
    targetBatchBytes,
    commitIntervalMs,
    maxBufferedBytes,
    stopTimeoutMs,
    health,
  };
}

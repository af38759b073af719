// createKafka: the one place that builds a Kafka client. Everything else in shoplake gets a client from here, so the
// client library (kafkajs today, @confluentinc/kafka-javascript's KafkaJS-compatible API perhaps later) is chosen in
// one file. Template file of this folder: options in, validated with clear errors, defaults named, one export doing
// one thing.
import type { ConnectionOptions } from 'node:tls';
import { Kafka, type KafkaConfig } from 'kafkajs';
import { registerCompressionCodecs } from './compression.js';
import { KafkaConfigError } from './errors.js';
import {
  kafkaLogCreator,
  stderrKafkaLogSink,
  toKafkaJsLogLevel,
  type KafkaLogLevel,
  type KafkaLogSink,
} from './log.js';
import { mskIamTokenProvider, type AwsCredentialsProvider } from './msk-iam.js';

export type KafkaAuth = 'none' | 'msk-iam';

/** Exponential backoff with ±20% jitter, doubling from initialRetryTimeMs up to maxRetryTimeMs. */
export interface KafkaRetryPolicy {
  /** Retries after the first attempt; the budget is retries + 1 attempts. */
  retries: number;
  initialRetryTimeMs: number;
  maxRetryTimeMs: number;
}

/**
 * 6 attempts, 0.3 s doubling (kafkajs' own defaults): the waits add up to about 9.3 s (±20%) before a client gives up
 * on refused connections; add one connection timeout per attempt for addresses that never answer.
 */
export const DEFAULT_RETRY: KafkaRetryPolicy = { retries: 5, initialRetryTimeMs: 300, maxRetryTimeMs: 30_000 };

/** TCP (+ TLS) connect timeout per attempt, by auth mode. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = { none: 1000, 'msk-iam': 5000 } as const;

/**
 * Environment variables read when the option is not given (option > variable > default), so every entrypoint (the
 * generator's --brokers, the ECS consumer, `shoplake ingest`) takes the same knobs.
 */
export const KAFKA_ENV = {
  retries: 'SHOPLAKE_KAFKA_RETRIES',
  initialRetryTimeMs: 'SHOPLAKE_KAFKA_RETRY_INITIAL_MS',
  maxRetryTimeMs: 'SHOPLAKE_KAFKA_RETRY_MAX_MS',
  connectionTimeoutMs: 'SHOPLAKE_KAFKA_CONNECTION_TIMEOUT_MS',
} as const;

export interface KafkaOptions {
  /** "host:port" list, as an array or comma-separated (the format of MSK's bootstrap-brokers string). */
  brokers: string[] | string;
  clientId: string;
  /** 'msk-iam': SASL OAUTHBEARER with an MSK IAM token over TLS (MSK port 9098). */
  auth: KafkaAuth;
  /** Region for MSK IAM signing; default AWS_REGION, then AWS_DEFAULT_REGION. */
  region?: string;
  /** TLS: true or tls options; default on for 'msk-iam' (which requires it), off for 'none'. */
  ssl?: boolean | ConnectionOptions;
  /** Default 'info'. */
  logLevel?: KafkaLogLevel;
  /** Where log lines go; default one compact line per entry on stderr. */
  logSink?: KafkaLogSink;
  /** Retry budget for connecting and for every request; default SHOPLAKE_KAFKA_RETRIES etc., then DEFAULT_RETRY. */
  retry?: Partial<KafkaRetryPolicy>;
  /** TCP (+ TLS) connect timeout per attempt; default SHOPLAKE_KAFKA_CONNECTION_TIMEOUT_MS, then 1 s without auth,
   * 5 s for MSK IAM. */
  connectionTimeoutMs?: number;
  /** Default 30 s. */
  requestTimeoutMs?: number;
  /** MSK IAM credentials; default the AWS default credential chain (the ECS task role on ECS). */
  credentials?: AwsCredentialsProvider;
  /** Where the SHOPLAKE_KAFKA_* variables are read; default process.env. */
  env?: Record<string, string | undefined>;
}

/** What createKafka decided, for the helpers in this folder (retry budget, broker list for messages). */
export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  auth: KafkaAuth;
  retry: KafkaRetryPolicy;
  connectionTimeoutMs: number;
}

const settingsByClient = new WeakMap<Kafka, KafkaSettings>();

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export function parseBrokers(brokers: string[] | string): string[] {
  const list = (Array.isArray(brokers) ? brokers : brokers.split(','))
    .flatMap((b) => (typeof b === 'string' ? b.split(',') : [b]))
    .map((b) => (typeof b === 'string' ? b.trim() : b))
    .filter((b) => b !== '');
  if (list.length === 0) throw new KafkaConfigError('kafka brokers: the list is empty (expected host:port,...)');
  for (const b of list) {
    const m = typeof b === 'string' ? HOST_PORT.exec(b) : null;
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65_535) {
      throw new KafkaConfigError(`kafka brokers: '${String(b)}' is not host:port (port 1-65535)`);
    }
  }
  return list as string[];
}

/** An integer variable of KAFKA_ENV, or undefined when unset or empty. */
function envInt(env: Record<string, string | undefined>, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
    throw new KafkaConfigError(`${name}=${JSON.stringify(env[name])} is not an integer >= ${min}`);
  }
  return n;
}

function retryPolicy(
  retry: Partial<KafkaRetryPolicy> | undefined,
  env: Record<string, string | undefined>,
): KafkaRetryPolicy {
  const fromEnv: Partial<KafkaRetryPolicy> = {};
  const retries = envInt(env, KAFKA_ENV.retries, 0);
  const initial = envInt(env, KAFKA_ENV.initialRetryTimeMs, 1);
  const max = envInt(env, KAFKA_ENV.maxRetryTimeMs, 1);
  if (retries !== undefined) fromEnv.retries = retries;
  if (initial !== undefined) fromEnv.initialRetryTimeMs = initial;
  if (max !== undefined) fromEnv.maxRetryTimeMs = max;
  const defined = Object.fromEntries(Object.entries(retry ?? {}).filter(([, v]) => v !== undefined));
  const policy: KafkaRetryPolicy = { ...DEFAULT_RETRY, ...fromEnv, ...defined };
  for (const [k, v] of Object.entries(policy)) {
    if (!Number.isInteger(v) || v < 0) throw new KafkaConfigError(`kafka retry.${k}: ${v} is not an integer >= 0`);
  }
  if (policy.initialRetryTimeMs < 1) throw new KafkaConfigError('kafka retry.initialRetryTimeMs: must be >= 1 ms');
  return policy;
}

/** The kafkajs configuration for `options`, without connecting. */
export function kafkaConfig(options: KafkaOptions): { config: KafkaConfig; settings: KafkaSettings } {
  const brokers = parseBrokers(options.brokers);
  if (typeof options.clientId !== 'string' || options.clientId.trim() === '') {
    throw new KafkaConfigError('kafka clientId: must be a non-empty string');
  }
  const env = options.env ?? process.env;
  const retry = retryPolicy(options.retry, env);
  const connectionTimeoutMs = (auth: KafkaAuth): number => {
    const ms = options.connectionTimeoutMs ?? envInt(env, KAFKA_ENV.connectionTimeoutMs, 1);
    if (ms !== undefined && (!Number.isInteger(ms) || ms < 1)) {
      throw new KafkaConfigError(`kafka connectionTimeoutMs: ${ms} is not an integer >= 1`);
    }
    return ms ?? DEFAULT_CONNECTION_TIMEOUT_MS[auth];
  };
  const config: KafkaConfig = {
    brokers,
    clientId: options.clientId,
    logLevel: toKafkaJsLogLevel(options.logLevel ?? 'info'),
    logCreator: kafkaLogCreator(options.logSink ?? stderrKafkaLogSink),
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: {
      retries: retry.retries,
      initialRetryTime: retry.initialRetryTimeMs,
      maxRetryTime: retry.maxRetryTimeMs,
      factor: 0.2,
      multiplier: 2,
      // A consumer that crashed after its retry budget stops instead of restarting in-process forever: the
      // entrypoint exits non-zero and the orchestrator (ECS) restarts the task with its own backoff.
      restartOnFailure: async () => false,
    },
  };

  if (options.auth === 'none') {
    config.ssl = options.ssl ?? false;
    config.connectionTimeout = connectionTimeoutMs('none');
  } else if (options.auth === 'msk-iam') {
    if (options.ssl === false) {
      throw new KafkaConfigError('kafka ssl: MSK IAM authentication requires TLS (the IAM listener is port 9098)');
    }
    const region = options.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
    if (!region) {
      throw new KafkaConfigError('kafka region: MSK IAM needs the cluster region (option region, or AWS_REGION)');
    }
    config.ssl = options.ssl ?? true;
    config.connectionTimeout = connectionTimeoutMs('msk-iam');
    config.authenticationTimeout = 10_000;
    config.sasl = {
      mechanism: 'oauthbearer',
      oauthBearerProvider: mskIamTokenProvider({
        region,
        ...(options.credentials ? { credentials: options.credentials } : {}),
      }),
    };
  } else {
    throw new KafkaConfigError(`kafka auth: '${String(options.auth)}' is not 'none' or 'msk-iam'`);
  }
  return {
    config,
    settings: {
      brokers,
      clientId: options.clientId,
      auth: options.auth,
      retry,
      connectionTimeoutMs: config.connectionTimeout!,
    },
  };
}

/** A kafkajs client for `options`. Connects lazily (producers, consumers and admins connect themselves). */
export function createKafka(options: KafkaOptions): Kafka {
  const { config, settings } = kafkaConfig(options);
  registerCompressionCodecs();
  const kafka = new Kafka(config);
  settingsByClient.set(kafka, settings);
  return kafka;
}

/** The settings createKafka used for `kafka`; defaults for a client built elsewhere. */
export function kafkaSettings(kafka: Kafka): KafkaSettings {
  return (
    settingsByClient.get(kafka) ?? {
      brokers: [],
      clientId: 'unknown',
      auth: 'none',
      retry: DEFAULT_RETRY,
      connectionTimeoutMs: DEFAULT_CONNECTION_TIMEOUT_MS.none,
    }
  );
}

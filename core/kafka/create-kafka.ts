// createKafka: the one place that builds a Kafka client. Everything else in shoplake gets a client from here, so the
// client library (kafkajs today, @confluentinc/kafka-javascript's KafkaJS-compatible API perhaps later) is chosen in
// one file. Template file of this folder: options in, validated with clear errors, defaults named, one export doing
// one thing.
import type { ConnectionOptions } from 'node:tls';
import { Kafka, type KafkaConfig } from 'kafkajs';
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

/** 9 attempts, 0.3 s doubling to 30 s: about 70 s before a client gives up on unreachable brokers. */
export const DEFAULT_RETRY: KafkaRetryPolicy = { retries: 8, initialRetryTimeMs: 300, maxRetryTimeMs: 30_000 };

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
  retry?: Partial<KafkaRetryPolicy>;
  /** TCP connect timeout per attempt; default 1 s without auth, 10 s for MSK IAM (TLS + SASL). */
  connectionTimeoutMs?: number;
  /** Default 30 s. */
  requestTimeoutMs?: number;
  /** MSK IAM credentials; default the AWS default credential chain (the ECS task role on ECS). */
  credentials?: AwsCredentialsProvider;
}

/** What createKafka decided, for the helpers in this folder (retry budget, broker list for messages). */
export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  auth: KafkaAuth;
  retry: KafkaRetryPolicy;
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

function retryPolicy(retry: Partial<KafkaRetryPolicy> | undefined): KafkaRetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...retry };
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
  const retry = retryPolicy(options.retry);
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
    config.connectionTimeout = options.connectionTimeoutMs ?? 1000;
  } else if (options.auth === 'msk-iam') {
    if (options.ssl === false) {
      throw new KafkaConfigError('kafka ssl: MSK IAM authentication requires TLS (the IAM listener is port 9098)');
    }
    const region = options.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
    if (!region) {
      throw new KafkaConfigError('kafka region: MSK IAM needs the cluster region (option region, or AWS_REGION)');
    }
    config.ssl = options.ssl ?? true;
    config.connectionTimeout = options.connectionTimeoutMs ?? 10_000;
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
  return { config, settings: { brokers, clientId: options.clientId, auth: options.auth, retry } };
}

/** A kafkajs client for `options`. Connects lazily (producers, consumers and admins connect themselves). */
export function createKafka(options: KafkaOptions): Kafka {
  const { config, settings } = kafkaConfig(options);
  const kafka = new Kafka(config);
  settingsByClient.set(kafka, settings);
  return kafka;
}

/** The settings createKafka used for `kafka`; defaults for a client built elsewhere. */
export function kafkaSettings(kafka: Kafka): KafkaSettings {
  return settingsByClient.get(kafka) ?? { brokers: [], clientId: 'unknown', auth: 'none', retry: DEFAULT_RETRY };
}

// connectWithRetry: connect a producer, consumer or admin within one retry budget, or fail with a clear
// KafkaConnectError. kafkajs already retries unreachable brokers with the client's retry policy (createKafka sets
// it), so that budget is spent once kafkajs gives up; authentication failures kafkajs never retries (a rejected MSK
// IAM token, no credentials), so this loop retries those with the same exponential backoff. Never a hot loop.
// The final error is thrown, not logged: the entrypoint prints it once (err.message names the brokers and cause).
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaRetryPolicy } from './create-kafka.js';
import { classifyKafkaError, KafkaConnectError, rootMessage } from './errors.js';

export interface Connectable {
  connect(): Promise<void>;
}

/** The part of a kafkajs Logger used here (kafka.logger().namespace('shoplake') fits). */
export interface KafkaLogger {
  info(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
}

export interface ConnectRetryOptions {
  /** What connects, for messages: 'producer', 'consumer (group shoplake-ingest)', ... */
  what: string;
  /** The bootstrap list, for messages. */
  brokers: string[];
  auth: 'none' | 'msk-iam';
  retry: KafkaRetryPolicy;
  log: KafkaLogger;
  /** Stops waiting between attempts (SIGTERM during start-up): rejects with an AbortError. */
  signal?: AbortSignal;
  /** Jitter source, for tests. */
  random?: () => number;
}

/** Delay before retry number `n` (0-based): initial * 2^n with ±20% jitter, capped at maxRetryTimeMs. */
export function backoffMs(n: number, policy: KafkaRetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.initialRetryTimeMs * 2 ** n, policy.maxRetryTimeMs);
  return Math.min(Math.round(base * (0.8 + 0.4 * random())), policy.maxRetryTimeMs);
}

const UNREACHABLE_HINT = {
  none: 'Check the broker list, the network path and that the cluster is running.',
  'msk-iam':
    'Check the broker list (MSK IAM listens on port 9098 with TLS), the network path (security groups, VPC) and ' +
    'that the cluster is running.',
};
const AUTH_HINT = {
  none: 'Check the SASL settings.',
  'msk-iam':
    'Check that AWS credentials are available (the ECS task role) and that the role allows kafka-cluster:Connect ' +
    'and the topic and group actions on this cluster.',
};

export async function connectWithRetry(client: Connectable, options: ConnectRetryOptions): Promise<void> {
  const { what, retry, log } = options;
  const brokers = options.brokers.join(',') || '(unknown brokers)';
  const budget = retry.retries + 1;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await client.connect();
      if (attempt > 1) log.info(`${what}: connected to Kafka after ${attempt} attempts`, { brokers });
      return;
    } catch (err) {
      const kind = classifyKafkaError(err);
      if (kind === 'other') throw err;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const cause = rootMessage(err);
      if (kind === 'unreachable') {
        // kafkajs spent the budget inside connect(); its retry error carries the count.
        const retryCount = (err as { retryCount?: unknown }).retryCount;
        const attempts = typeof retryCount === 'number' ? retryCount + 1 : attempt;
        const message =
          `Kafka unreachable: ${what} could not connect to ${brokers} after ${attempts} attempt(s) over ${seconds} s ` +
          `(retry budget ${budget} attempts): ${cause}. ${UNREACHABLE_HINT[options.auth]}`;
        throw new KafkaConnectError(message, 'unreachable', attempts, Date.now() - started, { cause: err });
      }
      if (attempt >= budget) {
        const message =
          `Kafka authentication failed: ${what} could not authenticate to ${brokers} after ${attempt} attempt(s) ` +
          `over ${seconds} s: ${cause}. ${AUTH_HINT[options.auth]}`;
        throw new KafkaConnectError(message, 'auth', attempt, Date.now() - started, { cause: err });
      }
      const delay = backoffMs(attempt - 1, retry, options.random);
      const retrying = `Kafka authentication failed (attempt ${attempt}/${budget}), retrying in ${delay} ms`;
      log.warn(`${what}: ${retrying}: ${cause}`, { brokers });
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : undefined);
    }
  }
}

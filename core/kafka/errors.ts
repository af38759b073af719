// The Kafka failures shoplake tells apart, and the errors it throws once a retry budget is spent. kafkajs errors are
// recognised by name (its error classes are not all reachable as ESM named exports), walking the `cause` chain.

export type KafkaFailureKind = 'unreachable' | 'auth' | 'other';

const AUTH_ERRORS = new Set(['KafkaJSSASLAuthenticationError', 'MskIamTokenError']);
const UNREACHABLE_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  // the fetch manager found no broker to fetch from (every broker gone): kafkajs bails without retrying
  'KafkaJSNoBrokerAvailableError',
]);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

function* causeChain(err: unknown): Generator<{ name?: unknown; code?: unknown; message?: unknown }> {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && e && typeof e === 'object'; depth++) {
    yield e as { name?: unknown; code?: unknown; message?: unknown };
    const next = (e as { cause?: unknown }).cause;
    if (next === e) break;
    e = next;
  }
}

/** 'auth' wins over 'unreachable' anywhere in the cause chain: a rejected token is not a network problem. */
export function classifyKafkaError(err: unknown): KafkaFailureKind {
  let kind: KafkaFailureKind = 'other';
  for (const e of causeChain(err)) {
    if (typeof e.name === 'string' && AUTH_ERRORS.has(e.name)) return 'auth';
    if (
      (typeof e.name === 'string' && UNREACHABLE_ERRORS.has(e.name)) ||
      (typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code)) ||
      (typeof e.message === 'string' && /Connection timeout|connect E[A-Z]+/.test(e.message))
    ) {
      kind = 'unreachable';
    }
  }
  return kind;
}

/**
 * The useful message of an error chain: kafkajs wraps the telling one (e.g. ECONNREFUSED) in retry errors, so
 * follow `cause` through kafkajs errors and stop at the first other error (ours carry the clearer message).
 */
export function rootMessage(err: unknown): string {
  let msg = err instanceof Error ? err.message : String(err);
  for (const e of causeChain(err)) {
    if (typeof e.message === 'string' && e.message) msg = e.message;
    if (typeof e.name !== 'string' || !e.name.startsWith('KafkaJS')) break;
  }
  return msg;
}

/** A bad option or record: never retried. Names the field and the cause. */
export class KafkaConfigError extends Error {
  override name = 'KafkaConfigError';
}

/** Could not connect within the retry budget: brokers unreachable, or authentication failed every time. */
export class KafkaConnectError extends Error {
  override name = 'KafkaConnectError';
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'auth',
    readonly attempts: number,
    readonly elapsedMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A produce request failed after kafkajs' retries. `acknowledged` records (in input order) were written before. */
export class KafkaProduceError extends Error {
  override name = 'KafkaProduceError';
  constructor(
    message: string,
    readonly kind: KafkaFailureKind,
    readonly acknowledged: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// Unreachable brokers and refused auth: retries with backoff, clear log lines, a clear error once the retry budget
// is spent, and a non-zero exit from an entrypoint. Never a hot loop: the attempts are counted.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  connectWithRetry,
  createKafka,
  kafkaConfig,
  mskIamTokenProvider,
  DEFAULT_RETRY,
  KafkaConfigError,
  produceRecords,
  KafkaConnectError,
  type ConnectRetryOptions,
  type KafkaLogEntry,
  type KafkaRetryPolicy,
} from '../../../core/kafka/index.js';
import { useKafkaBroker } from '../../support/kafka-broker.js';

const here = dirname(fileURLToPath(import.meta.url));
const broker = useKafkaBroker({ topics: { orders: 2 } });

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function recorder(): { log: ConnectRetryOptions['log']; lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { log: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

describe('unreachable brokers (a closed loopback port)', () => {
  it('fails after exactly the retry budget with backoff between attempts and a clear error', async () => {
    const port = await closedPort();
    const entries: KafkaLogEntry[] = [];
    const kafka = createKafka({
      brokers: [`127.0.0.1:${port}`],
      clientId: 'unreachable-test',
      auth: 'none',
      logSink: (e) => entries.push(e),
      retry: { retries: 3, initialRetryTimeMs: 40, maxRetryTimeMs: 1000 },
    });
    const started = Date.now();
    const err = await produceRecords(kafka, [{ topic: 'orders', value: 'x' }]).catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(err).toBeInstanceOf(KafkaConnectError);
    const e = err as KafkaConnectError;
    expect(e.kind).toBe('unreachable');
    expect(e.attempts).toBe(4);
    expect(e.message).toMatch(
      new RegExp(
        `^Kafka unreachable: producer unreachable-test could not connect to 127\\.0\\.0\\.1:${port} after 4 attempt\\(s\\) ` +
          `over \\d+\\.\\d s \\(retry budget 4 attempts\\): Connection error: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\. ` +
          'Check the broker list',
      ),
    );
    // One connection attempt per budgeted attempt: bounded, not a hot loop.
    const refused = entries.filter((x) => x.namespace === 'Connection' && /ECONNREFUSED/.test(x.message));
    expect(refused).toHaveLength(4);
    // kafkajs logs the backoff it waits before each retry; it grows, and the attempts really waited for it.
    const waits = entries.filter((x) => x.namespace === 'BrokerPool').map((x) => Number(x.fields.retryTime));
    expect(waits).toHaveLength(4);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1]!);
    expect(elapsed).toBeGreaterThanOrEqual(waits.slice(0, 3).reduce((a, b) => a + b, 0));
    // One WARN line per failed attempt (kafkajs' retry line, with the cause); kafkajs' own Connection line is info;
    // no ERROR line at all (the error is thrown once, for the entrypoint to print); never a stack trace.
    const warnOrWorse = entries.filter((x) => x.level === 'warn' || x.level === 'error');
    expect(warnOrWorse.map((x) => `${x.level} ${x.namespace}`)).toEqual(Array(4).fill('warn BrokerPool'));
    for (const x of warnOrWorse) expect(x.message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(entries.every((x) => !('stack' in x.fields))).toBe(true);
  });

  it('gives up within the default budget, naming the brokers and the cause (was ~70 s with 9 ERROR lines)', async () => {
    const port = await closedPort();
    const entries: KafkaLogEntry[] = [];
    const kafka = createKafka({
      brokers: [`127.0.0.1:${port}`, `127.0.0.1:${port}`],
      clientId: 'default-budget',
      auth: 'none',
      logLevel: 'warn',
      logSink: (e) => entries.push(e),
      env: {},
    });
    const err = await produceRecords(kafka, [{ topic: 'orders', value: 'x' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaConnectError);
    expect(err).toMatchObject({ kind: 'unreachable', attempts: DEFAULT_RETRY.retries + 1 });
    expect((err as Error).message).toContain(
      `could not connect to 127.0.0.1:${port},127.0.0.1:${port} after 6 attempt`,
    );
    expect((err as Error).message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(entries.map((x) => x.level)).toEqual(Array(6).fill('warn'));
  }, 30_000);

  it('takes its budget from SHOPLAKE_KAFKA_* variables when no option is given; an option wins', async () => {
    const port = await closedPort();
    const env = {
      SHOPLAKE_KAFKA_RETRIES: '1',
      SHOPLAKE_KAFKA_RETRY_INITIAL_MS: '20',
      SHOPLAKE_KAFKA_RETRY_MAX_MS: '50',
    };
    const attempts = async (retry?: { retries: number }): Promise<unknown> => {
      const kafka = createKafka({
        brokers: `127.0.0.1:${port}`,
        clientId: 'env-budget',
        auth: 'none',
        logLevel: 'nothing',
        env,
        ...(retry ? { retry } : {}),
      });
      const err = await produceRecords(kafka, [{ topic: 'orders', value: 'x' }]).catch((e: unknown) => e);
      return (err as KafkaConnectError).attempts;
    };
    expect(await attempts()).toBe(2);
    expect(await attempts({ retries: 2 })).toBe(3);
  });
});

describe('the generator CLI with an unreachable --brokers (core/kafka read its budget from the environment)', () => {
  it('prints one WARN line per attempt, then one error naming the brokers and the cause, and exits non-zero', async () => {
    const port = await closedPort();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(here, '../../../bin/shoplake.ts'),
        'generate',
        '--events',
        '5',
        '--brokers',
        `127.0.0.1:${port}`,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, SHOPLAKE_KAFKA_RETRIES: '2', SHOPLAKE_KAFKA_RETRY_INITIAL_MS: '50' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).not.toBe(0);
    const lines = stderr.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(
      [0, 1, 2].map((n) =>
        expect.stringMatching(
          new RegExp(
            `^kafka WARN  BrokerPool: Failed to connect .*ECONNREFUSED 127\\.0\\.0\\.1:${port} retryCount=${n} `,
          ),
        ),
      ),
    );
    expect(lines.slice(3)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^shoplake: Kafka unreachable: producer shoplake-generate could not connect to 127\\.0\\.0\\.1:${port} ` +
            `after 3 attempt\\(s\\) over \\d+\\.\\d s \\(retry budget 3 attempts\\): Connection error: connect ECONNREFUSED`,
        ),
      ),
    ]);
  }, 30_000);
});

describe('retry budget and connection timeout settings', () => {
  const base = { brokers: '127.0.0.1:9092', clientId: 'c', auth: 'none' as const };

  it('defaults, then SHOPLAKE_KAFKA_* variables, then options', () => {
    expect(kafkaConfig({ ...base, env: {} }).settings).toMatchObject({
      retry: DEFAULT_RETRY,
      connectionTimeoutMs: 1000,
    });
    const msk = kafkaConfig({ ...base, auth: 'msk-iam', region: 'eu-west-1', env: {} });
    expect(msk.config.connectionTimeout).toBe(5000);
    const env = {
      SHOPLAKE_KAFKA_RETRIES: '2',
      SHOPLAKE_KAFKA_RETRY_INITIAL_MS: '100',
      SHOPLAKE_KAFKA_RETRY_MAX_MS: '800',
      SHOPLAKE_KAFKA_CONNECTION_TIMEOUT_MS: '2500',
    };
    const fromEnv = kafkaConfig({ ...base, env });
    expect(fromEnv.settings).toMatchObject({
      retry: { retries: 2, initialRetryTimeMs: 100, maxRetryTimeMs: 800 },
      connectionTimeoutMs: 2500,
    });
    expect(fromEnv.config.retry).toMatchObject({ retries: 2, initialRetryTime: 100, maxRetryTime: 800 });
    expect(fromEnv.config.connectionTimeout).toBe(2500);
    const fromOptions = kafkaConfig({ ...base, env, retry: { retries: 7 }, connectionTimeoutMs: 300 });
    expect(fromOptions.settings).toMatchObject({
      retry: { retries: 7, initialRetryTimeMs: 100, maxRetryTimeMs: 800 },
      connectionTimeoutMs: 300,
    });
  });

  it.each([
    ['SHOPLAKE_KAFKA_RETRIES', 'many', 'SHOPLAKE_KAFKA_RETRIES="many" is not an integer >= 0'],
    ['SHOPLAKE_KAFKA_RETRY_INITIAL_MS', '0', 'SHOPLAKE_KAFKA_RETRY_INITIAL_MS="0" is not an integer >= 1'],
    [
      'SHOPLAKE_KAFKA_CONNECTION_TIMEOUT_MS',
      '1.5',
      'SHOPLAKE_KAFKA_CONNECTION_TIMEOUT_MS="1.5" is not an integer >= 1',
    ],
  ])('a bad %s=%s is a KafkaConfigError naming the variable', (name, value, message) => {
    expect(() => kafkaConfig({ ...base, env: { [name]: value } })).toThrow(new KafkaConfigError(message));
  });

  it('an entrypoint exits non-zero with the clear message, and does not hang on leftover handles', async () => {
    const port = await closedPort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'fixtures/produce-one.ts'), `127.0.0.1:${port}`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    // One line: the entrypoint's (its log level is 'error', and retries are not errors).
    expect(stderr).toMatch(
      /^fatal: Kafka unreachable: producer produce-one could not connect to 127\.0\.0\.1:\d+ after 3 attempt.*\n$/,
    );
  });

  it('the same entrypoint succeeds against the test broker (so the failure above is the brokers, not the script)', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'fixtures/produce-one.ts'), broker.bootstrap],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stdout).toBe('sent 1\n');
  });
});

describe('authentication failures (kafkajs does not retry them; connectWithRetry does)', () => {
  const retry: KafkaRetryPolicy = { retries: 2, initialRetryTimeMs: 20, maxRetryTimeMs: 100 };
  const base = { what: 'consumer (group g)', brokers: ['b-1:9098'], auth: 'msk-iam' as const, retry };
  // kafkajs' own error class, as its OAUTHBEARER authenticator throws it when the broker rejects the token (its
  // typings omit the constructor's message argument).
  const SaslError = kafkajs.KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
  const refused = (): Error => new SaslError('SASL OAUTHBEARER authentication failed: Access denied');

  it('retries a refused token with backoff, then fails with a clear auth error after the budget', async () => {
    const { log, lines } = recorder();
    let calls = 0;
    const client = {
      connect: async () => {
        calls++;
        throw refused();
      },
    };
    const err = await connectWithRetry(client, { ...base, log }).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(err).toBeInstanceOf(KafkaConnectError);
    expect(err).toMatchObject({ kind: 'auth', attempts: 3 });
    expect((err as Error).message).toMatch(
      /^Kafka authentication failed: consumer \(group g\) could not authenticate to b-1:9098 after 3 attempt\(s\) over \d+\.\d s: SASL OAUTHBEARER authentication failed: Access denied\. Check that AWS credentials are available \(the ECS task role\) and that the role allows kafka-cluster:Connect/,
    );
    expect(lines.map((l) => l.level)).toEqual(['warn', 'warn']); // the error is thrown, not logged as well
    expect(lines[0]!.message).toMatch(
      /^consumer \(group g\): Kafka authentication failed \(attempt 1\/3\), retrying in \d+ ms: /,
    );
  });

  it('recovers when auth succeeds within the budget (e.g. IAM policy propagation after a deploy)', async () => {
    const { log, lines } = recorder();
    let calls = 0;
    const client = {
      connect: async () => {
        if (++calls < 3) throw refused();
      },
    };
    await connectWithRetry(client, { ...base, log });
    expect(calls).toBe(3);
    expect(lines.at(-1)).toEqual({ level: 'info', message: 'consumer (group g): connected to Kafka after 3 attempts' });
  });

  it('treats missing AWS credentials (the token provider failing) as an auth failure too', async () => {
    const { log } = recorder();
    const provider = mskIamTokenProvider({
      region: 'eu-west-1',
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });
    let calls = 0;
    const err = await connectWithRetry(
      {
        connect: async () => {
          calls++;
          await provider();
        },
      },
      { ...base, log },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(err).toMatchObject({ name: 'KafkaConnectError', kind: 'auth' });
    expect((err as Error).message).toContain('cannot sign an auth token for region eu-west-1');
  });

  it('rethrows other errors at once', async () => {
    const { log } = recorder();
    let calls = 0;
    const boom = new TypeError('bad');
    const client = {
      connect: async () => {
        calls++;
        throw boom;
      },
    };
    await expect(connectWithRetry(client, { ...base, log })).rejects.toBe(boom);
    expect(calls).toBe(1);
  });

  it('stops waiting when the abort signal fires (SIGTERM during start-up)', async () => {
    const { log } = recorder();
    const controller = new AbortController();
    const long: KafkaRetryPolicy = { retries: 5, initialRetryTimeMs: 60_000, maxRetryTimeMs: 60_000 };
    const pending = connectWithRetry(
      {
        connect: async () => {
          setTimeout(() => controller.abort(), 10);
          throw refused();
        },
      },
      { ...base, retry: long, log, signal: controller.signal },
    );
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('backoffMs', () => {
  const policy: KafkaRetryPolicy = { retries: 8, initialRetryTimeMs: 300, maxRetryTimeMs: 30_000 };
  it('doubles from the initial delay with ±20% jitter and caps at the maximum', () => {
    expect([0, 1, 2, 3].map((n) => backoffMs(n, policy, () => 0.5))).toEqual([300, 600, 1200, 2400]);
    expect(backoffMs(0, policy, () => 0)).toBe(240);
    expect(backoffMs(0, policy, () => 1)).toBe(360);
    expect(backoffMs(10, policy, () => 1)).toBe(30_000);
  });
});

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
  mskIamTokenProvider,
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
    // The final line says what gave up, in our namespace.
    expect(entries.at(-1)).toMatchObject({ level: 'error', namespace: 'shoplake', message: e.message });
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
    expect(stderr).toMatch(
      /fatal: Kafka unreachable: producer produce-one could not connect to 127\.0\.0\.1:\d+ after 3 attempt/,
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
    expect(lines.map((l) => l.level)).toEqual(['warn', 'warn', 'error']);
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

// Bad input at the Kafka end, through the bundled consumer (child processes): unreachable brokers and a refused MSK
// IAM login are retried with growing backoff within the retry budget, logged clearly, and end in exit code 1; bad
// settings end in exit code 2 naming the variable. Never a hot loop: the attempts are counted.
import { promises as fs } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/lake-audit.js';
import { consumerEnv, isMessage, removeBundles, startConsumer } from '../support/stream-consumer.js';
import { SASL_AUTHENTICATE_KEY, startSaslRejectBroker, type SaslRejectBroker } from './fixtures/sasl-reject-broker.js';

let warehouse: string;
beforeAll(async () => {
  warehouse = await tempDir('stream-bad-brokers-');
});
afterAll(async () => {
  await removeBundles();
  await fs.rm(warehouse, { recursive: true, force: true });
});

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const RETRY = {
  SHOPLAKE_KAFKA_RETRIES: '3',
  SHOPLAKE_KAFKA_RETRY_INITIAL_MS: '100',
  SHOPLAKE_KAFKA_RETRY_MAX_MS: '2000',
};

describe('unreachable brokers', () => {
  it('retries with growing backoff, then exits 1 with a clear message', async () => {
    const port = await closedPort();
    const c = await startConsumer(
      consumerEnv({ brokers: `127.0.0.1:${port}`, warehouse, groupId: 'g', extra: RETRY }),
      'unreachable',
    );
    expect((await c.exited).code, c.dump()).toBe(1);
    // One connection attempt per budgeted attempt (1 + 3 retries), each followed by kafkajs' backoff.
    const refused = c.lines.filter((l) =>
      /^kafka Connection: Connection error: connect ECONNREFUSED/.test(String(l.message)),
    );
    expect(refused).toHaveLength(4);
    const waits = c.lines.filter(isMessage(/^kafka BrokerPool: Failed to connect/)).map((l) => Number(l.retryTime));
    expect(waits).toHaveLength(4);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1]!);
    const fatal = c.lines.find(isMessage(/^stream consumer failed \(start-up\)/));
    expect(fatal?.message).toMatch(
      new RegExp(
        `Kafka unreachable: consumer \\(group g\\) could not connect to 127\\.0\\.0\\.1:${port} after 4 attempt\\(s\\) ` +
          'over \\d+\\.\\d s \\(retry budget 4 attempts\\): Connection error: connect ECONNREFUSED',
      ),
    );
    expect(fatal?.level).toBe('ERROR');
  });
});

describe('MSK IAM auth refused (a TLS listener that answers SaslAuthenticate with SASL_AUTHENTICATION_FAILED)', () => {
  let broker: SaslRejectBroker;
  beforeAll(async () => {
    broker = await startSaslRejectBroker();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('signs a real MSK IAM token, retries the login with backoff within the budget, then exits 1', async () => {
    const c = await startConsumer(
      consumerEnv({
        brokers: `127.0.0.1:${broker.port}`,
        warehouse,
        groupId: 'g',
        extra: {
          ...RETRY,
          SHOPLAKE_KAFKA_RETRIES: '2',
          SHOPLAKE_KAFKA_AUTH: 'msk-iam',
          AWS_REGION: 'eu-west-1',
          // Static example credentials: the token is signed locally (SigV4 presign), never sent to AWS.
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          NODE_EXTRA_CA_CERTS: broker.caFile,
        },
      }),
      'auth',
    );
    expect((await c.exited).code, c.dump()).toBe(1);

    // Exactly the budget of logins (1 + 2 retries), each over a fresh TLS connection, spaced by the backoff.
    const logins = broker.requests.filter((r) => r.apiKey === SASL_AUTHENTICATE_KEY);
    expect(logins).toHaveLength(3);
    const retries = c.lines.filter(isMessage(/Kafka authentication failed \(attempt \d\/3\), retrying in \d+ ms/));
    expect(retries.map((l) => l.level)).toEqual(['WARN', 'WARN']);
    const delays = retries.map((l) => Number(/retrying in (\d+) ms/.exec(String(l.message))![1]));
    for (let i = 1; i < logins.length; i++) {
      expect(logins[i]!.at - logins[i - 1]!.at).toBeGreaterThanOrEqual(delays[i - 1]! - 5);
    }
    // The login carried an MSK IAM token: SASL OAUTHBEARER, a base64url presigned kafka-cluster:Connect URL.
    // RFC 7628: gs2 header, then kvsep (0x01) separated key=value pairs, ended by two kvseps.
    const [gs2, bearer, ...rest] = logins[0]!.authBytes!.toString('utf8').split('\u0001');
    expect([gs2, rest]).toEqual(['n,,', ['', '']]);
    const token = /^auth=Bearer ([A-Za-z0-9_-]+)$/.exec(bearer ?? '')?.[1];
    expect(token, bearer).toBeDefined();
    const url = new URL(Buffer.from(token!, 'base64url').toString('utf8'));
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\//,
    );

    const fatal = c.lines.find(isMessage(/^stream consumer failed \(start-up\)/));
    expect(fatal?.message).toMatch(
      new RegExp(
        `Kafka authentication failed: consumer \\(group g\\) could not authenticate to 127\\.0\\.0\\.1:${broker.port} ` +
          'after 3 attempt\\(s\\) over \\d+\\.\\d s: SASL OAUTHBEARER authentication failed: Access denied\\. ' +
          'Check that AWS credentials are available \\(the ECS task role\\)',
      ),
    );
  });
});

describe('bad settings', () => {
  it.each([
    [{ SHOPLAKE_KAFKA_BROKERS: '' }, /SHOPLAKE_KAFKA_BROKERS is not set/],
    [
      { SHOPLAKE_KAFKA_BROKERS: 'b-1.example:not-a-port' },
      /SHOPLAKE_KAFKA_BROKERS: kafka brokers: 'b-1.example:not-a-port' is not host:port/,
    ],
    [
      { SHOPLAKE_KAFKA_TOPICS: 'orders,ordrs' },
      /SHOPLAKE_KAFKA_TOPICS="orders,ordrs": ordrs not declared in glue-schemas\/topics.json/,
    ],
    [{ SHOPLAKE_TARGET_BATCH_BYTES: '64MB' }, /SHOPLAKE_TARGET_BATCH_BYTES="64MB" is not an integer >= 1/],
    [
      { SHOPLAKE_MAX_BUFFERED_BYTES: '1000', SHOPLAKE_TARGET_BATCH_BYTES: '2000' },
      /SHOPLAKE_MAX_BUFFERED_BYTES=1000 is below SHOPLAKE_TARGET_BATCH_BYTES=2000/,
    ],
  ])('%o exits 2 naming the variable', async (extra, message) => {
    const c = await startConsumer(consumerEnv({ brokers: '127.0.0.1:9', warehouse, groupId: 'g', extra }), 'settings');
    expect((await c.exited).code).toBe(2);
    expect(c.lines).toHaveLength(1);
    expect(c.lines[0]).toMatchObject({ level: 'ERROR', message: expect.stringMatching(message) });
  });
});

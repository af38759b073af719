// MSK IAM tokens: signed offline with static test credentials (the signer presigns locally), checked against an
// independent SigV4 computation with node:crypto, cached, and failing with a clear error.
import { createHash, createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mskIamTokenProvider, MskIamTokenError, type AwsCredentials } from '../../../core/kafka/index.js';

const CREDS: AwsCredentials = {
  accessKeyId: 'AKIDSHOPLAKETEST',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/session+token==',
};

const rfc3986 = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const sha256hex = (data: string): string => createHash('sha256').update(data).digest('hex');

/** Decodes a token and recomputes its SigV4 query signature (AWS's presigned-URL algorithm) from the secret. */
function verifyToken(token: string, creds: AwsCredentials, region: string): URL {
  expect(token).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
  const q = url.searchParams;
  const amzDate = q.get('X-Amz-Date')!;
  const scope = `${amzDate.slice(0, 8)}/${region}/kafka-cluster/aws4_request`;
  expect(q.get('X-Amz-Credential')).toBe(`${creds.accessKeyId}/${scope}`);
  expect(q.get('X-Amz-SignedHeaders')).toBe('host');
  // Everything but the signature itself and the User-Agent the signer appends after signing.
  const canonicalQuery = [...q.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature' && k !== 'User-Agent')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${url.host}`, '', 'host', sha256hex('')].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${creds.secretAccessKey}`, amzDate.slice(0, 8));
  for (const part of [region, 'kafka-cluster', 'aws4_request']) key = hmac(key, part);
  expect(q.get('X-Amz-Signature')).toBe(hmac(key, stringToSign).toString('hex'));
  return url;
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe('mskIamTokenProvider', () => {
  it('signs a kafka-cluster:Connect token for the region with the given credentials', async () => {
    const provider = mskIamTokenProvider({ region: 'eu-west-1', credentials: async () => CREDS });
    const { value } = await provider();
    const url = verifyToken(value, CREDS, 'eu-west-1');
    expect(url.origin).toBe('https://kafka.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(CREDS.sessionToken);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('User-Agent')).toMatch(/^aws-msk-iam-sasl-signer-js\//);
  });

  it('a token signed with another secret does not verify (the check above has teeth)', async () => {
    const provider = mskIamTokenProvider({ region: 'eu-west-1', credentials: async () => CREDS });
    const { value } = await provider();
    expect(() => verifyToken(value, { ...CREDS, secretAccessKey: 'another-secret' }, 'eu-west-1')).toThrow();
  });

  it('uses the AWS default credential chain when no credentials are given (env here, the task role on ECS)', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENVIRONMENT');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-env');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token-from-env');
    vi.stubEnv('AWS_PROFILE', '');
    const { value } = await mskIamTokenProvider({ region: 'us-east-2' })();
    const url = verifyToken(
      value,
      { accessKeyId: 'AKIDFROMENVIRONMENT', secretAccessKey: 'secret-from-env', sessionToken: 'token-from-env' },
      'us-east-2',
    );
    expect(url.host).toBe('kafka.us-east-2.amazonaws.com');
  });

  it('reuses a token for half its lifetime, shares one signing call between concurrent connections', async () => {
    // Fake only the clock: the signer dates the token from it too.
    vi.useFakeTimers({ toFake: ['Date'] });
    let now = Date.parse('2025-06-01T12:00:00Z');
    vi.setSystemTime(now);
    let calls = 0;
    const provider = mskIamTokenProvider({
      region: 'eu-west-1',
      credentials: async () => {
        calls++;
        return CREDS;
      },
    });
    const [a, b, c] = await Promise.all([provider(), provider(), provider()]);
    expect(calls).toBe(1);
    expect(b.value).toBe(a.value);
    expect(c.value).toBe(a.value);
    expect(new URL(Buffer.from(a.value, 'base64url').toString()).searchParams.get('X-Amz-Date')).toBe(
      '20250601T120000Z',
    );
    vi.setSystemTime((now += 7 * 60_000)); // inside the first half of the 15-minute token
    expect((await provider()).value).toBe(a.value);
    expect(calls).toBe(1);
    vi.setSystemTime((now += 1 * 60_000)); // past half of its lifetime: sign again
    const d = await provider();
    expect(calls).toBe(2);
    expect(d.value).not.toBe(a.value);
  });

  it('fails with a clear MskIamTokenError when there are no credentials, and retries on the next call', async () => {
    let fail = true;
    const provider = mskIamTokenProvider({
      region: 'eu-west-1',
      credentials: async () => {
        if (fail) throw new Error('Could not load credentials from any providers');
        return CREDS;
      },
    });
    const err = await provider().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MskIamTokenError);
    expect((err as Error).message).toBe(
      'MSK IAM: cannot sign an auth token for region eu-west-1: Could not load credentials from any providers ' +
        '(are AWS credentials available, e.g. the ECS task role?)',
    );
    expect((err as MskIamTokenError).retriable).toBe(false);
    fail = false;
    verifyToken((await provider()).value, CREDS, 'eu-west-1');
  });

  it('refuses an empty region', () => {
    expect(() => mskIamTokenProvider({ region: '' })).toThrow(/a region is required/);
  });
});

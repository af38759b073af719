// createKafka / kafkaConfig: option validation with clear errors, and the auth wiring (no MSK here: the
// SASL OAUTHBEARER + TLS configuration is checked at the kafkajs config level, the token by msk-iam.test.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createKafka,
  kafkaConfig,
  kafkaSettings,
  parseBrokers,
  DEFAULT_RETRY,
  KafkaConfigError,
  type KafkaOptions,
} from '../../../core/kafka/index.js';

const base: KafkaOptions = { brokers: 'b-1.example:9098,b-2.example:9098', clientId: 'shoplake-test', auth: 'none' };
const creds = async () => ({ accessKeyId: 'AKIDSHOPLAKETEST', secretAccessKey: 'secret' });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('parseBrokers', () => {
  it('accepts MSK bootstrap strings and arrays, trimming blanks', () => {
    expect(parseBrokers(' b-1.x.kafka.eu-west-1.amazonaws.com:9098 , b-2.x:9098,')).toEqual([
      'b-1.x.kafka.eu-west-1.amazonaws.com:9098',
      'b-2.x:9098',
    ]);
    expect(parseBrokers(['127.0.0.1:9092', '[::1]:9093'])).toEqual(['127.0.0.1:9092', '[::1]:9093']);
  });

  it.each([
    ['', /the list is empty/],
    ['localhost', /'localhost' is not host:port/],
    ['host:0', /'host:0' is not host:port/],
    ['host:70000', /'host:70000' is not host:port/],
    ['http://host:9092', /'http:\/\/host:9092' is not host:port/],
  ])('rejects %j', (brokers, message) => {
    expect(() => parseBrokers(brokers)).toThrow(KafkaConfigError);
    expect(() => parseBrokers(brokers)).toThrow(message);
  });
});

describe('kafkaConfig', () => {
  it("auth 'none': plaintext, no SASL, the retry policy handed to kafkajs, no in-process consumer restarts", async () => {
    const { config, settings } = kafkaConfig({ ...base, retry: { retries: 2 } });
    expect(config.ssl).toBe(false);
    expect(config.sasl).toBeUndefined();
    expect(config.brokers).toEqual(['b-1.example:9098', 'b-2.example:9098']);
    expect(config.retry).toMatchObject({ retries: 2, initialRetryTime: 300, maxRetryTime: 30_000, multiplier: 2 });
    expect(await config.retry!.restartOnFailure!(new Error('crash'))).toBe(false);
    expect(settings).toEqual({
      brokers: ['b-1.example:9098', 'b-2.example:9098'],
      clientId: 'shoplake-test',
      auth: 'none',
      retry: { ...DEFAULT_RETRY, retries: 2 },
      connectionTimeoutMs: 1000,
    });
  });

  it("auth 'msk-iam': SASL OAUTHBEARER over TLS, whose provider returns a signed MSK IAM token", async () => {
    const { config } = kafkaConfig({ ...base, auth: 'msk-iam', region: 'eu-west-1', credentials: creds });
    expect(config.ssl).toBe(true);
    expect(config.connectionTimeout).toBe(5000);
    const sasl = config.sasl as { mechanism: string; oauthBearerProvider: () => Promise<{ value: string }> };
    expect(sasl.mechanism).toBe('oauthbearer');
    const { value } = await sasl.oauthBearerProvider();
    const url = new URL(Buffer.from(value, 'base64url').toString('utf8'));
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDSHOPLAKETEST\/\d{8}\/eu-west-1\/kafka-cluster\//);
  });

  it("auth 'msk-iam' takes the region from AWS_REGION and keeps custom TLS options", async () => {
    vi.stubEnv('AWS_REGION', 'ap-southeast-2');
    const { config } = kafkaConfig({
      ...base,
      auth: 'msk-iam',
      ssl: { servername: 'b-1.example' },
      credentials: creds,
    });
    expect(config.ssl).toEqual({ servername: 'b-1.example' });
    const sasl = config.sasl as { oauthBearerProvider: () => Promise<{ value: string }> };
    const { value } = await sasl.oauthBearerProvider();
    expect(Buffer.from(value, 'base64url').toString()).toMatch(/^https:\/\/kafka\.ap-southeast-2\.amazonaws\.com\//);
  });

  it.each<[string, Partial<KafkaOptions>, RegExp]>([
    ['MSK IAM without TLS', { auth: 'msk-iam', region: 'eu-west-1', ssl: false }, /requires TLS/],
    ['an unknown auth', { auth: 'scram' as never }, /kafka auth: 'scram' is not 'none' or 'msk-iam'/],
    ['an empty clientId', { clientId: ' ' }, /kafka clientId: must be a non-empty string/],
    ['a negative retry count', { retry: { retries: -1 } }, /kafka retry.retries: -1 is not an integer >= 0/],
    ['an unknown log level', { logLevel: 'verbose' as never }, /kafka logLevel: 'verbose' is not one of/],
  ])('rejects %s', (_what, patch, message) => {
    expect(() => kafkaConfig({ ...base, ...patch })).toThrow(message);
  });

  it('rejects MSK IAM without a region', () => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    expect(() => kafkaConfig({ ...base, auth: 'msk-iam' })).toThrow(/MSK IAM needs the cluster region/);
  });
});

describe('createKafka', () => {
  it('returns a kafkajs client and remembers its settings for the helpers', () => {
    const kafka = createKafka({ ...base, retry: { retries: 1, initialRetryTimeMs: 10 } });
    expect(typeof kafka.producer).toBe('function');
    expect(kafkaSettings(kafka).retry).toEqual({ retries: 1, initialRetryTimeMs: 10, maxRetryTimeMs: 30_000 });
  });
});

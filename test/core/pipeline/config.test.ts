import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { GlueCatalog } from '../../../core/iceberg/catalog/glue-catalog.js';
import { loadOrCreateDevSalt, loadPiiSalt, openCatalog, settingsFromEnv } from '../../../core/pipeline/index.js';
import { GlueStub } from '../../support/glue-stub.js';
import { tempDir } from '../../support/lake-audit.js';
import { SecretsStub } from '../../support/secrets-stub.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('settingsFromEnv', () => {
  it('reads the variables the CDK app sets, with defaults', () => {
    const s = settingsFromEnv({
      SHOPLAKE_WAREHOUSE: 's3://bucket/wh',
      SHOPLAKE_NAMESPACE_SILVER: 'shoplake_dev_silver',
      SHOPLAKE_SALT_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:x',
      SHOPLAKE_ALLOWED_LATENESS_SECONDS: '259200',
    });
    expect(s).toMatchObject({
      warehouse: 's3://bucket/wh',
      catalog: 'glue',
      namespaces: { bronze: 'bronze', silver: 'shoplake_dev_silver', ops: 'ops' },
      allowedLatenessSeconds: 259200,
      dedupWindowDays: 7,
      unknownFields: 'ignore',
    });
    expect(settingsFromEnv({ SHOPLAKE_WAREHOUSE: '/tmp/wh' }).catalog).toBe('local');
    expect(settingsFromEnv({ SHOPLAKE_WAREHOUSE: '/tmp/wh', SHOPLAKE_UNKNOWN_FIELDS: 'reject' }).unknownFields).toBe(
      'reject',
    );
  });

  it('names the variable of a missing or malformed value', () => {
    expect(() => settingsFromEnv({})).toThrow(/SHOPLAKE_WAREHOUSE is not set/);
    expect(() => settingsFromEnv({ SHOPLAKE_WAREHOUSE: '/x', SHOPLAKE_CATALOG: 'hive' })).toThrow(
      /SHOPLAKE_CATALOG="hive"/,
    );
    expect(() => settingsFromEnv({ SHOPLAKE_WAREHOUSE: '/x', SHOPLAKE_DEDUP_WINDOW_DAYS: '-1' })).toThrow(
      /SHOPLAKE_DEDUP_WINDOW_DAYS="-1"/,
    );
    expect(() => settingsFromEnv({ SHOPLAKE_WAREHOUSE: '/x', SHOPLAKE_UNKNOWN_FIELDS: 'drop' })).toThrow(
      /SHOPLAKE_UNKNOWN_FIELDS="drop"/,
    );
  });

  it('opens the catalog the settings name', async () => {
    expect(await openCatalog({ warehouse: '/tmp/wh', catalog: 'local' })).toBeInstanceOf(LocalCatalog);
    const glue = await openCatalog({ warehouse: 's3://b/wh', catalog: 'glue' }, { glue: new GlueStub().client() });
    expect(glue).toBeInstanceOf(GlueCatalog);
    await expect(openCatalog({ warehouse: 's3://b/wh', catalog: 'local' })).rejects.toThrow(
      /needs a local warehouse directory/,
    );
  });
});

describe('PII salt', () => {
  it('reads a Secrets Manager secret, plain or JSON, and never quotes it in errors', async () => {
    const stub = new SecretsStub();
    stub.secrets.set('arn:plain', 'p'.repeat(64));
    stub.secrets.set('arn:json', JSON.stringify({ salt: 's'.repeat(20) }));
    stub.secrets.set('arn:short', 'tiny-secret');
    const client = stub.client();
    expect(await loadPiiSalt({ secretArn: 'arn:plain' }, client)).toBe('p'.repeat(64));
    expect(await loadPiiSalt({ secretArn: 'arn:json' }, client)).toBe('s'.repeat(20));
    const short = loadPiiSalt({ secretArn: 'arn:short' }, client);
    await expect(short).rejects.toThrow(/shorter than 16/);
    await expect(short).rejects.not.toThrow(/tiny-secret/);
    await expect(loadPiiSalt({ secretArn: 'arn:missing' }, client)).rejects.toThrow(
      /arn:missing: ResourceNotFoundException/,
    );
    stub.failNext(1);
    await expect(loadPiiSalt({ secretArn: 'arn:plain' }, client)).rejects.toThrow(/cannot read the PII salt secret/);
  });

  it('reads a local file or value, and creates a dev salt once', async () => {
    const dir = await tempDir('salt-');
    dirs.push(dir);
    const file = path.join(dir, 'nested', 'pii-salt');
    const created = await loadOrCreateDevSalt(file);
    expect(created).toMatch(/^[0-9a-f]{64}$/);
    expect(await loadOrCreateDevSalt(file)).toBe(created);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadPiiSalt({ file })).toBe(created);
    expect(await loadPiiSalt({ value: 'v'.repeat(16) })).toBe('v'.repeat(16));
    await expect(loadPiiSalt({})).rejects.toThrow(/no PII salt/);
    await expect(loadPiiSalt({ file: path.join(dir, 'none') })).rejects.toThrow(/cannot read the PII salt file/);
  });
});

// The Lambda handler end to end: generated MSK events (toMskBatches) into a local warehouse, and the AWS path
// against a real S3-compatible server on loopback, the Glue stub (VersionId compare-and-swap) and a Secrets
// Manager stub. Checks the EMF metrics the dashboards read, the warm-container reuse, and that infrastructure
// failures throw (so Lambda retries) while the retry lands everything exactly once.
import { promises as fs } from 'node:fs';
import type { MSKEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { toMskBatches } from '../../../core/generator/to-msk-batches.js';
import { GlueCatalog } from '../../../core/iceberg/catalog/glue-catalog.js';
import { LocalCatalog } from '../../../core/iceberg/catalog/local-catalog.js';
import { S3FileIO } from '../../../core/iceberg/io/s3-file-io.js';
import { isGoodKind } from '../../../core/generator/record.js';
import { createHandler, METRICS } from '../../../lambdas/ingest/handler.js';
import type { IngestResponse } from '../../../lambdas/ingest/handler.js';
import { GlueStub } from '../../support/glue-stub.js';
import { auditLake, compareAudits, tempDir } from '../../support/lake-audit.js';
import type { TableAudit } from '../../support/lake-audit.js';
import { startS3Server } from '../../support/s3-server.js';
import type { S3TestServer } from '../../support/s3-server.js';
import { SecretsStub } from '../../support/secrets-stub.js';
import { createPipeline, fromMskEvent } from '../../../core/pipeline/index.js';

const SALT = 'handler-salt-0123456789abcdef';
const generated = [
  ...generateEvents({ events: 700, seed: 13, badShare: 0.03, duplicateShare: 0.03, oversizedBytes: 70_000 }),
];
const events: MSKEvent[] = [...toMskBatches(generated, { batchSize: 150 })];
const dirs: string[] = [];

/** EMF documents printed while fn runs. */
async function captureEmf<T>(fn: () => Promise<T>): Promise<{ value: T; emf: Record<string, unknown>[] }> {
  const emf: Record<string, unknown>[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    const o =
      typeof line === 'string' && line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : undefined;
    if (o && '_aws' in o) emf.push(o);
  });
  const quiet = [vi.spyOn(console, 'info'), vi.spyOn(console, 'error'), vi.spyOn(console, 'warn')].map((s) =>
    s.mockImplementation(() => undefined),
  );
  try {
    return { value: await fn(), emf };
  } finally {
    log.mockRestore();
    for (const s of quiet) s.mockRestore();
  }
}

async function reference(): Promise<Record<string, TableAudit>> {
  const dir = await tempDir('handler-ref-');
  dirs.push(dir);
  const catalog = new LocalCatalog(dir);
  const p = createPipeline({ catalog, piiSalt: SALT });
  for (const e of events) await p.process(fromMskEvent(e));
  return auditLake(catalog);
}

beforeAll(() => {
  // Dev mode sends EMF to console.log (captured below); it would also disable metrics unless told otherwise.
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

/** Every MSK event of the data set through a new handler on a fresh local warehouse, with the EMF it printed. */
async function landAll(
  prefix: string,
  env: Record<string, string> = {},
): Promise<{ dir: string; responses: IngestResponse[]; emf: Record<string, unknown>[] }> {
  const dir = await tempDir(prefix);
  dirs.push(dir);
  const handler = createHandler({
    env: { SHOPLAKE_WAREHOUSE: dir, SHOPLAKE_CATALOG: 'local', SHOPLAKE_PII_SALT: SALT, ...env },
  });
  const { value: responses, emf } = await captureEmf(async () => {
    const out: IngestResponse[] = [];
    for (const e of events) out.push(await handler(e));
    return out;
  });
  return { dir, responses, emf };
}

describe('handler on a local warehouse', () => {
  it(
    'lands every batch, publishes the EMF metrics the dashboards read, and reconciles',
    { timeout: 180_000 },
    async () => {
      const { dir, responses, emf } = await landAll('handler-local-', { SHOPLAKE_ALLOWED_LATENESS_SECONDS: '600' });
      const total = (k: keyof IngestResponse) => responses.reduce((n, r) => n + r[k], 0);
      expect(total('recordsIn')).toBe(generated.length);
      expect(total('bronzeLanded')).toBe(generated.length);
      expect(total('landed') + total('quarantined') + total('duplicates')).toBe(generated.length);
      expect(total('quarantined')).toBe(generated.filter((g) => !isGoodKind(g.kind)).length);

      // One EMF document per invocation, namespace shoplake, every metric of the CDK dashboards, values = response.
      expect(emf.length).toBe(events.length);
      const names = new Set(Object.values(METRICS));
      for (const [i, doc] of emf.entries()) {
        const meta = (
          doc._aws as { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string; Unit: string }[] }[] }
        ).CloudWatchMetrics[0]!;
        expect(meta.Namespace).toBe('shoplake');
        expect(new Set(meta.Metrics.map((m) => m.Name))).toEqual(names);
        expect(doc[METRICS.recordsIn]).toBe(responses[i]!.recordsIn);
        expect(doc[METRICS.landed]).toBe(responses[i]!.landed);
        expect(doc[METRICS.quarantined]).toBe(responses[i]!.quarantined);
        expect(doc[METRICS.duplicates]).toBe(responses[i]!.duplicates);
        expect(doc[METRICS.late]).toBe(responses[i]!.late);
        expect(doc[METRICS.batchBytes]).toBe(responses[i]!.batchBytes);
        expect(doc[METRICS.dedupScopesEvicted]).toBe(responses[i]!.dedupScopesEvicted);
        expect(meta.Metrics.find((m) => m.Name === METRICS.commitLatency)!.Unit).toBe('Milliseconds');
      }
      // The default cap (8M ids per table) holds this whole run: nothing evicted.
      expect(total('dedupScopesEvicted')).toBe(0);
      expect(compareAudits(await auditLake(new LocalCatalog(dir)), await reference())).toEqual([]);
    },
  );

  it(
    'passes SHOPLAKE_DEDUP_MAX_IDS to the pipeline: a cap of 1 id evicts scopes, counted, and misses cross-batch resends',
    { timeout: 180_000 },
    async () => {
      const run = async (cap: string | undefined): Promise<{ responses: IngestResponse[]; evictedEmf: number }> => {
        const { responses, emf } = await landAll(
          'handler-cap-',
          cap === undefined ? {} : { SHOPLAKE_DEDUP_MAX_IDS: cap },
        );
        return { responses, evictedEmf: emf.reduce((n, d) => n + (d[METRICS.dedupScopesEvicted] as number), 0) };
      };
      const total = (rs: IngestResponse[], k: keyof IngestResponse) => rs.reduce((n, r) => n + r[k], 0);
      const capped = await run('1');
      const uncapped = await run(undefined);
      expect(total(uncapped.responses, 'dedupScopesEvicted')).toBe(0);
      expect(total(capped.responses, 'dedupScopesEvicted')).toBeGreaterThan(0);
      expect(capped.evictedEmf).toBe(total(capped.responses, 'dedupScopesEvicted'));
      // Evicted days are deduplicated within their batch only: resends of an earlier batch's events land.
      const dups = (rs: IngestResponse[]) => total(rs, 'duplicates');
      expect(dups(capped.responses)).toBeLessThan(dups(uncapped.responses));
      expect(dups(capped.responses)).toBeGreaterThan(0);
      for (const { responses } of [capped, uncapped]) {
        expect(total(responses, 'landed') + total(responses, 'quarantined') + total(responses, 'duplicates')).toBe(
          generated.length,
        );
      }
    },
  );

  it(
    'passes SHOPLAKE_ALLOWED_LATENESS_SECONDS to the pipeline: late counts match an in-process run, in the EMF too',
    { timeout: 180_000 },
    async () => {
      const run = async (lateness: string): Promise<{ late: number[]; emfLate: unknown[] }> => {
        const { responses, emf } = await landAll('handler-late-', { SHOPLAKE_ALLOWED_LATENESS_SECONDS: lateness });
        return { late: responses.map((r) => r.late), emfLate: emf.map((d) => d[METRICS.late]) };
      };
      // The same MSK batches through the core in-process, with no lateness allowed.
      const dir = await tempDir('handler-late-ref-');
      dirs.push(dir);
      const p = createPipeline({ catalog: new LocalCatalog(dir), piiSalt: SALT, allowedLatenessSeconds: 0 });
      const expected: number[] = [];
      for (const e of events) expected.push((await p.process(fromMskEvent(e))).late);

      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      const strict = await run('0');
      expect(sum(strict.late)).toBeGreaterThan(0);
      expect(strict.late).toEqual(expected);
      expect(strict.emfLate).toEqual(strict.late);
      const lenient = await run('31536000'); // a year: nothing in a one-day stream is that late
      expect(lenient.late).toEqual(events.map(() => 0));
      expect(lenient.emfLate).toEqual(lenient.late);
    },
  );

  it('fails the invocation with a message naming SHOPLAKE_DEDUP_MAX_IDS when it is not a positive integer', async () => {
    const dir = await tempDir('handler-badcap-');
    dirs.push(dir);
    const handler = createHandler({
      env: { SHOPLAKE_WAREHOUSE: dir, SHOPLAKE_CATALOG: 'local', SHOPLAKE_PII_SALT: SALT, SHOPLAKE_DEDUP_MAX_IDS: '0' },
    });
    await captureEmf(async () => {
      await expect(handler(events[0]!)).rejects.toThrow(/SHOPLAKE_DEDUP_MAX_IDS="0" is not a positive integer/);
    });
  });

  it('fails the invocation (for Lambda to retry) when it cannot start, and recovers on the next one', async () => {
    const dir = await tempDir('handler-nosalt-');
    dirs.push(dir);
    const env: Record<string, string | undefined> = { SHOPLAKE_WAREHOUSE: dir, SHOPLAKE_CATALOG: 'local' };
    const handler = createHandler({ env });
    await captureEmf(async () => {
      await expect(handler(events[0]!)).rejects.toThrow(/no PII salt/);
      env.SHOPLAKE_PII_SALT = SALT;
      const r = await handler(events[0]!);
      expect(r.bronzeLanded).toBe(r.recordsIn);
    });
  });
});

describe('handler on the AWS path (S3 on loopback, Glue stub, Secrets Manager stub)', () => {
  let s3: S3TestServer;
  const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shoplake/test/pii-salt-AbCdEf';
  const namespaces = { bronze: 'shoplake_test_bronze', silver: 'shoplake_test_silver', ops: 'shoplake_test_ops' };
  const env = {
    SHOPLAKE_WAREHOUSE: 's3://lake/warehouse',
    SHOPLAKE_CATALOG: 'glue',
    SHOPLAKE_NAMESPACE_BRONZE: namespaces.bronze,
    SHOPLAKE_NAMESPACE_SILVER: namespaces.silver,
    SHOPLAKE_NAMESPACE_OPS: namespaces.ops,
    SHOPLAKE_SALT_SECRET_ARN: ARN,
    SHOPLAKE_ALLOWED_LATENESS_SECONDS: '600',
  };

  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.createBucket('lake');
  });
  afterAll(async () => {
    await s3.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it(
    'lands every batch through Glue and S3, reuses the warm container, and survives S3/Glue/Secrets outages',
    { timeout: 240_000 },
    async () => {
      const glue = new GlueStub();
      const secrets = new SecretsStub();
      secrets.secrets.set(ARN, SALT);
      const handler = createHandler({
        env,
        clients: { glue: glue.client(), s3: { client: s3.client } },
        secrets: secrets.client(),
      });
      const failed = new Set<number>();
      await captureEmf(async () => {
        // Secrets Manager down: the invocation fails; nothing was written.
        secrets.failNext(1);
        await expect(handler(events[0]!)).rejects.toThrow(/PII salt secret/);
        for (const [i, e] of events.entries()) {
          // An S3 outage in the middle of a batch, then a Glue outage: both fail the invocation; the retry lands it.
          if (i === 1) s3.failNext(40);
          if (i === 2) glue.failNext('UpdateTable', 'InternalServiceException', 1);
          let response: IngestResponse | undefined;
          // Lambda retries until the batch lands (an attempt uses up a few of the outage's failed requests).
          for (let attempt = 0; attempt < 20 && !response; attempt++) {
            try {
              response = await handler(e);
            } catch (err) {
              expect(i === 1 || i === 2, `batch ${i} failed: ${(err as Error).message}`).toBe(true);
              failed.add(i);
            }
          }
          expect(response, `batch ${i}`).toBeDefined();
          expect(response!.landed + response!.quarantined + response!.duplicates + response!.alreadyCommitted).toBe(
            response!.recordsIn,
          );
        }
      });
      expect([...failed].sort()).toEqual([1, 2]);
      // Warm container: the secret was read once after the failed start, the tables created once.
      expect(secrets.calls.filter((c) => c === 'GetSecretValue').length).toBe(2);
      const tables = [...glue.tables.values()].reduce((n, t) => n + t.size, 0);
      expect(tables).toBeGreaterThan(10);
      expect(glue.calls.filter((c) => c === 'CreateTable').length).toBe(tables);
      const catalog = new GlueCatalog({
        client: glue.client(),
        warehouse: 's3://lake/warehouse',
        io: new S3FileIO({ client: s3.client }),
      });
      const audit = await auditLake(catalog, namespaces);
      expect(compareAudits(audit, await reference())).toEqual([]);
      // Every table is a Glue Iceberg table whose metadata lives in the bucket.
      const t = glue.tables.get(namespaces.silver)!.get('page_viewed')!.table;
      expect(t.Parameters?.table_type).toBe('ICEBERG');
      expect(t.Parameters?.metadata_location).toMatch(
        /^s3:\/\/lake\/warehouse\/shoplake_test_silver\.db\/page_viewed\/metadata\//,
      );
    },
  );
});

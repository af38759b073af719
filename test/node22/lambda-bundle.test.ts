// The Lambda consumer as AWS runs it: lambdas/ingest/handler.ts bundled by CDK's NodejsFunction with the app's own
// bundling options (lib/constructs/bundling.ts: local esbuild, ESM, target node22), then run from the asset folder
// (the zip's contents: no node_modules anywhere above it) by a stand-in for the nodejs22.x runtime on a real
// Node 22 (test/node22/lambda-runtime.mjs), on generated MSK batches into a local warehouse. What lands must
// reconcile with the same batches run through core/pipeline here on Node 20, and a redelivery must land nothing.
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { DuckDBInstance } from '@duckdb/node-api';
import type { MSKEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../../core/generator/generate-events.js';
import { isGoodKind } from '../../core/generator/record.js';
import { toMskBatches } from '../../core/generator/to-msk-batches.js';
import { LocalCatalog } from '../../core/iceberg/catalog/local-catalog.js';
import { createPipeline, fromMskEvent } from '../../core/pipeline/index.js';
import type { IngestResponse } from '../../lambdas/ingest/handler.js';
import { METRICS } from '../../lambdas/ingest/handler.js';
import { bundlingFor, NODE_RUNTIME } from '../../lib/constructs/bundling.js';
import { auditLake, compareAudits, tempDir } from '../support/lake-audit.js';
import type { TableAudit } from '../support/lake-audit.js';
import { REPO_ROOT, runNode22 } from './node22.js';

const SALT = 'node22-bundle-salt-0123456789abcdef';
const generated = [
  ...generateEvents({ events: 500, seed: 22, badShare: 0.04, duplicateShare: 0.04, oversizedBytes: 70_000 }),
];
const events: MSKEvent[] = [...toMskBatches(generated, { batchSize: 120 })];

interface Invocations {
  node: string;
  zlibZstd: string;
  responses: IngestResponse[];
  /** EMF documents the invocations printed */
  emf: Record<string, unknown>[];
}

let work: string;
let warehouse: string;
let fn: { Handler: string; Runtime: string; MemorySize?: number };
let taskRoot: string;
let first: Invocations;

/** Synthesizes a NodejsFunction of the ingest entry with the app's bundling; returns its asset folder. */
function bundle(outdir: string): string {
  const context = (
    JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
  ).context;
  const app = new App({ outdir, context });
  const stack = new Stack(app, 'Node22Bundle');
  new nodejs.NodejsFunction(stack, 'Ingest', {
    entry: join(REPO_ROOT, 'lambdas/ingest/handler.ts'),
    handler: 'handler',
    runtime: NODE_RUNTIME,
    ...bundlingFor(),
  });
  const assembly = app.synth();
  const template = assembly.getStackByName('Node22Bundle').template as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const [resource] = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  fn = resource!.Properties as typeof fn;
  const key = (resource!.Properties.Code as { S3Key: string }).S3Key;
  return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
}

/** Invokes the bundled handler on every event, in one Node 22 process (one warm container). */
async function invoke(name: string): Promise<Invocations> {
  const eventsFile = join(work, 'events.json');
  const out = join(work, `${name}.json`);
  const { stdout } = await runNode22([join(REPO_ROOT, 'test/node22/lambda-runtime.mjs'), fn.Handler, eventsFile, out], {
    cwd: taskRoot,
    env: {
      PATH: process.env.PATH,
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      NODE_OPTIONS: '--enable-source-maps', // lib/constructs/ingest-function.ts sets it
      LAMBDA_TASK_ROOT: taskRoot,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.Runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: 'shoplake-node22-ingest',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.MemorySize ?? 128),
      AWS_REGION: 'us-east-1',
      SHOPLAKE_WAREHOUSE: warehouse,
      SHOPLAKE_CATALOG: 'local',
      SHOPLAKE_PII_SALT: SALT,
      SHOPLAKE_ALLOWED_LATENESS_SECONDS: '600',
    },
  });
  const emf = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((o) => '_aws' in o);
  return { ...(JSON.parse(await readFile(out, 'utf8')) as Omit<Invocations, 'emf'>), emf };
}

async function reference(): Promise<Record<string, TableAudit>> {
  const dir = join(work, 'reference');
  const catalog = new LocalCatalog(dir);
  const p = createPipeline({ catalog, piiSalt: SALT });
  for (const e of events) await p.process(fromMskEvent(e));
  return auditLake(catalog);
}

beforeAll(async () => {
  work = await tempDir('shoplake-node22-lambda-');
  warehouse = join(work, 'warehouse');
  await mkdir(warehouse);
  taskRoot = bundle(join(work, 'cdk.out'));
  await writeFile(join(work, 'events.json'), JSON.stringify(events));
  first = await invoke('first');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const total = (rs: IngestResponse[], k: keyof IngestResponse) => rs.reduce((n, r) => n + r[k], 0);

describe('the CDK-bundled ingest handler on Node 22', () => {
  it('is the nodejs22.x ESM bundle, run on Node 22, whose node:zlib has zstd', async () => {
    expect(fn).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs22.x' });
    expect(await readFile(join(taskRoot, 'index.mjs'), 'utf8')).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(first.node).toMatch(/^v22\./);
    expect(first.zlibZstd).toBe('function');
  });

  it('lands every record of every batch and reconciles with core/pipeline run on Node 20', async () => {
    const r = first.responses;
    expect(r.length).toBe(events.length);
    expect(total(r, 'recordsIn')).toBe(generated.length);
    expect(total(r, 'bronzeLanded')).toBe(generated.length);
    expect(total(r, 'landed') + total(r, 'quarantined') + total(r, 'duplicates')).toBe(generated.length);
    expect(total(r, 'quarantined')).toBe(generated.filter((g) => !isGoodKind(g.kind)).length);
    expect(compareAudits(await auditLake(new LocalCatalog(warehouse)), await reference())).toEqual([]);
  });

  it('prints one EMF document per invocation, with the response figures', () => {
    expect(first.emf.length).toBe(events.length);
    for (const [i, doc] of first.emf.entries()) {
      expect(doc[METRICS.recordsIn]).toBe(first.responses[i]!.recordsIn);
      expect(doc[METRICS.landed]).toBe(first.responses[i]!.landed);
      expect(doc[METRICS.quarantined]).toBe(first.responses[i]!.quarantined);
    }
  });

  it('writes zstd Parquet that DuckDB reads, as many rows as the tables hold', async () => {
    const audit = await auditLake(new LocalCatalog(warehouse));
    const rows = Object.values(audit).reduce((n, t) => n + t.rows, 0);
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      const glob = `${warehouse}/**/*.parquet`;
      const codecs = (
        await db.runAndReadAll(`select distinct compression from parquet_metadata('${glob}')`)
      ).getRowObjectsJson();
      expect(codecs).toEqual([{ compression: 'ZSTD' }]);
      const [n] = (
        await db.runAndReadAll(`select count(*)::integer as n from read_parquet('${glob}', union_by_name = true)`)
      ).getRowObjectsJson();
      expect(n!.n).toBe(rows);
    } finally {
      db.closeSync();
    }
  });

  it('lands nothing twice when a new container is redelivered every batch', async () => {
    const before = await auditLake(new LocalCatalog(warehouse));
    const again = await invoke('redelivered');
    expect(total(again.responses, 'recordsIn')).toBe(generated.length);
    expect(total(again.responses, 'alreadyCommitted')).toBe(generated.length);
    expect(total(again.responses, 'landed') + total(again.responses, 'bronzeLanded')).toBe(0);
    expect(compareAudits(await auditLake(new LocalCatalog(warehouse)), before)).toEqual([]);
  });
});

// The stream-jobs image without Docker (there is no Docker engine here; `cdk deploy` builds it): its build context
// staged exactly as the CDK app stages it (aws-cdk-lib's copyDirectory with stream-jobs/.dockerignore in Docker
// ignore mode), the Dockerfile's build stage run in that context (`npx tsx stream-jobs/bundle.ts dist && node
// dist/gold.mjs`, node_modules standing in for its `npm ci`), then its runtime stage: dist/ only, in a read-only
// directory, `node dist/ingest.mjs` from there as uid 1000 (the task definition's user), against the real broker.
// It must land every record exactly once, by commit interval (the target size is far off), write nothing but the
// warehouse, answer its health check, and stop cleanly on SIGTERM.
import { promises as fs, readdirSync, readFileSync, statSync } from 'node:fs';
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FileSystem, IgnoreMode } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../core/contracts/index.js';
import { LocalCatalog } from '../../core/iceberg/catalog/local-catalog.js';
import { generateEvents } from '../../core/generator/generate-events.js';
import { createPipeline } from '../../core/pipeline/index.js';
import { dockerIgnorePatterns } from '../../lib/constructs/stream-jobs-image.js';
import { useKafkaBroker } from '../support/kafka-broker.js';
import { auditLake, compareAudits, tempDir } from '../support/lake-audit.js';
import {
  commits,
  consumerEnv,
  fromGenerated,
  health,
  lastOffsets,
  produceAll,
  startConsumer,
  TEST_SALT,
  toPipelineRecords,
  waitForCheckpoints,
  withOffsets,
  type ConsumerProcess,
} from '../support/stream-consumer.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOPICS = contracts().topics.map((t) => t.topic);
const broker = useKafkaBroker({ topics: Object.fromEntries(TOPICS.map((t) => [t, 2])) });
const RECORDS = withOffsets(
  [...generateEvents({ events: 500, seed: 33, partitions: 2, badShare: 0.03, duplicateShare: 0.03 })].map(
    fromGenerated,
  ),
);

const dirs: string[] = [];
let context: string;
let app: string;
let warehouse: string;
let consumer: ConsumerProcess;
let healthWhileRunning: { status: number; body: Record<string, unknown> };
let tmpBefore: Set<string>;
let processUid: number;

/** Entries of os.tmpdir() owned by the image's user. */
const tmpOwnedByUser = (): Set<string> =>
  new Set(
    readdirSync(os.tmpdir()).filter((f) => {
      try {
        return statSync(path.join(os.tmpdir(), f)).uid === UID;
      } catch {
        return false; // removed meanwhile
      }
    }),
  );

async function chmodTree(dir: string, dirMode: number, fileMode: number): Promise<void> {
  await fs.chmod(dir, dirMode);
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await chmodTree(p, dirMode, fileMode);
    else await fs.chmod(p, fileMode);
  }
}

/** The Dockerfile's instructions per stage (continuation lines joined, comments dropped). */
function dockerfileStages(): { from: string; instructions: { op: string; args: string }[] }[] {
  const text = readFileSync(path.join(ROOT, 'stream-jobs/Dockerfile'), 'utf8')
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const stages: { from: string; instructions: { op: string; args: string }[] }[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'FROM') stages.push({ from: m[2]!, instructions: [] });
    else stages.at(-1)?.instructions.push({ op: m[1]!, args: m[2]! });
  }
  return stages;
}

const STAGES = dockerfileStages();
const RUNTIME = STAGES.at(-1)!.instructions;
const arg = (op: string) => RUNTIME.find((i) => i.op === op)?.args;
/** The image's command (exec form). */
const CMD = JSON.parse(arg('CMD') ?? '[]') as string[];
/** The image's USER; a non-root CI runner cannot switch users and runs it as itself (non-root as well). */
const [IMAGE_UID, IMAGE_GID] = (arg('USER') ?? '').split(':').map(Number) as [number, number];
const UID = process.getuid!() === 0 ? IMAGE_UID : process.getuid!();
const GID = process.getgid!() === 0 ? IMAGE_GID : process.getgid!();

beforeAll(async () => {
  // The build context, as `cdk deploy` stages it (lib/constructs/stream-jobs-image.ts).
  context = await tempDir('stream-image-context-');
  dirs.push(context);
  FileSystem.copyDirectory(ROOT, context, { exclude: dockerIgnorePatterns(), ignoreMode: IgnoreMode.DOCKER });

  // Build stage: its `npm ci` is our node_modules (the same lockfile); every other RUN as written, in the context.
  await fs.symlink(path.join(ROOT, 'node_modules'), path.join(context, 'node_modules'), 'dir');
  const run = promisify(execFile);
  const home = await tempDir('stream-image-home-'); // npx's cache, as the build container's /root
  dirs.push(home);
  for (const { op, args } of STAGES[0]!.instructions) {
    if (op !== 'RUN' || /^npm ci\b/.test(args)) continue;
    const env = { PATH: `${path.join(context, 'node_modules/.bin')}:${process.env.PATH ?? ''}`, HOME: home };
    await run('sh', ['-c', args], { cwd: context, env, timeout: 180_000 });
  }

  // Runtime stage: its WORKDIR with the build stage's dist/ only, read-only, run as its USER.
  app = await tempDir('stream-image-app-');
  dirs.push(app);
  await fs.cp(path.join(context, 'dist'), path.join(app, 'dist'), { recursive: true });
  await chmodTree(app, 0o555, 0o444);
  warehouse = await tempDir('stream-image-wh-');
  dirs.push(warehouse);
  await fs.chown(warehouse, UID, GID);

  await produceAll(broker.bootstrap, RECORDS);
  tmpBefore = tmpOwnedByUser();
  consumer = await startConsumer(
    consumerEnv({ brokers: broker.bootstrap, warehouse, groupId: 'image', commitIntervalSeconds: 1 }),
    'image',
    { bundle: CMD.at(-1)!, cwd: app, uid: UID, gid: GID },
  );
  processUid = Number(/^Uid:\s+(\d+)/m.exec(await fs.readFile(`/proc/${consumer.pid}/status`, 'utf8'))![1]);
  await waitForCheckpoints(warehouse, lastOffsets(RECORDS), 120_000, () => consumer.dump());
  healthWhileRunning = await health(await consumer.healthUrl());
  consumer.kill('SIGTERM');
}, 300_000);

afterAll(async () => {
  await Promise.all(
    dirs.map(async (d) => {
      await chmodTree(d, 0o755, 0o644).catch(() => undefined);
      await fs.rm(d, { recursive: true, force: true });
    }),
  );
});

describe('the stream-jobs image (Dockerfile stages, without Docker)', () => {
  it('stages a build context of package files, tsconfig, contracts, core and stream-jobs only', async () => {
    const top = (await fs.readdir(context)).filter((f) => f !== 'node_modules' && f !== 'dist').sort();
    expect(top).toEqual(['core', 'glue-schemas', 'package-lock.json', 'package.json', 'stream-jobs', 'tsconfig.json']);
    const all = (await fs.readdir(context, { recursive: true }))
      .map(String)
      .filter((f) => !f.startsWith('node_modules') && !f.startsWith('dist'));
    expect(all.filter((f) => /\.test\.ts$|(^|\/)(fixtures|derived|test)(\/|$)|\.md$/.test(f))).toEqual([]);
    expect(all).toContain(path.join('stream-jobs', 'ingest.ts'));
  });

  it('runs the consumer bundle as a non-root user from WORKDIR /app, with dist/ only', () => {
    expect(STAGES.map((s) => s.from)).toEqual(['node:22-bookworm-slim AS build', 'node:22-alpine']);
    expect(arg('WORKDIR')).toBe('/app');
    expect(arg('COPY')).toBe('--from=build /src/dist ./dist');
    expect(arg('USER')).toBe('1000:1000');
    expect(CMD).toEqual(['node', 'dist/ingest.mjs']);
  });

  it('builds one self-contained bundle per job, with source maps', async () => {
    const dist = (await fs.readdir(path.join(app, 'dist'))).sort();
    for (const job of ['ingest', 'maintenance', 'gold'])
      expect(dist).toEqual(expect.arrayContaining([`${job}.mjs`, `${job}.mjs.map`]));
  });

  it('runs `node dist/ingest.mjs` as a non-root user from a read-only directory, and stops cleanly', async () => {
    expect(processUid).toBe(UID);
    expect(UID).not.toBe(0);
    expect(await consumer.exited, consumer.dump()).toEqual({ code: 0, signal: null });
    expect(consumer.other, 'every output line is JSON').toEqual([]);
    expect(consumer.lines.filter((l) => l.level === 'ERROR')).toEqual([]);
    expect(healthWhileRunning).toMatchObject({ status: 200, body: { status: 'ok', state: 'running' } });
    // Nothing written outside the warehouse: the app directory is read-only, and no temp files were left.
    expect([...tmpOwnedByUser()].filter((f) => !tmpBefore.has(f) && f !== path.basename(warehouse))).toEqual([]);
  });

  it('committed by commit interval (the target size is far off) and landed every record exactly once', async () => {
    const cs = commits(consumer);
    expect(cs.length).toBeGreaterThan(0);
    expect(cs.map((c) => c.reason).filter((r) => r !== 'interval')).toEqual([]);
    expect(cs.reduce((n, c) => n + Number(c.recordsIn), 0)).toBe(RECORDS.length);
    const refDir = await tempDir('stream-image-ref-');
    dirs.push(refDir);
    const refCatalog = new LocalCatalog(refDir);
    await createPipeline({ catalog: refCatalog, piiSalt: TEST_SALT }).process(toPipelineRecords(RECORDS));
    expect(compareAudits(await auditLake(new LocalCatalog(warehouse)), await auditLake(refCatalog))).toEqual([]);
  });
});

// Where the CDK app meets the runtime: the environment variables, the container commands and image, and the EMF
// metric names. lib/ and the runtime never import each other (eslint), so nothing but this test keeps them in step:
// it reads the runtime's code (the env names each entrypoint's import graph reads, found with esbuild's metafile;
// its metric constants; its settings parsers) and checks one synthesized environment against it.
// test/lib/app.test.ts calls describeRuntimeContract() for every environment.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAINTENANCE_METRICS as RUNTIME_MAINTENANCE_METRICS } from '../../core/maintenance/metrics.js';
import { maintenanceSettingsFromEnv } from '../../core/maintenance/settings.js';
import { HEALTH_PATH } from '../../core/stream/health-server.js';
import { PIPELINE_METRICS as STREAM_PIPELINE_METRICS, STREAM_METRICS } from '../../core/stream/metrics.js';
import { streamSettingsFromEnv } from '../../core/stream/settings.js';
import { settingsFromEnv } from '../../core/pipeline/config.js';
import { METRICS as LAMBDA_METRICS } from '../../lambdas/ingest/handler.js';
import { ingestSettingsFromEnv } from '../../lambdas/ingest/settings.js';
import { STREAM_JOBS } from '../../stream-jobs/bundle.js';
import { MAINTENANCE_METRICS, PIPELINE_METRICS } from '../../lib/stacks/observability-stack.js';
import { asArray, REPO_ROOT, resourcesOf, type SynthResult } from '../support/cdk-app.js';

/** The runtimes the CDK app deploys, by their entrypoint. */
type Runtime = 'lambda' | 'ingest' | 'maintenance' | 'gold';
const ENTRYPOINTS: Record<Runtime, string> = {
  lambda: 'lambdas/ingest/handler.ts',
  ingest: 'stream-jobs/ingest.ts',
  maintenance: 'stream-jobs/maintenance.ts',
  gold: 'stream-jobs/gold.ts',
};

const PIPELINE_REQUIRED = [
  'SHOPLAKE_WAREHOUSE',
  'SHOPLAKE_CATALOG',
  'SHOPLAKE_NAMESPACE_BRONZE',
  'SHOPLAKE_NAMESPACE_SILVER',
  'SHOPLAKE_NAMESPACE_OPS',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
];
/** What the CDK app must set for each runtime. */
const REQUIRED: Record<Runtime, string[]> = {
  lambda: [
    ...PIPELINE_REQUIRED,
    'SHOPLAKE_SALT_SECRET_ARN',
    'SHOPLAKE_ALLOWED_LATENESS_SECONDS',
    'SHOPLAKE_DEDUP_MAX_IDS',
  ],
  ingest: [
    ...PIPELINE_REQUIRED,
    'SHOPLAKE_SALT_SECRET_ARN',
    'SHOPLAKE_ALLOWED_LATENESS_SECONDS',
    'SHOPLAKE_DEDUP_MAX_IDS',
    'SHOPLAKE_KAFKA_BROKERS',
    'SHOPLAKE_KAFKA_TOPICS',
    'SHOPLAKE_KAFKA_GROUP_ID',
    'SHOPLAKE_KAFKA_AUTH',
    'SHOPLAKE_HEALTH_PORT',
    'SHOPLAKE_STOP_TIMEOUT_SECONDS',
  ],
  maintenance: [...PIPELINE_REQUIRED, 'SHOPLAKE_COMPACTION_WINDOW_DAYS', 'SHOPLAKE_SNAPSHOT_RETENTION_DAYS'],
  gold: [],
};

/** Read by the runtime but deliberately left to its default on AWS, with the reason. */
const LEFT_TO_DEFAULT: Record<string, string> = {
  SHOPLAKE_UNKNOWN_FIELDS: 'ignore (keys no contract declares are dropped and counted) is the product default',
  SHOPLAKE_DEDUP_WINDOW_DAYS: 'the pipeline default (7 days) exceeds every allowed lateness configured',
  SHOPLAKE_FAULT: 'crash injection for tests only; never set in a deployment',
  SHOPLAKE_PARQUET_ZSTD:
    "zstd from the wasm build on every runtime; node:zlib's native contexts pile up outside V8's heap (docs/benchmarks.md node22)",
  SHOPLAKE_PII_SALT: 'local development salt; on AWS the salt comes from SHOPLAKE_SALT_SECRET_ARN',
  SHOPLAKE_PII_SALT_FILE: 'local development salt; on AWS the salt comes from SHOPLAKE_SALT_SECRET_ARN',
  SHOPLAKE_KAFKA_CLIENT_ID: 'default shoplake-ingest-<hostname> is unique per task',
  SHOPLAKE_KAFKA_SESSION_TIMEOUT_MS: 'kafkajs-level tuning; defaults suit MSK',
  SHOPLAKE_KAFKA_HEARTBEAT_INTERVAL_MS: 'kafkajs-level tuning; defaults suit MSK',
  SHOPLAKE_KAFKA_REBALANCE_TIMEOUT_MS: 'kafkajs-level tuning; defaults suit MSK',
  SHOPLAKE_KAFKA_MAX_WAIT_MS: 'kafkajs-level tuning; defaults suit MSK',
  SHOPLAKE_KAFKA_FETCH_PARTITION_BYTES: 'kafkajs-level tuning; defaults suit MSK',
  SHOPLAKE_KAFKA_FETCH_MAX_BYTES: 'kafkajs-level tuning; defaults suit MSK',
  SHOPLAKE_KAFKA_CONNECTION_TIMEOUT_MS: 'core/kafka default, 5 s per connect attempt with MSK IAM',
  SHOPLAKE_KAFKA_RETRIES: 'core/kafka retry budget default',
  SHOPLAKE_KAFKA_RETRY_INITIAL_MS: 'core/kafka retry budget default',
  SHOPLAKE_KAFKA_RETRY_MAX_MS: 'core/kafka retry budget default',
  SHOPLAKE_KAFKA_LOG_LEVEL: 'info',
  SHOPLAKE_TARGET_BATCH_BYTES: 'default 64 MiB micro-batches, 96 MiB buffer: fit the smallest configured task',
  SHOPLAKE_MAX_BUFFERED_BYTES: 'default 64 MiB micro-batches, 96 MiB buffer: fit the smallest configured task',
  SHOPLAKE_COMMIT_INTERVAL_SECONDS: 'default 60 s, the issue default',
  SHOPLAKE_HEALTH_HOST: 'default 0.0.0.0 inside the task; the health check calls 127.0.0.1',
  SHOPLAKE_MAINTENANCE_TABLES: 'a scheduled run maintains every bronze, silver and ops table',
  SHOPLAKE_MAINTENANCE_OPERATIONS: 'a scheduled run does all three operations',
  SHOPLAKE_MAINTENANCE_DRY_RUN: 'a scheduled run is never a dry run',
  SHOPLAKE_TARGET_FILE_BYTES: 'the table property write.target-file-size-bytes decides',
  SHOPLAKE_COMPACTION_MIN_INPUT_FILES: 'default 5, as Iceberg Java',
  SHOPLAKE_EXPIRE_OLDER_THAN: 'would override the table property; the CDK sets the property and the fallback instead',
  SHOPLAKE_EXPIRE_RETAIN_LAST: 'default 1 (plus the snapshot carrying the Kafka offsets)',
  SHOPLAKE_ORPHAN_AGE: 'default 3 days, as Iceberg Java',
};
/** Parsed by the shared settingsFromEnv in maintenance, but not used by it. */
const UNUSED_BY_MAINTENANCE = ['SHOPLAKE_SALT_SECRET_ARN', 'SHOPLAKE_ALLOWED_LATENESS_SECONDS'];
/** Set for the gold build, which is not written yet (stream-jobs/gold.ts): the variables it will read. */
const RESERVED_FOR_GOLD = [...PIPELINE_REQUIRED, 'SHOPLAKE_NAMESPACE_GOLD', 'SHOPLAKE_WAREHOUSE_GOLD'];

const ENV_NAME = /(?<=['"`]|\benv\.|\benv\[['"])(?:SHOPLAKE|POWERTOOLS)_[A-Z0-9_]*[A-Z0-9](?![A-Za-z0-9_(])/g;

interface EntryGraph {
  /** Repo-relative files the entrypoint's bundle is built from (node_modules excluded). */
  files: string[];
  /** SHOPLAKE_* and POWERTOOLS_* names those files read (string literals and env.X accesses, comments dropped). */
  envNames: string[];
}
const graphs = new Map<Runtime, Promise<EntryGraph>>();

/** The entrypoint's own import graph, as esbuild resolves it for the real bundle (dependencies left external). */
export function entryGraph(runtime: Runtime): Promise<EntryGraph> {
  let g = graphs.get(runtime);
  if (!g) {
    g = build({
      entryPoints: [join(REPO_ROOT, ENTRYPOINTS[runtime])],
      absWorkingDir: REPO_ROOT,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      outdir: join(REPO_ROOT, 'unused-out'),
      logLevel: 'silent',
    }).then((r) => {
      const files = Object.keys(r.metafile.inputs).filter((f) => !f.includes('node_modules/'));
      const names = new Set<string>();
      for (const f of files.filter((x) => x.endsWith('.ts'))) {
        const code = readFileSync(join(REPO_ROOT, f), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/^\s*\/\/.*$/gm, '');
        for (const m of code.matchAll(ENV_NAME)) names.add(m[0]);
      }
      return { files, envNames: [...names].sort() };
    });
    graphs.set(runtime, g);
  }
  return g;
}

interface Container {
  runtime: Runtime;
  env: Record<string, unknown>;
  props: Record<string, unknown>;
  taskProps?: Record<string, unknown>;
}

/** The deployed runtimes of one environment, with the environment the template gives each. */
function deployedRuntimes(s: SynthResult): Container[] {
  const out: Container[] = [];
  const ingest = resourcesOf(s.templateJson('ingest'));
  for (const r of Object.values(ingest)) {
    if (r.Type === 'AWS::Lambda::Function' && r.Properties?.FunctionName === `shoplake-${s.config.name}-ingest`) {
      const env = (r.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      out.push({ runtime: 'lambda', env, props: r.Properties });
    }
    if (r.Type === 'AWS::ECS::TaskDefinition') {
      for (const c of r.Properties!.ContainerDefinitions as Record<string, unknown>[]) {
        const command = (c.Command as string[]).join(' ');
        const job = STREAM_JOBS.find((j) => command === `node dist/${j}.mjs`);
        if (!job) throw new Error(`container ${String(c.Name)} runs ${command}, which is no job of stream-jobs/`);
        const env = Object.fromEntries(
          (c.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
        );
        out.push({ runtime: job, env, props: c, taskProps: r.Properties });
      }
    }
  }
  return out;
}

/** Template values as the process sees them: tokens (secret ARN, bootstrap brokers) replaced by real-shaped values. */
function resolved(s: SynthResult, env: Record<string, unknown>): Record<string, string> {
  const stand: Record<string, string> = {
    SHOPLAKE_SALT_SECRET_ARN: `arn:aws:secretsmanager:${s.config.region}:${s.config.account}:secret:pii-salt-AbCdEf`,
    SHOPLAKE_KAFKA_BROKERS:
      'b-1.shoplake.kafka.eu-west-1.amazonaws.com:9098,b-2.shoplake.kafka.eu-west-1.amazonaws.com:9098',
  };
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => {
      if (typeof v === 'string') return [k, v];
      if (!stand[k]) throw new Error(`${k} is a CloudFormation token the test does not know how to stand in for`);
      return [k, stand[k]];
    }),
  );
}

/** Every (namespace, metric, dimensions) an alarm or the dashboard of the observability stack reads. */
function chartedMetrics(s: SynthResult): { where: string; namespace: string; name: string; dims: unknown }[] {
  const out: { where: string; namespace: string; name: string; dims: unknown }[] = [];
  for (const [id, r] of Object.entries(resourcesOf(s.templateJson('observability')))) {
    if (r.Type === 'AWS::CloudWatch::Alarm') {
      const p = r.Properties!;
      if (p.MetricName)
        out.push({ where: id, namespace: String(p.Namespace), name: String(p.MetricName), dims: p.Dimensions });
      for (const m of asArray(p.Metrics as { MetricStat?: { Metric: Record<string, unknown> } }[])) {
        const mm = m.MetricStat?.Metric;
        if (mm)
          out.push({ where: id, namespace: String(mm.Namespace), name: String(mm.MetricName), dims: mm.Dimensions });
      }
    }
    if (r.Type === 'AWS::CloudWatch::Dashboard') {
      // The body is JSON (joined with tokens); metric rows look like ["namespace","name","dim","value",...].
      const body = JSON.stringify(r.Properties!.DashboardBody).replace(/\\"/g, '"');
      for (const m of body.matchAll(/\["([^"]+)","([^"]+)","service","([^"]+)"/g))
        out.push({ where: id, namespace: m[1]!, name: m[2]!, dims: [{ Name: 'service', Value: m[3] }] });
    }
  }
  return out;
}

export function describeRuntimeContract(get: () => SynthResult): void {
  describe('runtime contract', () => {
    it('sets every variable each runtime reads, or leaves it to its default for a written reason', async () => {
      const s = get();
      const deployed = deployedRuntimes(s);
      expect(deployed.map((d) => d.runtime)).toEqual(expect.arrayContaining(['maintenance', 'gold']));
      for (const { runtime, env } of deployed) {
        const reads = (await entryGraph(runtime)).envNames;
        const set = Object.keys(env);
        const unaccounted = reads.filter(
          (n) =>
            !REQUIRED[runtime].includes(n) &&
            !(n in LEFT_TO_DEFAULT) &&
            !(runtime === 'maintenance' && UNUSED_BY_MAINTENANCE.includes(n)),
        );
        expect(unaccounted, `${runtime}: read by the code but neither set by lib/ nor deliberately defaulted`).toEqual(
          [],
        );
        for (const n of REQUIRED[runtime]) {
          expect(reads, `${runtime} reads ${n}`).toContain(n);
          expect(set, `${runtime}: lib/ sets ${n}`).toContain(n);
        }
        for (const n of Object.keys(LEFT_TO_DEFAULT))
          expect(set, `${runtime}: ${n} is left to its default`).not.toContain(n);
        const ours = set.filter((n) => /^(SHOPLAKE|POWERTOOLS)_/.test(n));
        const dead = ours.filter((n) => !reads.includes(n) && !(runtime === 'gold' && RESERVED_FOR_GOLD.includes(n)));
        expect(dead, `${runtime}: set by lib/ but read by nothing`).toEqual([]);
      }
    });

    it('gives each runtime values its own settings parser accepts and maps to this environment', () => {
      const s = get();
      const db = (layer: string) => `shoplake_${s.config.name}_${layer}`;
      const namespaces = { bronze: db('bronze'), silver: db('silver'), ops: db('ops') };
      for (const { runtime, env, props } of deployedRuntimes(s)) {
        const e = resolved(s, env);
        if (runtime === 'gold') continue;
        const p = settingsFromEnv(e);
        expect(p, runtime).toMatchObject({ catalog: 'glue', namespaces, unknownFields: 'ignore' });
        expect(p.warehouse).toMatch(new RegExp(`^s3://shoplake-${s.config.name}-${s.config.account}-`));
        expect(e.POWERTOOLS_SERVICE_NAME).toBe(`shoplake-${s.config.name}`);
        expect(e.POWERTOOLS_METRICS_NAMESPACE).toBe('shoplake');
        if (runtime === 'lambda' || runtime === 'ingest') {
          expect(p.allowedLatenessSeconds).toBe(s.config.ingest.allowedLatenessSeconds);
          expect(p.salt.secretArn).toBe(e.SHOPLAKE_SALT_SECRET_ARN);
          expect(typeof env.SHOPLAKE_SALT_SECRET_ARN, 'the salt travels as a reference, never a value').toBe('object');
        }
        if (runtime === 'lambda') {
          // The dedup cap sized for the function's memory (lib/config/validate.ts DEDUP_SIZING).
          expect(ingestSettingsFromEnv(e).dedupMaxIds).toBe(s.config.ingest.lambda.dedupMaxIds);
          expect(props.MemorySize).toBe(s.config.ingest.lambda.memoryMiB);
        }
        if (runtime === 'ingest') {
          const st = streamSettingsFromEnv(e);
          const ecsTopics = Object.entries(s.config.topics)
            .filter(([, t]) => s.config.ingest.runtime === 'ecs' || t.consumer === 'ecs')
            .map(([n]) => n);
          expect(st.kafka).toMatchObject({
            topics: ecsTopics,
            groupId: `shoplake-${s.config.name}-ecs-ingest`,
            auth: 'msk-iam',
          });
          expect(st.health).toEqual({ port: 8080, host: '0.0.0.0' });
          expect(st.dedupMaxIds).toBe(s.config.ingest.ecs.dedupMaxIds);
          // SIGTERM: the consumer must be done before ECS's stop timeout ends in SIGKILL.
          expect(st.stopTimeoutMs).toBeLessThan((props.StopTimeout as number) * 1000);
        }
        if (runtime === 'maintenance') {
          const m = maintenanceSettingsFromEnv(e);
          const days = s.config.maintenance.snapshotRetentionDays;
          expect(days).toBeLessThanOrEqual(1);
          expect(m.expire.defaultMaxSnapshotAgeMs).toBe(Math.round(days * 86_400_000));
          expect(m.compact.windowMs).toBe(s.config.maintenance.compactionWindowDays * 86_400_000);
          expect(m).toMatchObject({ tables: undefined, dryRun: false });
          expect(m.operations).toEqual(['compact', 'expire', 'remove-orphans']);
        }
      }
    });

    it('runs maintenance hourly, and gives every table the same snapshot age the task falls back to', () => {
      const s = get();
      const schedules = Object.values(resourcesOf(s.templateJson('ingest'))).filter(
        (r) => r.Type === 'AWS::Scheduler::Schedule',
      );
      const maintenance = schedules.find((r) => JSON.stringify(r.Properties).includes('Runs the maintenance task'))!;
      expect(maintenance.Properties!.ScheduleExpression).toBe('rate(1 hour)');
      const ageMs = String(Math.round(s.config.maintenance.snapshotRetentionDays * 86_400_000));
      const tables = Object.values(resourcesOf(s.templateJson('catalog'))).filter((r) => r.Type === 'AWS::Glue::Table');
      expect(tables.length).toBe(s.model.tables.length);
      for (const t of tables) {
        const props = (
          t.Properties!.OpenTableFormatInput as { IcebergInput: { IcebergTableInput: Record<string, unknown> } }
        ).IcebergInput.IcebergTableInput.Properties as Record<string, string>;
        expect(Number(props['history.expire.max-snapshot-age-ms'])).toBeLessThanOrEqual(86_400_000);
        expect(props['history.expire.max-snapshot-age-ms']).toBe(ageMs);
      }
    });

    it('charts and alarms only on metric names the runtime emits, in its namespace and service dimension', () => {
      const s = get();
      const emitted = new Set<string>([
        ...Object.values(LAMBDA_METRICS),
        ...Object.values(STREAM_PIPELINE_METRICS),
        ...Object.values(STREAM_METRICS),
        ...Object.values(RUNTIME_MAINTENANCE_METRICS),
      ]);
      for (const n of [...PIPELINE_METRICS, ...MAINTENANCE_METRICS]) expect(emitted, `lib/ names ${n}`).toContain(n);
      const ours = chartedMetrics(s).filter((m) => m.namespace === 'shoplake');
      expect(ours.length).toBeGreaterThan(10);
      for (const m of ours) {
        expect(emitted, `${m.where} reads shoplake/${m.name}`).toContain(m.name);
        expect(m.dims, `${m.where}: ${m.name}`).toEqual([{ Name: 'service', Value: `shoplake-${s.config.name}` }]);
      }
      const failed = chartedMetrics(s).find(
        (m) => m.name === RUNTIME_MAINTENANCE_METRICS.tablesFailed && m.where.startsWith('MaintenanceTablesFailed'),
      );
      expect(failed, 'an alarm on failed maintenance tables').toBeDefined();
      const alarm = resourcesOf(s.templateJson('observability'))[failed!.where]!.Properties!;
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(
        chartedMetrics(s).some((m) => m.where.startsWith('Dashboard') && m.name === LAMBDA_METRICS.unknownFields),
        'a dashboard widget for events with unknown fields',
      ).toBe(true);
      // Evicted dedup days: duplicates may land in silver for them, so any eviction alarms, and is charted.
      const evicted = chartedMetrics(s).find(
        (m) => m.name === LAMBDA_METRICS.dedupScopesEvicted && m.where.startsWith('DedupScopesEvicted'),
      );
      expect(evicted, 'an alarm on dedup scopes evicted at the cap').toBeDefined();
      expect(STREAM_PIPELINE_METRICS.dedupScopesEvicted).toBe(LAMBDA_METRICS.dedupScopesEvicted);
      const evictedAlarm = resourcesOf(s.templateJson('observability'))[evicted!.where]!.Properties!;
      const stats = asArray(evictedAlarm.Metrics as { MetricStat?: { Stat: string } }[]).map((m) => m.MetricStat?.Stat);
      expect(evictedAlarm.Statistic ?? stats[0]).toBe('Sum');
      expect(evictedAlarm).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(
        chartedMetrics(s).some((m) => m.where.startsWith('Dashboard') && m.name === LAMBDA_METRICS.dedupScopesEvicted),
        'a dashboard widget for dedup scopes evicted',
      ).toBe(true);
    });

    it('runs each container with a command, user, port and health check the image and the code provide', () => {
      const s = get();
      const dockerfile = readFileSync(join(REPO_ROOT, 'stream-jobs/Dockerfile'), 'utf8');
      const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
      expect(dockerfile).toMatch(/RUN npx tsx stream-jobs\/bundle\.ts dist\b/);
      expect(final).toMatch(/^WORKDIR \/app$/m);
      expect(final).toMatch(/^COPY --from=build \/src\/dist \.\/dist$/m);
      const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(final)![1]!) as string[];
      const user = /^USER (\S+)$/m.exec(final)![1];
      const port = Number(/^EXPOSE (\d+)$/m.exec(final)![1]);
      for (const { runtime, props, env } of deployedRuntimes(s)) {
        if (runtime === 'lambda') continue;
        expect(props.User, runtime).toBe(user);
        expect(props.ReadonlyRootFilesystem).toBe(true);
        if (runtime !== 'ingest') continue;
        expect(props.Command).toEqual(cmd);
        expect(Number(env.SHOPLAKE_HEALTH_PORT)).toBe(port);
        const check = (props.HealthCheck as { Command: string[] }).Command.join(' ');
        expect(check).toContain(`http://127.0.0.1:${port}${HEALTH_PATH}`);
      }
    });
  });
}

/** The staged Docker build context (cdk.out/asset.<hash>/) holds every file the jobs' bundles are built from. */
export function describeImageContext(get: () => SynthResult): void {
  it('stages a Docker context with every source the stream-jobs bundles need, and no dependencies or tests', async () => {
    const s = get();
    const image = Object.values(
      JSON.parse(readFileSync(join(s.outdir, `${s.config.name}-ingest.assets.json`), 'utf8')).dockerImages as Record<
        string,
        { source: { directory: string; dockerFile: string } }
      >,
    );
    expect(image).toHaveLength(1);
    const context = join(s.outdir, image[0]!.source.directory);
    expect(image[0]!.source.dockerFile).toBe('stream-jobs/Dockerfile');
    for (const f of [
      'stream-jobs/Dockerfile',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'stream-jobs/bundle.ts',
    ])
      expect(existsSync(join(context, f)), f).toBe(true);
    for (const job of STREAM_JOBS) {
      const runtime: Runtime = job;
      for (const f of (await entryGraph(runtime)).files)
        expect(existsSync(join(context, f)), `${job} needs ${f}`).toBe(true);
    }
    for (const f of ['node_modules', 'test', 'bench', 'docs', 'cdk.out', 'glue-schemas/derived', 'lambdas', 'lib'])
      expect(existsSync(join(context, f)), `${f} is not in the image context`).toBe(false);
  });
}

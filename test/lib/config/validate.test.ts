import { describe, expect, it } from 'vitest';
import { ConfigError, ENVIRONMENTS, loadConfig, validateConfig } from '../../../lib/config/index.js';
import type { EnvConfig, ProvisionedStreamingConfig } from '../../../lib/config/types.js';
import { DEDUP_SIZING, maxDedupIds } from '../../../lib/config/validate.js';
import { loadSchemaModel } from '../../../lib/schemas/load.js';
import { checkTopics } from '../../../lib/shoplake.js';
import { REPO_ROOT } from '../../support/cdk-app.js';

type DeepMutable<T> = { -readonly [K in keyof T]: T[K] extends object ? DeepMutable<T[K]> : T[K] };
type Mutable = DeepMutable<EnvConfig> & { streaming: DeepMutable<ProvisionedStreamingConfig> };

/** A deep copy of an environment with one change applied. */
function variant(env: string, change: (c: Mutable) => void): EnvConfig {
  const c = structuredClone(ENVIRONMENTS[env]) as unknown as Mutable;
  change(c);
  return c as unknown as EnvConfig;
}

function problemsOf(config: EnvConfig): string[] {
  try {
    validateConfig(config);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('lib/config', () => {
  it.each(Object.keys(ENVIRONMENTS))('%s is valid and has explicit account, region and zones', (env) => {
    const c = loadConfig(env);
    expect(c.name).toBe(env);
    expect(c.account).toMatch(/^\d{12}$/);
    expect(c.availabilityZones.length).toBeGreaterThanOrEqual(2);
    for (const az of c.availabilityZones) expect(az.startsWith(c.region)).toBe(true);
  });

  it('prod retains data and every environment sets every configurable size', () => {
    expect(loadConfig('prod').removalPolicy).toBe('retain');
    for (const c of Object.values(ENVIRONMENTS)) {
      expect(Object.keys(c.topics).length).toBeGreaterThan(0);
      expect(c.ingest.lambda.batchSize).toBeGreaterThan(0);
      expect(c.ingest.ecs.maxTasks).toBeGreaterThanOrEqual(c.ingest.ecs.minTasks);
      expect(c.athenaBytesScannedCutoff).toBeGreaterThanOrEqual(10_000_000);
    }
  });

  it('an unknown environment fails with the known ones listed', () => {
    expect(() => loadConfig('qa')).toThrow(/unknown environment 'qa'; known environments are dev, staging, prod/);
    expect(() => loadConfig(undefined)).toThrow(/-c env=<name>/);
    expect(() => loadConfig('__proto__')).toThrow(/unknown environment '__proto__'/);
  });

  it('-c account overrides the account and is validated', () => {
    expect(loadConfig('dev', { account: '123456789012' }).account).toBe('123456789012');
    expect(() => loadConfig('dev', { account: '12345' })).toThrow(
      /account: must be a 12-digit AWS account id, got "12345"/,
    );
  });

  it.each([
    [
      'negative broker storage',
      (c: Mutable) => (c.streaming.ebsVolumeGiB = -20),
      /streaming\.ebsVolumeGiB: must be between 1 and 16384, got -20/,
    ],
    [
      'negative partitions',
      (c: Mutable) => (c.topics.orders!.partitions = -3),
      /topics\.orders\.partitions: must be between 1 and 10000, got -3/,
    ],
    [
      'zero Lambda memory',
      (c: Mutable) => (c.ingest.lambda.memoryMiB = 0),
      /ingest\.lambda\.memoryMiB: must be between 128 and 10240, got 0/,
    ],
    [
      'fractional batch size',
      (c: Mutable) => (c.ingest.lambda.batchSize = 1.5),
      /ingest\.lambda\.batchSize: must be an integer, got 1\.5/,
    ],
    [
      'negative retention days',
      (c: Mutable) => (c.storage.retentionDays.silver = -1),
      /storage\.retentionDays\.silver: must be at least 1, got -1/,
    ],
    [
      'negative NAT count',
      (c: Mutable) => (c.network.natGateways = -1),
      /network\.natGateways: must be at least 0, got -1/,
    ],
    [
      'a byte cutoff Athena refuses',
      (c: Mutable) => (c.athenaBytesScannedCutoff = 1000),
      /athenaBytesScannedCutoff: must be at least 10000000, got 1000/,
    ],
  ])('rejects %s, naming the key', (_what, change, message) => {
    expect(problemsOf(variant('dev', change)).join('\n')).toMatch(message);
  });

  it('rejects fewer zones than the brokers the replication factor needs', () => {
    const problems = problemsOf(variant('dev', (c) => (c.topics.orders!.replicationFactor = 3)));
    expect(problems).toEqual([
      'topics.orders.replicationFactor: 3 replicas need 3 brokers but the cluster has 2 (2 availability zones x streaming.brokersPerAz): fewer zones than brokers required',
    ]);
  });

  it('rejects brokers spread over more zones than MSK supports, and a single zone', () => {
    expect(problemsOf(variant('prod', (c) => c.availabilityZones.push('eu-west-1d'))).join('\n')).toMatch(
      /availabilityZones: MSK provisioned brokers span 2 or 3 zones; 4 are listed/,
    );
    expect(problemsOf(variant('dev', (c) => (c.availabilityZones = ['eu-west-1a']))).join('\n')).toMatch(
      /availabilityZones: must list at least 2 zones/,
    );
    expect(problemsOf(variant('dev', (c) => (c.availabilityZones = ['eu-west-1a', 'us-east-1b']))).join('\n')).toMatch(
      /availabilityZones\[1\]: 'us-east-1b' is not a zone of region eu-west-1/,
    );
  });

  it('rejects a retention shorter than the compaction window', () => {
    const problems = problemsOf(variant('dev', (c) => (c.storage.retentionDays.bronze = 1)));
    expect(problems).toEqual([
      'storage.retentionDays.bronze: 1 days is shorter than maintenance.compactionWindowDays (2): files would expire before compaction rewrites them',
    ]);
  });

  it('runs maintenance hourly with a snapshot retention of at most one day in every environment', () => {
    for (const name of Object.keys(ENVIRONMENTS)) {
      const m = loadConfig(name).maintenance;
      expect(m.schedule, name).toBe('rate(1 hour)');
      expect(m.snapshotRetentionDays, name).toBeGreaterThan(0);
      expect(m.snapshotRetentionDays, name).toBeLessThanOrEqual(1);
    }
  });

  it('rejects a snapshot retention above one day or below one hour, naming the key and the cost', () => {
    for (const bad of [2, 7, 0, 0.02, -1]) {
      expect(problemsOf(variant('dev', (c) => (c.maintenance.snapshotRetentionDays = bad)))).toEqual([
        `maintenance.snapshotRetentionDays: must be between 1/24 (1 hour) and 1 day, got ${bad}: every commit rewrites metadata.json with every snapshot kept (docs/maintenance.md "Sizing")`,
      ]);
    }
    expect(problemsOf(variant('dev', (c) => (c.maintenance.snapshotRetentionDays = 0.25)))).toEqual([]);
  });

  it('sizes the dedup cap of each runtime for its memory: 28 B x 2 busy tables in half the memory', () => {
    expect(DEDUP_SIZING).toEqual({ bytesPerId: 28, busyTables: 2, memoryShare: 0.5 });
    // 1024 MiB: 512 MiB for the indexes / 56 B per id (two tables at 28 B).
    expect(maxDedupIds(1024)).toBe(Math.floor((512 * 1024 * 1024) / 56));
    expect(maxDedupIds(1024)).toBeGreaterThanOrEqual(8_000_000); // the runtime default fits the smallest runtime
    for (const [name, c] of Object.entries(ENVIRONMENTS)) {
      for (const r of ['lambda', 'ecs'] as const) {
        const { dedupMaxIds, memoryMiB } = c.ingest[r];
        expect(Number.isSafeInteger(dedupMaxIds) && dedupMaxIds >= 1, `${name} ${r}`).toBe(true);
        expect(dedupMaxIds, `${name} ${r}`).toBeLessThanOrEqual(maxDedupIds(memoryMiB));
      }
    }
  });

  it('rejects a dedup cap the function or task memory cannot hold, naming the key, the memory and the limit', () => {
    expect(problemsOf(variant('dev', (c) => (c.ingest.lambda.dedupMaxIds = 20_000_000)))).toEqual([
      'ingest.lambda.dedupMaxIds: 20000000 ids x 28 B x 2 busy tables = 1069 MiB is more than half of ' +
        'ingest.lambda.memoryMiB (1024 MiB): at most 9586980 here; lower it or raise the memory ' +
        '(docs/exactly-once.md "Memory")',
    ]);
    // Exactly at the limit passes; one more fails.
    const max = maxDedupIds(8192);
    expect(problemsOf(variant('prod', (c) => (c.ingest.ecs.dedupMaxIds = max)))).toEqual([]);
    expect(problemsOf(variant('prod', (c) => (c.ingest.ecs.dedupMaxIds = max + 1)))).toEqual([
      expect.stringMatching(/^ingest\.ecs\.dedupMaxIds: \d+ ids x 28 B .* ingest\.ecs\.memoryMiB \(8192 MiB\)/),
    ]);
    // Raising the memory makes the same cap valid.
    expect(
      problemsOf(variant('dev', (c) => Object.assign(c.ingest.lambda, { dedupMaxIds: 20_000_000, memoryMiB: 3008 }))),
    ).toEqual([]);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(problemsOf(variant('dev', (c) => (c.ingest.ecs.dedupMaxIds = bad)))).toEqual([
        expect.stringMatching(/^ingest\.ecs\.dedupMaxIds: must be (an integer|at least 1)/),
      ]);
    }
    expect(problemsOf(variant('dev', (c) => delete (c.ingest.lambda as { dedupMaxIds?: number }).dedupMaxIds))).toEqual(
      ['ingest.lambda.dedupMaxIds: must be an integer, got undefined'],
    );
  });

  it('rejects invalid combinations', () => {
    expect(problemsOf(variant('staging', (c) => delete c.topics.orders!.consumer))).toEqual([
      "topics.orders.consumer: ingest.runtime is 'both', so each topic must say which consumer reads it ('lambda' or 'ecs')",
    ]);
    expect(problemsOf(variant('dev', (c) => (c.topics.orders!.consumer = 'ecs')))).toEqual([
      "topics.orders.consumer: is 'ecs' but ingest.runtime is 'lambda'",
    ]);
    expect(problemsOf(variant('dev', (c) => (c.ingest.lambda.retryAttempts = 5)))).toEqual([
      'ingest.lambda.retryAttempts: Kafka retry limits need provisioned pollers: set ingest.lambda.provisionedPollers',
    ]);
    expect(problemsOf(variant('dev', (c) => (c.ingest.ecs.maxTasks = 0)))).toContain(
      'ingest.ecs.maxTasks: must be between 1 and 100, got 0',
    );
    expect(problemsOf(variant('dev', (c) => Object.assign(c.ingest.ecs, { minTasks: 3, maxTasks: 2 })))).toEqual([
      'ingest.ecs.maxTasks: (2) is below ingest.ecs.minTasks (3)',
    ]);
    expect(problemsOf(variant('dev', (c) => (c.ingest.ecs.memoryMiB = 512)))).toEqual([
      'ingest.ecs.memoryMiB: 512 MiB is not a valid Fargate memory size for 512 CPU units',
    ]);
    expect(problemsOf(variant('prod', (c) => (c.removalPolicy = 'destroy')))).toEqual([
      "removalPolicy: prod must be 'retain': deleting the stack must never delete data",
    ]);
    expect(problemsOf(variant('staging', (c) => (c.topics.orders!.replicationFactor = 2)))).toEqual([
      'topics.orders.replicationFactor: MSK Serverless always keeps 3 replicas; remove the key',
    ]);
    expect(problemsOf(variant('dev', (c) => (c.network.natGateways = 3)))).toEqual([
      'network.natGateways: 3 NAT gateways but only 2 availability zones',
    ]);
    expect(problemsOf(variant('dev', (c) => (c.streaming.kafkaVersion = '3.5.1')))).toEqual([
      'streaming.kafkaVersion: must be 3.6 or later so that topics are declared as AWS::MSK::Topic, got 3.5.1',
    ]);
    expect(problemsOf(variant('dev', (c) => (c.storage.bronzeTiering.glacierInstantAfterDays = 40)))).toEqual([
      'storage.bronzeTiering.glacierInstantAfterDays: must be at least 30 days after infrequentAccessAfterDays (30), got 40',
    ]);
    expect(problemsOf(variant('dev', (c) => (c.observability.logRetentionDays = 45))).join('\n')).toMatch(
      /observability\.logRetentionDays: must be one of CloudWatch's periods/,
    );
  });

  it('reports every problem at once, each with its key, in one error naming the environment', () => {
    const bad = variant('dev', (c) => {
      c.streaming.ebsVolumeGiB = -1;
      c.ingest.lambda.batchSize = 0;
      c.network.vpcCidr = '10.0.0.0/8';
    });
    expect(() => validateConfig(bad)).toThrow(ConfigError);
    try {
      validateConfig(bad);
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toMatch(/^invalid shoplake configuration for environment 'dev':/);
      expect(msg).toContain('streaming.ebsVolumeGiB');
      expect(msg).toContain('ingest.lambda.batchSize');
      expect(msg).toContain('network.vpcCidr: prefix must be /16 to /22');
    }
  });
});

describe('topics against the contracts', () => {
  const model = loadSchemaModel(REPO_ROOT);

  it('every configured environment covers exactly the topics the contracts route from', () => {
    for (const c of Object.values(ENVIRONMENTS)) expect(() => checkTopics(c, model)).not.toThrow();
  });

  it('names a missing topic and an unused one', () => {
    const missing = variant('dev', (c) => delete c.topics.inventory);
    expect(() => checkTopics(missing, model)).toThrow(
      /topics\.inventory: the contracts route events from topic 'inventory' \(glue-schemas\/topics.json\) but it is not configured/,
    );
    const extra = variant('dev', (c) => (c.topics.returns = { partitions: 1, retentionHours: 24 }));
    expect(() => checkTopics(extra, model)).toThrow(/topics\.returns: no contract routes events from this topic/);
  });
});

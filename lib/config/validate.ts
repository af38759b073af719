// Checks an EnvConfig before any construct is created. Every problem names its key (e.g. `ingest.lambda.batchSize`)
// and all problems are reported at once, so a bad config fails synth with one readable message.
import type { EnvConfig, TopicConfig } from './types.js';

export class ConfigError extends Error {
  constructor(
    readonly env: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid shoplake configuration for environment '${env}':\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Dedup index sizing (docs/exactly-once.md "Memory"): an indexed event_id costs at most 28 bytes (the runtime's hash
 * table measures 18.3-27.4); up to 2 silver tables of one consumer can be busy (at their cap) at once; together their
 * indexes may take half of the function's or task's memory, the other half holds the batch, the Parquet writers and
 * Node itself. So: dedupMaxIds x 28 B x 2 <= memoryMiB / 2.
 */
export const DEDUP_SIZING = { bytesPerId: 28, busyTables: 2, memoryShare: 0.5 } as const;

/** The largest dedupMaxIds a function or task of this memory holds under DEDUP_SIZING. */
export function maxDedupIds(memoryMiB: number): number {
  const { bytesPerId, busyTables, memoryShare } = DEDUP_SIZING;
  return Math.floor((memoryMiB * 1024 * 1024 * memoryShare) / (bytesPerId * busyTables));
}

/** Fargate task sizes: CPU units -> allowed memory (MiB). */
const FARGATE_MEMORY: Record<number, (m: number) => boolean> = {
  256: (m) => [512, 1024, 2048].includes(m),
  512: (m) => m >= 1024 && m <= 4096 && m % 1024 === 0,
  1024: (m) => m >= 2048 && m <= 8192 && m % 1024 === 0,
  2048: (m) => m >= 4096 && m <= 16384 && m % 1024 === 0,
  4096: (m) => m >= 8192 && m <= 30720 && m % 1024 === 0,
  8192: (m) => m >= 16384 && m <= 61440 && m % 4096 === 0,
  16384: (m) => m >= 32768 && m <= 122880 && m % 8192 === 0,
};

export function validateConfig(config: EnvConfig): void {
  const problems: string[] = [];
  const fail = (key: string, message: string): void => {
    problems.push(`${key}: ${message}`);
  };
  const int = (key: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean => {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      fail(key, `must be an integer, got ${JSON.stringify(value)}`);
      return false;
    }
    if (value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
      fail(key, `must be ${range}, got ${value}`);
      return false;
    }
    return true;
  };
  const matches = (key: string, value: string, re: RegExp, what: string): boolean => {
    if (typeof value !== 'string' || !re.test(value)) {
      fail(key, `must be ${what}, got ${JSON.stringify(value)}`);
      return false;
    }
    return true;
  };
  /** The dedup cap against a memory already known valid (a wrong memory is reported on its own). */
  const dedup = (prefix: string, ids: number, memoryMiB: number, memoryOk: boolean): void => {
    if (!int(`${prefix}.dedupMaxIds`, ids, 1) || !memoryOk) return;
    const max = maxDedupIds(memoryMiB);
    if (ids > max) {
      const { bytesPerId, busyTables } = DEDUP_SIZING;
      const mib = Math.ceil((ids * bytesPerId * busyTables) / 1024 / 1024);
      fail(
        `${prefix}.dedupMaxIds`,
        `${ids} ids x ${bytesPerId} B x ${busyTables} busy tables = ${mib} MiB is more than half of ` +
          `${prefix}.memoryMiB (${memoryMiB} MiB): at most ${max} here; lower it or raise the memory ` +
          '(docs/exactly-once.md "Memory")',
      );
    }
  };
  const fargate = (prefix: string, cpu: number, memory: number): boolean => {
    const allowed = FARGATE_MEMORY[cpu];
    if (!allowed)
      fail(`${prefix}.cpu`, `must be a Fargate CPU size (${Object.keys(FARGATE_MEMORY).join(', ')}), got ${cpu}`);
    else if (!allowed(memory))
      fail(`${prefix}.memoryMiB`, `${memory} MiB is not a valid Fargate memory size for ${cpu} CPU units`);
    else return true;
    return false;
  };

  matches('name', config.name, /^[a-z][a-z0-9]{1,15}$/, 'lower-case letters and digits (2-16 chars)');
  matches('account', config.account, /^\d{12}$/, 'a 12-digit AWS account id');
  const regionOk = matches('region', config.region, /^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1');

  // --- zones and network --------------------------------------------------------------------------------------
  const azs = config.availabilityZones ?? [];
  if (azs.length < 2)
    fail('availabilityZones', `must list at least 2 zones (MSK and the VPC span them), got ${azs.length}`);
  if (new Set(azs).size !== azs.length) fail('availabilityZones', `lists a zone twice: ${azs.join(', ')}`);
  azs.forEach((az, i) => {
    if (regionOk && !new RegExp(`^${config.region}[a-z]$`).test(az)) {
      fail(`availabilityZones[${i}]`, `'${az}' is not a zone of region ${config.region}`);
    }
  });
  const cidr = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(config.network.vpcCidr);
  if (!cidr || cidr.slice(1, 5).some((o) => Number(o) > 255)) {
    fail('network.vpcCidr', `must be an IPv4 CIDR such as 10.0.0.0/16, got ${JSON.stringify(config.network.vpcCidr)}`);
  } else if (Number(cidr[5]) < 16 || Number(cidr[5]) > 22) {
    fail('network.vpcCidr', `prefix must be /16 to /22 to fit a subnet per zone and tier, got /${cidr[5]}`);
  }
  if (int('network.natGateways', config.network.natGateways, 0) && config.network.natGateways > azs.length) {
    fail('network.natGateways', `${config.network.natGateways} NAT gateways but only ${azs.length} availability zones`);
  }

  // --- streaming ----------------------------------------------------------------------------------------------
  const s = config.streaming;
  let brokers = Infinity;
  if (s.mode === 'provisioned') {
    const v = /^(\d+)\.(\d+)\.(\d+|x)(\.kraft)?$/.exec(s.kafkaVersion);
    if (!v) fail('streaming.kafkaVersion', `must look like 3.9.x, got ${JSON.stringify(s.kafkaVersion)}`);
    else if (Number(v[1]) * 100 + Number(v[2]) < 306) {
      fail(
        'streaming.kafkaVersion',
        `must be 3.6 or later so that topics are declared as AWS::MSK::Topic, got ${s.kafkaVersion}`,
      );
    }
    matches(
      'streaming.brokerInstanceType',
      s.brokerInstanceType,
      /^[a-z][a-z0-9]*\.[a-z0-9]+$/,
      'an instance type such as m7g.large',
    );
    int('streaming.ebsVolumeGiB', s.ebsVolumeGiB, 1, 16384);
    if (int('streaming.brokersPerAz', s.brokersPerAz, 1)) brokers = s.brokersPerAz * azs.length;
    if (azs.length > 3) {
      fail('availabilityZones', `MSK provisioned brokers span 2 or 3 zones; ${azs.length} are listed`);
    }
  } else if (s.mode !== 'serverless') {
    fail(
      'streaming.mode',
      `must be 'provisioned' or 'serverless', got ${JSON.stringify((s as { mode: unknown }).mode)}`,
    );
  }

  // --- topics -------------------------------------------------------------------------------------------------
  const topics = Object.entries(config.topics ?? {});
  if (topics.length === 0) fail('topics', 'at least one topic is required');
  const runtime = config.ingest.runtime;
  if (!['lambda', 'ecs', 'both'].includes(runtime)) {
    fail('ingest.runtime', `must be 'lambda', 'ecs' or 'both', got ${JSON.stringify(runtime)}`);
  }
  for (const [name, t] of topics) {
    const key = `topics.${name}`;
    matches(key, name, /^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name');
    int(`${key}.partitions`, t.partitions, 1, 10_000);
    int(`${key}.retentionHours`, t.retentionHours, 24);
    checkReplication(key, t);
    if (runtime === 'both' && t.consumer === undefined) {
      fail(
        `${key}.consumer`,
        `ingest.runtime is 'both', so each topic must say which consumer reads it ('lambda' or 'ecs')`,
      );
    }
    if (runtime !== 'both' && t.consumer !== undefined && t.consumer !== runtime) {
      fail(`${key}.consumer`, `is '${t.consumer}' but ingest.runtime is '${runtime}'`);
    }
  }
  function checkReplication(key: string, t: TopicConfig): void {
    if (t.replicationFactor === undefined) return;
    if (s.mode === 'serverless') {
      if (t.replicationFactor !== 3)
        fail(`${key}.replicationFactor`, 'MSK Serverless always keeps 3 replicas; remove the key');
      return;
    }
    if (int(`${key}.replicationFactor`, t.replicationFactor, 1) && t.replicationFactor > brokers) {
      fail(
        `${key}.replicationFactor`,
        `${t.replicationFactor} replicas need ${t.replicationFactor} brokers but the cluster has ${brokers} ` +
          `(${azs.length} availability zones x streaming.brokersPerAz): fewer zones than brokers required`,
      );
    }
  }

  // --- ingest -------------------------------------------------------------------------------------------------
  const { lambda: l, ecs } = config.ingest;
  int('ingest.allowedLatenessSeconds', config.ingest.allowedLatenessSeconds, 0);
  const lambdaMemoryOk = int('ingest.lambda.memoryMiB', l.memoryMiB, 128, 10240);
  int('ingest.lambda.timeoutSeconds', l.timeoutSeconds, 1, 900);
  int('ingest.lambda.batchSize', l.batchSize, 1, 10_000);
  int('ingest.lambda.batchingWindowSeconds', l.batchingWindowSeconds, 0, 300);
  if (!['TRIM_HORIZON', 'LATEST'].includes(l.startingPosition)) {
    fail('ingest.lambda.startingPosition', `must be TRIM_HORIZON or LATEST, got ${JSON.stringify(l.startingPosition)}`);
  }
  if (l.provisionedPollers) {
    const okMin = int('ingest.lambda.provisionedPollers.min', l.provisionedPollers.min, 1, 200);
    const okMax = int('ingest.lambda.provisionedPollers.max', l.provisionedPollers.max, 1, 2000);
    if (okMin && okMax && l.provisionedPollers.min > l.provisionedPollers.max) {
      fail(
        'ingest.lambda.provisionedPollers',
        `min (${l.provisionedPollers.min}) exceeds max (${l.provisionedPollers.max})`,
      );
    }
  }
  if (l.retryAttempts !== undefined) {
    int('ingest.lambda.retryAttempts', l.retryAttempts, 0, 10_000);
    if (!l.provisionedPollers) {
      fail(
        'ingest.lambda.retryAttempts',
        'Kafka retry limits need provisioned pollers: set ingest.lambda.provisionedPollers',
      );
    }
  }
  dedup('ingest.lambda', l.dedupMaxIds, l.memoryMiB, lambdaMemoryOk);
  dedup('ingest.ecs', ecs.dedupMaxIds, ecs.memoryMiB, fargate('ingest.ecs', ecs.cpu, ecs.memoryMiB));
  const minOk = int('ingest.ecs.minTasks', ecs.minTasks, 1);
  const maxOk = int('ingest.ecs.maxTasks', ecs.maxTasks, 1, 100);
  if (minOk && maxOk && ecs.maxTasks < ecs.minTasks) {
    fail('ingest.ecs.maxTasks', `(${ecs.maxTasks}) is below ingest.ecs.minTasks (${ecs.minTasks})`);
  }
  int('ingest.ecs.scaleOutOffsetLag', ecs.scaleOutOffsetLag, 1);

  // --- storage and maintenance --------------------------------------------------------------------------------
  const st = config.storage;
  const m = config.maintenance;
  const windowOk = int('maintenance.compactionWindowDays', m.compactionWindowDays, 1);
  for (const layer of ['bronze', 'silver', 'gold', 'ops'] as const) {
    const key = `storage.retentionDays.${layer}`;
    if (int(key, st.retentionDays[layer], 1) && windowOk && st.retentionDays[layer] < m.compactionWindowDays) {
      fail(
        key,
        `${st.retentionDays[layer]} days is shorter than maintenance.compactionWindowDays (${m.compactionWindowDays}): ` +
          'files would expire before compaction rewrites them',
      );
    }
  }
  const ia = st.bronzeTiering.infrequentAccessAfterDays;
  const gir = st.bronzeTiering.glacierInstantAfterDays;
  if (int('storage.bronzeTiering.infrequentAccessAfterDays', ia, 30)) {
    if (windowOk && ia <= m.compactionWindowDays) {
      fail(
        'storage.bronzeTiering.infrequentAccessAfterDays',
        `must be after maintenance.compactionWindowDays (${m.compactionWindowDays})`,
      );
    }
    if (int('storage.bronzeTiering.glacierInstantAfterDays', gir, 1) && gir < ia + 30) {
      fail(
        'storage.bronzeTiering.glacierInstantAfterDays',
        `must be at least 30 days after infrequentAccessAfterDays (${ia}), got ${gir}`,
      );
    }
  }
  int('storage.athenaResultsRetentionDays', st.athenaResultsRetentionDays, 1);
  int('storage.noncurrentVersionRetentionDays', st.noncurrentVersionRetentionDays, 1);
  int('storage.accessLogRetentionDays', st.accessLogRetentionDays, 1);
  matches('maintenance.schedule', m.schedule, /^(cron|rate)\(.+\)$/, 'a Scheduler cron(...) or rate(...) expression');
  matches(
    'maintenance.goldSchedule',
    m.goldSchedule,
    /^(cron|rate)\(.+\)$/,
    'a Scheduler cron(...) or rate(...) expression',
  );
  // Every commit rewrites metadata.json, which lists every snapshot kept (~0.8 KiB each with its Kafka offsets,
  // docs/benchmarks.md "## maintenance"): at streaming commit rates a retention of days makes it megabytes.
  const retention = m.snapshotRetentionDays;
  if (typeof retention !== 'number' || !Number.isFinite(retention) || retention < 1 / 24 || retention > 1) {
    fail(
      'maintenance.snapshotRetentionDays',
      `must be between 1/24 (1 hour) and 1 day, got ${JSON.stringify(retention)}: every commit rewrites ` +
        'metadata.json with every snapshot kept (docs/maintenance.md "Sizing")',
    );
  }
  fargate('maintenance', m.cpu, m.memoryMiB);

  // --- observability, athena, removal -------------------------------------------------------------------------
  const o = config.observability;
  if (o.alarmEmail !== undefined)
    matches('observability.alarmEmail', o.alarmEmail, /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address');
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(o.logRetentionDays)) {
    fail(
      'observability.logRetentionDays',
      `must be one of CloudWatch's periods (${LOG_RETENTION_DAYS.join(', ')}), got ${o.logRetentionDays}`,
    );
  }
  int('observability.freshnessThresholdSeconds', o.freshnessThresholdSeconds, 60);
  int('observability.offsetLagAlarmThreshold', o.offsetLagAlarmThreshold, 1);
  int('athenaBytesScannedCutoff', config.athenaBytesScannedCutoff, 10_000_000);
  if (config.removalPolicy !== 'retain' && config.removalPolicy !== 'destroy') {
    fail('removalPolicy', `must be 'retain' or 'destroy', got ${JSON.stringify(config.removalPolicy)}`);
  } else if (config.name === 'prod' && config.removalPolicy !== 'retain') {
    fail('removalPolicy', "prod must be 'retain': deleting the stack must never delete data");
  }

  if (problems.length > 0) throw new ConfigError(config.name, problems);
}

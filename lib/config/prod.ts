// prod: three zones, provisioned MSK with one broker per zone, the ECS consumer for large files at volume, data
// resources retained on stack deletion.
import type { EnvConfig } from './types.js';

export const prod: EnvConfig = {
  name: 'prod',
  account: '333333333333',
  region: 'eu-west-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  network: { vpcCidr: '10.30.0.0/16', natGateways: 0 },
  streaming: {
    mode: 'provisioned',
    kafkaVersion: '3.9.x',
    brokerInstanceType: 'm7g.large',
    brokersPerAz: 1,
    ebsVolumeGiB: 500,
    monitoring: 'PER_TOPIC_PER_BROKER',
  },
  topics: {
    orders: { partitions: 12, retentionHours: 168, replicationFactor: 3 },
    behaviour: { partitions: 24, retentionHours: 168, replicationFactor: 3 },
    customers: { partitions: 6, retentionHours: 168, replicationFactor: 3 },
    catalog: { partitions: 6, retentionHours: 168, replicationFactor: 3 },
    inventory: { partitions: 6, retentionHours: 168, replicationFactor: 3 },
  },
  ingest: {
    runtime: 'ecs',
    allowedLatenessSeconds: 7 * 24 * 3600,
    lambda: {
      memoryMiB: 3008,
      timeoutSeconds: 600,
      batchSize: 10_000,
      batchingWindowSeconds: 60,
      startingPosition: 'TRIM_HORIZON',
      provisionedPollers: { min: 1, max: 10 },
      retryAttempts: 20,
      // Event ids per silver table's dedup index (3008 MiB holds up to 28M; lib/config/validate.ts DEDUP_SIZING).
      dedupMaxIds: 16_000_000,
    },
    // Dedup index cap per silver table: 3 days of 10M page views a day; 8192 MiB holds up to 76M.
    ecs: {
      cpu: 2048,
      memoryMiB: 8192,
      minTasks: 2,
      maxTasks: 12,
      scaleOutOffsetLag: 1_000_000,
      dedupMaxIds: 32_000_000,
    },
  },
  storage: {
    retentionDays: { bronze: 365, silver: 2555, gold: 2555, ops: 365 },
    bronzeTiering: { infrequentAccessAfterDays: 30, glacierInstantAfterDays: 90 },
    athenaResultsRetentionDays: 30,
    noncurrentVersionRetentionDays: 30,
    accessLogRetentionDays: 365,
  },
  maintenance: {
    schedule: 'rate(1 hour)',
    goldSchedule: 'cron(5 * * * ? *)',
    compactionWindowDays: 3,
    // 6 hours: 2-12 consumer tasks committing every minute keep 720-4,320 snapshots per table (~0.6-3.5 MiB of
    // metadata.json that every commit rewrites); a day would be 4x that.
    snapshotRetentionDays: 0.25,
    cpu: 4096,
    memoryMiB: 16384,
  },
  observability: {
    alarmEmail: 'shoplake-oncall@example.com',
    logRetentionDays: 365,
    freshnessThresholdSeconds: 600,
    offsetLagAlarmThreshold: 2_000_000,
  },
  athenaBytesScannedCutoff: 1024 ** 4,
  removalPolicy: 'retain',
};

// dev: the smallest environment that still runs every part of shoplake. The template the other environments mirror.
import type { EnvConfig } from './types.js';

export const dev: EnvConfig = {
  name: 'dev',
  account: '111111111111',
  region: 'eu-west-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  network: { vpcCidr: '10.10.0.0/16', natGateways: 0 },
  streaming: {
    mode: 'provisioned',
    kafkaVersion: '3.9.x',
    brokerInstanceType: 't3.small',
    brokersPerAz: 1,
    ebsVolumeGiB: 20,
    monitoring: 'DEFAULT',
  },
  topics: {
    orders: { partitions: 3, retentionHours: 72, replicationFactor: 2 },
    behaviour: { partitions: 3, retentionHours: 72, replicationFactor: 2 },
    customers: { partitions: 1, retentionHours: 72, replicationFactor: 2 },
    catalog: { partitions: 1, retentionHours: 72, replicationFactor: 2 },
    inventory: { partitions: 1, retentionHours: 72, replicationFactor: 2 },
  },
  ingest: {
    runtime: 'lambda',
    allowedLatenessSeconds: 3 * 24 * 3600,
    lambda: {
      memoryMiB: 1024,
      timeoutSeconds: 300,
      batchSize: 2000,
      batchingWindowSeconds: 30,
      startingPosition: 'TRIM_HORIZON',
      // Event ids per silver table's dedup index (the runtime default; 1024 MiB holds up to 9.5M; lib/config/validate.ts DEDUP_SIZING).
      dedupMaxIds: 8_000_000,
    },
    // Dedup index cap per silver table: 1024 MiB holds up to 9.5M.
    ecs: { cpu: 512, memoryMiB: 1024, minTasks: 1, maxTasks: 2, scaleOutOffsetLag: 50_000, dedupMaxIds: 8_000_000 },
  },
  storage: {
    retentionDays: { bronze: 14, silver: 30, gold: 30, ops: 14 },
    bronzeTiering: { infrequentAccessAfterDays: 30, glacierInstantAfterDays: 90 },
    athenaResultsRetentionDays: 7,
    noncurrentVersionRetentionDays: 3,
    accessLogRetentionDays: 30,
  },
  maintenance: {
    schedule: 'rate(1 hour)',
    goldSchedule: 'cron(0 * * * ? *)',
    compactionWindowDays: 2,
    snapshotRetentionDays: 1,
    cpu: 1024,
    memoryMiB: 4096,
  },
  observability: {
    logRetentionDays: 30,
    freshnessThresholdSeconds: 1800,
    offsetLagAlarmThreshold: 100_000,
  },
  athenaBytesScannedCutoff: 10 * 1024 ** 3,
  removalPolicy: 'destroy',
};

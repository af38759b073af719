// staging: production-shaped at low volume. MSK Serverless (no brokers to size) and both ingest runtimes, so every
// code path of prod is exercised before it ships.
import type { EnvConfig } from './types.js';

export const staging: EnvConfig = {
  name: 'staging',
  account: '222222222222',
  region: 'eu-west-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  network: { vpcCidr: '10.20.0.0/16', natGateways: 1 },
  streaming: { mode: 'serverless' },
  topics: {
    orders: { partitions: 6, retentionHours: 168, consumer: 'lambda' },
    behaviour: { partitions: 12, retentionHours: 168, consumer: 'ecs' },
    customers: { partitions: 3, retentionHours: 168, consumer: 'lambda' },
    catalog: { partitions: 3, retentionHours: 168, consumer: 'lambda' },
    inventory: { partitions: 3, retentionHours: 168, consumer: 'lambda' },
  },
  ingest: {
    runtime: 'both',
    allowedLatenessSeconds: 3 * 24 * 3600,
    lambda: {
      memoryMiB: 2048,
      timeoutSeconds: 300,
      batchSize: 5000,
      batchingWindowSeconds: 30,
      startingPosition: 'TRIM_HORIZON',
      // Event ids per silver table's dedup index (2048 MiB holds up to 19M; lib/config/validate.ts DEDUP_SIZING).
      dedupMaxIds: 8_000_000,
    },
    // Dedup index cap per silver table: behaviour's page views; 4096 MiB holds up to 38M.
    ecs: { cpu: 1024, memoryMiB: 4096, minTasks: 1, maxTasks: 4, scaleOutOffsetLag: 100_000, dedupMaxIds: 16_000_000 },
  },
  storage: {
    retentionDays: { bronze: 90, silver: 180, gold: 180, ops: 90 },
    bronzeTiering: { infrequentAccessAfterDays: 30, glacierInstantAfterDays: 60 },
    athenaResultsRetentionDays: 14,
    noncurrentVersionRetentionDays: 7,
    accessLogRetentionDays: 90,
  },
  maintenance: {
    schedule: 'rate(1 hour)',
    goldSchedule: 'cron(0 * * * ? *)',
    compactionWindowDays: 3,
    snapshotRetentionDays: 1,
    cpu: 2048,
    memoryMiB: 8192,
  },
  observability: {
    alarmEmail: 'shoplake-staging-alarms@example.com',
    logRetentionDays: 90,
    freshnessThresholdSeconds: 900,
    offsetLagAlarmThreshold: 500_000,
  },
  athenaBytesScannedCutoff: 100 * 1024 ** 3,
  removalPolicy: 'destroy',
};

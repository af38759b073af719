// The typed shape of one environment's configuration. Every size, count and schedule the stacks use comes from
// here; lib/config/validate.ts checks a value of this type before any construct is created.

/** Where the Kafka events are read: by the Lambda event source mapping, by the ECS consumer, or split per topic. */
export type IngestRuntime = 'lambda' | 'ecs' | 'both';

/** Which consumer reads a topic when `ingest.runtime` is `both`. */
export type TopicConsumer = 'lambda' | 'ecs';

export interface TopicConfig {
  /** Kafka partitions. Partitions can be added later, never removed. */
  readonly partitions: number;
  /** How long Kafka keeps a record (retention.ms), in hours. The consumers must catch up within this window. */
  readonly retentionHours: number;
  /** Replicas per partition. Provisioned clusters only; MSK Serverless always keeps 3. Default: min(3, brokers). */
  readonly replicationFactor?: number;
  /** Which runtime consumes this topic. Required when `ingest.runtime` is `both`; otherwise it must match. */
  readonly consumer?: TopicConsumer;
}

export interface ProvisionedStreamingConfig {
  readonly mode: 'provisioned';
  /** MSK Kafka version, e.g. `3.9.x` (>= 3.6 so that topics can be declared as AWS::MSK::Topic). */
  readonly kafkaVersion: string;
  /** Broker instance type without the `kafka.` prefix, e.g. `t3.small`, `m7g.large`. */
  readonly brokerInstanceType: string;
  /** Brokers in each availability zone of `network.availabilityZones`. */
  readonly brokersPerAz: number;
  /** EBS storage per broker, GiB. */
  readonly ebsVolumeGiB: number;
  /** MSK enhanced monitoring level. */
  readonly monitoring: 'DEFAULT' | 'PER_BROKER' | 'PER_TOPIC_PER_BROKER' | 'PER_TOPIC_PER_PARTITION';
}

export interface ServerlessStreamingConfig {
  readonly mode: 'serverless';
}

export type StreamingConfig = ProvisionedStreamingConfig | ServerlessStreamingConfig;

export interface LambdaIngestConfig {
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  /** Records per invocation (MSK event source BatchSize, 1..10000). */
  readonly batchSize: number;
  /** MaximumBatchingWindowInSeconds (0..300): how long the poller waits to fill a batch. */
  readonly batchingWindowSeconds: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /**
   * Provisioned event pollers. Required for `retryAttempts` (Lambda supports Kafka retry limits only in
   * provisioned mode). Omit for on-demand pollers.
   */
  readonly provisionedPollers?: { readonly min: number; readonly max: number };
  /** Retries of a failing batch before it goes to the on-failure destination. Omit to retry until it succeeds. */
  readonly retryAttempts?: number;
  /**
   * Most event_ids one silver table's dedup index holds (SHOPLAKE_DEDUP_MAX_IDS; the runtime default is 8,000,000).
   * Past it the oldest days are evicted and deduplicated within their batch only (metric `dedup_scopes_evicted`).
   * Validation: dedupMaxIds x 28 B x 2 busy tables must fit in half of memoryMiB (docs/exactly-once.md "Memory").
   */
  readonly dedupMaxIds: number;
}

export interface EcsIngestConfig {
  /** Fargate task CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). */
  readonly cpu: number;
  /** Fargate task memory, MiB; must be a valid combination with `cpu`. */
  readonly memoryMiB: number;
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Scale out when MSK MaxOffsetLag of the consumer group exceeds this many records. */
  readonly scaleOutOffsetLag: number;
  /**
   * Most event_ids one silver table's dedup index holds (SHOPLAKE_DEDUP_MAX_IDS; the runtime default is 8,000,000).
   * Past it the oldest days are evicted and deduplicated within their batch only (metric `dedup_scopes_evicted`).
   * Validation: dedupMaxIds x 28 B x 2 busy tables must fit in half of memoryMiB (docs/exactly-once.md "Memory").
   */
  readonly dedupMaxIds: number;
}

export interface IngestConfig {
  readonly runtime: IngestRuntime;
  /** Events later than this (behind the watermark) still land but are flagged and counted as late. */
  readonly allowedLatenessSeconds: number;
  readonly lambda: LambdaIngestConfig;
  readonly ecs: EcsIngestConfig;
}

export interface LayerRetentionDays {
  readonly bronze: number;
  readonly silver: number;
  readonly gold: number;
  readonly ops: number;
}

export interface StorageConfig {
  /**
   * Upper bound on how long each layer keeps data in this environment. A table keeps
   * min(contract retention, this); gold and ops have no contract and use this value.
   */
  readonly retentionDays: LayerRetentionDays;
  /** Bronze data files move to S3 Standard-IA, then Glacier Instant Retrieval (both still readable by Athena). */
  readonly bronzeTiering: { readonly infrequentAccessAfterDays: number; readonly glacierInstantAfterDays: number };
  /** Athena query results are deleted after this many days. */
  readonly athenaResultsRetentionDays: number;
  /** Non-current object versions (overwritten or deleted files) are kept this long. */
  readonly noncurrentVersionRetentionDays: number;
  /** S3 server access logs are kept this long. */
  readonly accessLogRetentionDays: number;
}

export interface MaintenanceConfig {
  /** EventBridge Scheduler expression for compaction, snapshot expiry and orphan cleanup (`rate(1 hour)` here). */
  readonly schedule: string;
  /** EventBridge Scheduler expression for the gold (star schema and marts) build. */
  readonly goldSchedule: string;
  /** Compaction rewrites small files written in the last N days. Every retention must be at least this long. */
  readonly compactionWindowDays: number;
  /**
   * Snapshots older than this are expired (history.expire.max-snapshot-age-ms), in days, fractions allowed: between
   * 1 hour (1/24) and 1 day, because every commit rewrites metadata.json with every snapshot kept.
   */
  readonly snapshotRetentionDays: number;
  readonly cpu: number;
  readonly memoryMiB: number;
}

export interface ObservabilityConfig {
  /** Alarm notifications go to this address when set (an SNS email subscription the owner must confirm). */
  readonly alarmEmail?: string;
  /** CloudWatch Logs retention for every log group of the environment, days. */
  readonly logRetentionDays: number;
  /** Alarm when a consumer group is estimated to be more than this many seconds behind (table freshness). */
  readonly freshnessThresholdSeconds: number;
  /** Alarm when MaxOffsetLag of a consumer group stays above this many records. */
  readonly offsetLagAlarmThreshold: number;
}

export interface NetworkConfig {
  readonly vpcCidr: string;
  /** NAT gateways. 0 keeps the subnets isolated: every AWS API is reached through VPC endpoints. */
  readonly natGateways: number;
}

export interface EnvConfig {
  /** Environment name; part of every stack, database and resource name. */
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** Explicit zones: synth never looks them up. MSK brokers and subnets span all of them. */
  readonly availabilityZones: readonly string[];
  readonly network: NetworkConfig;
  readonly streaming: StreamingConfig;
  readonly topics: Readonly<Record<string, TopicConfig>>;
  readonly ingest: IngestConfig;
  readonly storage: StorageConfig;
  readonly maintenance: MaintenanceConfig;
  readonly observability: ObservabilityConfig;
  /** Athena workgroup BytesScannedCutoffPerQuery, bytes (>= 10 MB). */
  readonly athenaBytesScannedCutoff: number;
  /** `retain` keeps data resources (buckets, keys, cluster, secrets, tables) on stack deletion. prod must retain. */
  readonly removalPolicy: 'retain' | 'destroy';
}

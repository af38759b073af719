// Ingest: the consumers and the scheduled jobs. The Lambda function (one MSK event source mapping per topic it
// owns) and/or the ECS service (one consumer group) per `ingest.runtime`, plus EventBridge Scheduler runs of the
// maintenance and gold-build tasks. Every role is written out by hand: exact ARNs, no wildcard actions.
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { IngestFunction } from '../constructs/ingest-function.js';
import { LakeKey } from '../constructs/lake-key.js';
import type { KafkaCluster } from '../constructs/kafka-cluster.js';
import { glueStatements, s3Statements } from '../constructs/lake-access.js';
import { ScheduledJob } from '../constructs/scheduled-job.js';
import { StreamConsumer } from '../constructs/stream-consumer.js';
import { StreamJobsImage, streamJobCommand, type StreamJobName } from '../constructs/stream-jobs-image.js';
import type { LakeTable } from '../schemas/model.js';
import {
  bucketName,
  databaseName,
  METRICS_NAMESPACE,
  removalPolicy,
  serviceName,
  ShoplakeStack,
  type ShoplakeStackProps,
} from './common.js';

export interface IngestStackProps extends ShoplakeStackProps {
  readonly tables: readonly LakeTable[];
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly kafka: KafkaCluster;
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly piiSalt: secretsmanager.ISecret;
  readonly secretsKey: kms.IKey;
}

/**
 * Use of a key from another stack, granted on the principal only: the keys' policies delegate to IAM in the
 * account, and editing them from here would make the key's stack depend on this one.
 */
function keyStatement(key: kms.IKey, actions: string[], via?: Record<string, string>): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions,
    resources: [key.keyArn],
    conditions: via ? { StringEquals: via } : undefined,
  });
}

/** Consumer group of the Lambda event source mapping of one topic. */
export function lambdaGroupId(env: string, topic: string): string {
  return `shoplake-${env}-lambda-${topic}`;
}
/** Consumer group of the ECS consumer. */
export function ecsGroupId(env: string): string {
  return `shoplake-${env}-ecs-ingest`;
}

export class IngestStack extends ShoplakeStack {
  readonly ingestFunction?: IngestFunction;
  readonly consumer?: StreamConsumer;
  readonly cluster: ecs.Cluster;
  readonly maintenance: ScheduledJob;
  readonly gold: ScheduledJob;
  /** Topic -> consumer group, for every topic (whichever runtime reads it). */
  readonly consumerGroups: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: IngestStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removal = removalPolicy(config);
    const logRetentionDays = config.observability.logRetentionDays;
    const ns = (layer: string) => databaseName(config, layer);
    // Exactly the variables the runtime reads (core/pipeline/config.ts, lambdas/ingest/settings.ts,
    // core/stream/settings.ts, core/maintenance/settings.ts); test/lib/runtime-contract.ts checks both directions against the code.
    const telemetryEnv = {
      // The `service` dimension and namespace of every EMF metric (observability-stack.ts reads the same).
      POWERTOOLS_SERVICE_NAME: serviceName(config),
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    };
    const catalogEnv = {
      SHOPLAKE_CATALOG: 'glue',
      // Default location for tables created at runtime; existing tables keep the location Glue records (one
      // bucket per layer, see lib/stacks/catalog-stack.ts).
      SHOPLAKE_WAREHOUSE: `s3://${bucketName(config, 'silver')}/`,
      SHOPLAKE_NAMESPACE_BRONZE: ns('bronze'),
      SHOPLAKE_NAMESPACE_SILVER: ns('silver'),
      SHOPLAKE_NAMESPACE_OPS: ns('ops'),
    };
    /** The consumers (Lambda and ECS): the pipeline's settings. */
    const runtimeEnv: Record<string, string> = {
      ...catalogEnv,
      SHOPLAKE_SALT_SECRET_ARN: props.piiSalt.secretArn,
      SHOPLAKE_ALLOWED_LATENESS_SECONDS: String(config.ingest.allowedLatenessSeconds),
      ...telemetryEnv,
    };

    const byRuntime = (runtime: 'lambda' | 'ecs') =>
      Object.entries(config.topics)
        .filter(([, t]) =>
          config.ingest.runtime === 'both' ? t.consumer === runtime : config.ingest.runtime === runtime,
        )
        .map(([name]) => name);
    const lambdaTopics = byRuntime('lambda');
    const ecsTopics = byRuntime('ecs');
    this.consumerGroups = Object.fromEntries([
      ...lambdaTopics.map((t) => [t, lambdaGroupId(config.name, t)]),
      ...ecsTopics.map((t) => [t, ecsGroupId(config.name)]),
    ]);

    const lakeTables = (layer: 'bronze' | 'silver' | 'ops') =>
      props.tables.filter((t) => t.namespace === layer).map((t) => t.name);
    const p = { partition: this.partition, region: this.region, account: this.account };
    /** Write bronze, silver and ops.quarantine: what the ingest pipeline commits. */
    const grantIngest = (grantee: iam.IGrantable): void => {
      const statements = [
        ...s3Statements({ ...p, bucketName: bucketName(config, 'bronze'), write: true, delete: true }),
        ...s3Statements({ ...p, bucketName: bucketName(config, 'silver'), write: true, delete: true }),
        ...s3Statements({
          ...p,
          bucketName: bucketName(config, 'ops'),
          prefixes: lakeTables('ops').map((t) => `${t}/`),
          write: true,
          delete: true,
        }),
        ...(['bronze', 'silver', 'ops'] as const).flatMap((l) =>
          glueStatements({ ...p, database: ns(l), tables: lakeTables(l), write: true }),
        ),
      ];
      for (const st of statements) grantee.grantPrincipal.addToPrincipalPolicy(st);
      grantee.grantPrincipal.addToPrincipalPolicy(keyStatement(props.dataKey, ['kms:Decrypt', 'kms:GenerateDataKey']));
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [props.piiSalt.secretArn],
        }),
      );
      grantee.grantPrincipal.addToPrincipalPolicy(
        keyStatement(props.secretsKey, ['kms:Decrypt'], {
          'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com`,
        }),
      );
    };

    if (lambdaTopics.length > 0) {
      this.ingestFunction = new IngestFunction(this, 'IngestFunction', {
        functionName: `shoplake-${config.name}-ingest`,
        settings: config.ingest.lambda,
        kafka: props.kafka,
        topics: Object.fromEntries(lambdaTopics.map((t) => [t, lambdaGroupId(config.name, t)])),
        // The dedup cap is sized per runtime, for its memory (lib/config/validate.ts DEDUP_SIZING).
        environment: { ...runtimeEnv, SHOPLAKE_DEDUP_MAX_IDS: String(config.ingest.lambda.dedupMaxIds) },
        vpc: props.vpc,
        subnets: props.subnets,
        failureBucketName: bucketName(config, 'ops'),
        failureBucketKey: props.dataKey,
        logsKey: props.logsKey,
        logRetentionDays,
        removalPolicy: removal,
      });
      grantIngest(this.ingestFunction.role);
    }

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: `shoplake-${config.name}`,
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const image = new StreamJobsImage(this, 'StreamJobsImage');
    if (ecsTopics.length > 0) {
      this.consumer = new StreamConsumer(this, 'StreamConsumer', {
        cluster: this.cluster,
        image,
        settings: config.ingest.ecs,
        kafka: props.kafka,
        topics: ecsTopics,
        consumerGroup: ecsGroupId(config.name),
        environment: { ...runtimeEnv, SHOPLAKE_DEDUP_MAX_IDS: String(config.ingest.ecs.dedupMaxIds) },
        subnets: props.subnets,
        logsKey: props.logsKey,
        logRetentionDays,
        removalPolicy: removal,
      });
      grantIngest(this.consumer.taskRole);
    }

    const scheduleKey = new LakeKey(this, 'ScheduleKey', {
      alias: `alias/shoplake-${config.name}-schedules`,
      description: `shoplake ${config.name}: EventBridge Scheduler schedules`,
      removalPolicy: removal,
    }).key;
    const group = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: `shoplake-${config.name}`,
      removalPolicy: removal,
    });
    const m = config.maintenance;
    const maintenanceEnv = {
      ...catalogEnv,
      SHOPLAKE_COMPACTION_WINDOW_DAYS: String(m.compactionWindowDays),
      // The age for tables without history.expire.max-snapshot-age-ms (catalog-stack.ts sets it to the same value).
      SHOPLAKE_SNAPSHOT_RETENTION_DAYS: String(m.snapshotRetentionDays),
      ...telemetryEnv,
    };
    // The gold build is not written yet (stream-jobs/gold.ts): what it will need, reserved here.
    const goldEnv = {
      ...catalogEnv,
      SHOPLAKE_NAMESPACE_GOLD: ns('gold'),
      SHOPLAKE_WAREHOUSE_GOLD: `s3://${bucketName(config, 'gold')}/`,
      ...telemetryEnv,
    };
    const job = (id: string, jobName: StreamJobName, schedule: string, environment: Record<string, string>) =>
      new ScheduledJob(this, id, {
        jobName,
        command: streamJobCommand(jobName),
        schedule,
        cluster: this.cluster,
        image,
        cpu: m.cpu,
        memoryMiB: m.memoryMiB,
        environment,
        vpc: props.vpc,
        subnets: props.subnets,
        group,
        scheduleKey,
        logsKey: props.logsKey,
        logRetentionDays,
        removalPolicy: removal,
      });
    this.maintenance = job('Maintenance', 'maintenance', m.schedule, maintenanceEnv);
    this.gold = job('GoldBuild', 'gold', m.goldSchedule, goldEnv);

    // Maintenance rewrites and expires every contract table (compaction, snapshot expiry, orphan files).
    for (const st of [
      ...(['bronze', 'silver'] as const).flatMap((l) =>
        s3Statements({ ...p, bucketName: bucketName(config, l), write: true, delete: true }),
      ),
      ...s3Statements({
        ...p,
        bucketName: bucketName(config, 'ops'),
        prefixes: lakeTables('ops').map((t) => `${t}/`),
        write: true,
        delete: true,
      }),
      ...(['bronze', 'silver', 'ops'] as const).flatMap((l) =>
        glueStatements({ ...p, database: ns(l), tables: lakeTables(l), write: true }),
      ),
    ]) {
      this.maintenance.taskRole.addToPrincipalPolicy(st);
    }
    this.maintenance.taskRole.addToPrincipalPolicy(keyStatement(props.dataKey, ['kms:Decrypt', 'kms:GenerateDataKey']));

    // The gold build reads silver and owns the gold namespace, whose tables it creates itself.
    for (const st of [
      ...s3Statements({ ...p, bucketName: bucketName(config, 'silver'), write: false, delete: false }),
      ...glueStatements({ ...p, database: ns('silver'), tables: lakeTables('silver'), write: false }),
      ...s3Statements({ ...p, bucketName: bucketName(config, 'gold'), write: true, delete: true }),
      ...glueStatements({ ...p, database: ns('gold'), tables: ['*'], write: true, create: true }),
    ]) {
      this.gold.taskRole.addToPrincipalPolicy(st);
    }
    this.gold.taskRole.addToPrincipalPolicy(keyStatement(props.dataKey, ['kms:Decrypt', 'kms:GenerateDataKey']));
  }
}

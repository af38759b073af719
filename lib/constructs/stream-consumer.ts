// The ECS consumer: a Fargate service running stream-jobs/ingest (one Kafka consumer group for the topics it owns)
// on arm64, non-root with a read-only root filesystem, logs to a KMS-encrypted group, and task autoscaling on the
// consumer group's MSK MaxOffsetLag between the configured min and max tasks.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { EcsIngestConfig } from '../config/types.js';
import { EncryptedLogGroup } from './encrypted-log-group.js';
import type { KafkaCluster } from './kafka-cluster.js';
import { kafkaConsumerStatements } from './lake-access.js';
import { streamJobCommand, type StreamJobsImage } from './stream-jobs-image.js';

/** The port of the consumer's HTTP health endpoint (GET /healthz), inside the task only. */
export const HEALTH_PORT = 8080;
/** Seconds ECS waits after SIGTERM before SIGKILL (the Fargate maximum). */
export const STOP_TIMEOUT_SECONDS = 120;

export interface StreamConsumerProps {
  readonly cluster: ecs.ICluster;
  readonly image: StreamJobsImage;
  readonly settings: EcsIngestConfig;
  readonly kafka: KafkaCluster;
  readonly topics: readonly string[];
  readonly consumerGroup: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly subnets: ec2.SubnetSelection;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/** MSK's consumer-lag metric for one consumer group and topic. */
export function maxOffsetLag(
  clusterName: string,
  group: string,
  topic: string,
  period = Duration.minutes(1),
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Kafka',
    metricName: 'MaxOffsetLag',
    dimensionsMap: { 'Cluster Name': clusterName, 'Consumer Group': group, Topic: topic },
    statistic: 'Maximum',
    period,
  });
}

export class StreamConsumer extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly taskRole: iam.IRole;
  /** The largest MaxOffsetLag over the group's topics: what autoscaling follows. */
  readonly lag: cloudwatch.IMetric;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const s = props.settings;
    const taskDef = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: s.cpu,
      memoryLimitMiB: s.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      volumes: [{ name: 'tmp' }],
    });
    this.taskDefinition = taskDef;
    this.taskRole = taskDef.taskRole;
    for (const st of kafkaConsumerStatements(props.kafka, props.topics, [props.consumerGroup]))
      taskDef.addToTaskRolePolicy(st);
    const logGroup = new EncryptedLogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
    }).logGroup;
    const container = taskDef.addContainer('ingest', {
      image: ecs.ContainerImage.fromDockerImageAsset(props.image.asset),
      command: streamJobCommand('ingest'),
      user: '1000:1000',
      memoryLimitMiB: s.memoryMiB,
      readonlyRootFilesystem: true,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'ingest', mode: ecs.AwsLogDriverMode.NON_BLOCKING }),
      environment: {
        ...props.environment,
        SHOPLAKE_KAFKA_BROKERS: props.kafka.bootstrapBrokers,
        SHOPLAKE_KAFKA_TOPICS: props.topics.join(','),
        SHOPLAKE_KAFKA_GROUP_ID: props.consumerGroup,
        SHOPLAKE_HEALTH_PORT: String(HEALTH_PORT),
        SHOPLAKE_KAFKA_AUTH: 'msk-iam',
        // Flush, commit and leave the group before ECS's stopTimeout (below) ends in SIGKILL.
        SHOPLAKE_STOP_TIMEOUT_SECONDS: String(STOP_TIMEOUT_SECONDS - 20),
      },
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${HEALTH_PORT}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      stopTimeout: Duration.seconds(STOP_TIMEOUT_SECONDS),
    });
    container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: taskDef,
      desiredCount: s.minTasks,
      vpcSubnets: props.subnets,
      securityGroups: [props.kafka.clientSecurityGroup],
      assignPublicIp: false,
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      enableExecuteCommand: false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });

    const metrics = Object.fromEntries(
      props.topics.map((t, i) => [`lag${i}`, maxOffsetLag(props.kafka.clusterName, props.consumerGroup, t)]),
    );
    this.lag = new cloudwatch.MathExpression({
      expression: `MAX([${Object.keys(metrics).join(', ')}])`,
      usingMetrics: metrics,
      label: `MaxOffsetLag ${props.consumerGroup}`,
      period: Duration.minutes(1),
    });
    const scaling = this.service.autoScaleTaskCount({ minCapacity: s.minTasks, maxCapacity: s.maxTasks });
    scaling.scaleOnMetric('OffsetLag', {
      metric: this.lag,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.minutes(5),
      evaluationPeriods: 3,
      scalingSteps: [
        { upper: Math.floor(s.scaleOutOffsetLag / 10), change: -1 },
        { lower: s.scaleOutOffsetLag, change: +1 },
        { lower: s.scaleOutOffsetLag * 5, change: +3 },
      ],
    });
  }
}

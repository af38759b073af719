// A Fargate task run on a schedule by EventBridge Scheduler: table maintenance (compaction, snapshot expiry, orphan
// cleanup) or the gold build. One task definition per job, so each job gets its own least-privilege task role.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from './encrypted-log-group.js';
import type { StreamJobsImage } from './stream-jobs-image.js';

export interface ScheduledJobProps {
  readonly jobName: string;
  /** The command in the image, e.g. `['node', 'dist/maintenance.mjs']` (`streamJobCommand`). */
  readonly command: string[];
  /** A Scheduler `cron(...)` or `rate(...)` expression (UTC). */
  readonly schedule: string;
  readonly cluster: ecs.ICluster;
  readonly image: StreamJobsImage;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly group: scheduler.IScheduleGroup;
  readonly scheduleKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

export class ScheduledJob extends Construct {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly taskRole: iam.IRole;
  readonly schedule: scheduler.Schedule;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    const taskDef = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      volumes: [{ name: 'tmp' }],
    });
    this.taskDefinition = taskDef;
    this.taskRole = taskDef.taskRole;
    const logGroup = new EncryptedLogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
    }).logGroup;
    const container = taskDef.addContainer(props.jobName, {
      image: ecs.ContainerImage.fromDockerImageAsset(props.image.asset),
      command: props.command,
      user: '1000:1000',
      memoryLimitMiB: props.memoryMiB,
      readonlyRootFilesystem: true,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: props.jobName }),
      environment: { ...props.environment },
      stopTimeout: Duration.seconds(120),
    });
    container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${props.jobName} tasks: outbound to AWS endpoints only (no inbound)`,
      allowAllOutbound: true,
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `Runs the ${props.jobName} task`,
      schedule: scheduler.ScheduleExpression.expression(props.schedule),
      scheduleGroup: props.group,
      key: props.scheduleKey,
      timeWindow: scheduler.TimeWindow.off(),
      target: new targets.EcsRunFargateTask(props.cluster, {
        taskDefinition: taskDef,
        vpcSubnets: props.subnets,
        securityGroups: [this.securityGroup],
        assignPublicIp: false,
        propagateTags: true,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });
  }
}

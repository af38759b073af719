// The Lambda consumer: lambdas/ingest/handler.ts bundled with the local esbuild (Node 22, arm64) into the VPC, one
// MSK event source mapping per topic it owns (explicit consumer group, batch size, batching window, starting
// position, S3 on-failure destination), an explicit role with no managed policies, and a KMS-encrypted log group.
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { LambdaIngestConfig } from '../config/types.js';
import { bundlingFor, NODE_RUNTIME, REPO_ROOT } from './bundling.js';
import { EncryptedLogGroup } from './encrypted-log-group.js';
import type { KafkaCluster } from './kafka-cluster.js';
import { kafkaConsumerStatements, vpcNetworkInterfaceStatement } from './lake-access.js';

export interface IngestFunctionProps {
  readonly functionName: string;
  readonly settings: LambdaIngestConfig;
  readonly kafka: KafkaCluster;
  /** Topic -> consumer group id, one event source mapping each. */
  readonly topics: Readonly<Record<string, string>>;
  readonly environment: Readonly<Record<string, string>>;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Bucket (name) that receives batches the mapping gave up on; Lambda writes them under `aws/lambda/`. */
  readonly failureBucketName: string;
  readonly failureBucketKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The S3 on-failure destination with a least-privilege grant: the role may only PutObject under `aws/lambda/`, where
 * the stock `S3OnFailureDestination` grants read, write and delete on the whole bucket.
 */
class ScopedS3FailureDestination implements lambda.IEventSourceDlq {
  constructor(
    private readonly role: iam.Role,
    private readonly bucketName: string,
    private readonly key: kms.IKey,
  ) {}

  bind(_target: lambda.IEventSourceMapping, handler: lambda.IFunction): lambda.DlqDestinationConfig {
    const bucketArn = `arn:${Stack.of(handler).partition}:s3:::${this.bucketName}`;
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [`${bucketArn}/aws/lambda/*`] }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucketArn] }));
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.key.keyArn] }),
    );
    return { destination: bucketArn };
  }
}

export class IngestFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly mappings: sources.ManagedKafkaEventSource[] = [];

  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    super(scope, id);
    const s = props.settings;
    const logGroup = new EncryptedLogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      encryptionKey: props.logsKey,
      retentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
    }).logGroup;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    this.role.addToPolicy(vpcNetworkInterfaceStatement());
    for (const st of kafkaConsumerStatements(props.kafka, Object.keys(props.topics), Object.values(props.topics))) {
      this.role.addToPolicy(st);
    }
    // What the event source mapping's pollers call with this role.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kafka:DescribeCluster', 'kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
        resources: [props.kafka.clusterArn],
      }),
    );

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      entry: `${REPO_ROOT}lambdas/ingest/handler.ts`,
      handler: 'handler',
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: s.memoryMiB,
      timeout: Duration.seconds(s.timeoutSeconds),
      // Immutable view: ManagedKafkaEventSource would otherwise attach the AWS managed AWSLambdaMSKExecutionRole
      // (wildcard resources); every permission the function needs is on this.role above.
      role: this.role.withoutPolicyUpdates(),
      logGroup,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [props.kafka.clientSecurityGroup],
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      description: 'shoplake ingest: MSK batches into bronze, silver and quarantine Iceberg tables',
      ...bundlingFor(),
    });
    this.function.node.addDependency(this.role);
    const onFailure = new ScopedS3FailureDestination(this.role, props.failureBucketName, props.failureBucketKey);
    for (const [topic, group] of Object.entries(props.topics)) {
      const source = new sources.ManagedKafkaEventSource({
        clusterArn: props.kafka.clusterArn,
        topic,
        consumerGroupId: group,
        batchSize: s.batchSize,
        maxBatchingWindow: Duration.seconds(s.batchingWindowSeconds),
        startingPosition: lambda.StartingPosition[s.startingPosition],
        onFailure,
        provisionedPollerConfig: s.provisionedPollers
          ? { minimumPollers: s.provisionedPollers.min, maximumPollers: s.provisionedPollers.max }
          : undefined,
        retryAttempts: s.retryAttempts,
      });
      this.function.addEventSource(source);
      this.mappings.push(source);
    }
  }
}

// Topics as code. Provisioned clusters (Kafka >= 3.6) get one native AWS::MSK::Topic per topic. MSK Serverless has
// no such resource, so a custom resource (lib/handlers/kafka-topics) creates and grows the topics over the Kafka
// admin protocol with IAM auth. Either way partitions, replication and retention come from config, on every deploy.
import { CustomResource, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { CfnTopic } from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { TopicConfig } from '../config/types.js';
import { EncryptedLogGroup } from './encrypted-log-group.js';
import type { KafkaCluster } from './kafka-cluster.js';
import { bundlingFor } from './bundling.js';
import { vpcNetworkInterfaceStatement } from './lake-access.js';

export interface KafkaTopicsProps {
  readonly cluster: KafkaCluster;
  readonly topics: Readonly<Record<string, TopicConfig>>;
  /** Default replication factor of provisioned clusters: min(3, brokers). */
  readonly defaultReplicationFactor: number;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/** Kafka topic-level configs shoplake sets on every topic. */
export function topicConfigs(t: TopicConfig, replicationFactor: number): Record<string, string> {
  return {
    'cleanup.policy': 'delete',
    'retention.ms': String(t.retentionHours * 3_600_000),
    'min.insync.replicas': String(replicationFactor >= 3 ? 2 : 1),
  };
}

export class KafkaTopics extends Construct {
  /** Depend on this before creating anything that reads the topics (event source mappings, consumers). */
  readonly resources: Construct[] = [];
  /** MSK Serverless only: the custom resource's handler and provider. */
  readonly handler?: nodejs.NodejsFunction;
  readonly provider?: cr.Provider;

  constructor(scope: Construct, id: string, props: KafkaTopicsProps) {
    super(scope, id);
    const entries = Object.entries(props.topics);
    if (!props.cluster.serverless) {
      for (const [name, t] of entries) {
        const rf = t.replicationFactor ?? props.defaultReplicationFactor;
        const topic = new CfnTopic(this, `Topic-${name}`, {
          clusterArn: props.cluster.clusterArn,
          topicName: name,
          partitionCount: t.partitions,
          replicationFactor: rf,
          configs: Buffer.from(JSON.stringify(topicConfigs(t, rf))).toString('base64'),
        });
        topic.applyRemovalPolicy(props.removalPolicy);
        this.resources.push(topic);
      }
      return;
    }

    const logs = (name: string) =>
      new EncryptedLogGroup(this, name, {
        encryptionKey: props.logsKey,
        retentionDays: props.logRetentionDays,
        removalPolicy: props.removalPolicy,
      }).logGroup;
    const handlerLogs = logs('HandlerLogs');
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Creates and grows the topics of the MSK Serverless cluster',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [handlerLogs.logGroupArn],
      }),
    );
    role.addToPolicy(vpcNetworkInterfaceStatement());
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
        resources: [props.cluster.clusterArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'kafka-cluster:CreateTopic',
          'kafka-cluster:DescribeTopic',
          'kafka-cluster:AlterTopic',
          'kafka-cluster:DescribeTopicDynamicConfiguration',
          'kafka-cluster:AlterTopicDynamicConfiguration',
          'kafka-cluster:DeleteTopic',
        ],
        resources: entries.map(([name]) => props.cluster.topicArn(name)),
      }),
    );
    const handler = new nodejs.NodejsFunction(this, 'Handler', {
      entry: fileURLToPath(new URL('../handlers/kafka-topics/index.ts', import.meta.url)),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(5),
      role,
      logGroup: handlerLogs,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [props.cluster.clientSecurityGroup],
      ...bundlingFor(),
    });
    this.handler = handler;
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler,
      logGroup: logs('ProviderLogs'),
    });
    this.provider = provider;
    const resource = new CustomResource(this, 'Topics', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ShoplakeKafkaTopics',
      properties: {
        BootstrapBrokers: props.cluster.bootstrapBrokers,
        Topics: JSON.stringify(
          entries.map(([name, t]) => ({ name, partitions: t.partitions, configs: topicConfigs(t, 3) })),
        ),
        RemoveOnDelete: String(props.removalPolicy === 'destroy'),
      },
      removalPolicy: props.removalPolicy,
    });
    this.resources.push(resource);
  }
}

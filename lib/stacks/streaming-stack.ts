// Streaming: the MSK cluster (provisioned or serverless per config) with IAM auth and TLS, and its topics as code.
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { KafkaCluster } from '../constructs/kafka-cluster.js';
import { KafkaTopics } from '../constructs/kafka-topics.js';
import { removalPolicy, ShoplakeStack, type ShoplakeStackProps } from './common.js';

export interface StreamingStackProps extends ShoplakeStackProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
}

export class StreamingStack extends ShoplakeStack {
  readonly kafka: KafkaCluster;
  readonly topics: KafkaTopics;

  constructor(scope: Construct, id: string, props: StreamingStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removal = removalPolicy(config);
    this.kafka = new KafkaCluster(this, 'Kafka', {
      clusterName: `shoplake-${config.name}`,
      streaming: config.streaming,
      vpc: props.vpc,
      subnets: props.subnets,
      zoneCount: config.availabilityZones.length,
      dataKey: props.dataKey,
      logsKey: props.logsKey,
      logRetentionDays: config.observability.logRetentionDays,
      removalPolicy: removal,
    });
    const brokers =
      config.streaming.mode === 'provisioned' ? config.streaming.brokersPerAz * config.availabilityZones.length : 3;
    this.topics = new KafkaTopics(this, 'Topics', {
      cluster: this.kafka,
      topics: config.topics,
      defaultReplicationFactor: Math.min(3, brokers),
      vpc: props.vpc,
      subnets: props.subnets,
      logsKey: props.logsKey,
      logRetentionDays: config.observability.logRetentionDays,
      removalPolicy: removal,
    });
  }
}

// The MSK cluster of an environment, provisioned or serverless per config, always with IAM auth and TLS only; KMS
// at rest and broker logs for provisioned clusters. Consumers reach it through `clientSecurityGroup`, the only
// source its security group admits. It also knows the ARNs IAM policies need (cluster, topic, consumer group).
import * as msk from '@aws-cdk/aws-msk-alpha';
import { Aws, Fn, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { CfnConfiguration } from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { StreamingConfig } from '../config/types.js';
import { EncryptedLogGroup } from './encrypted-log-group.js';

/** MSK listener for SASL/IAM over TLS. */
export const MSK_IAM_PORT = 9098;

export interface KafkaClusterProps {
  readonly clusterName: string;
  readonly streaming: StreamingConfig;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Zones the brokers span (one client subnet per zone). */
  readonly zoneCount: number;
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

export class KafkaCluster extends Construct {
  readonly cluster: msk.ICluster;
  readonly clusterArn: string;
  readonly clusterName: string;
  /** Attach this to every consumer (Lambda, ECS task, topics handler): the cluster admits only it. */
  readonly clientSecurityGroup: ec2.SecurityGroup;
  /** SASL/IAM bootstrap broker string, resolved at deploy time. */
  readonly bootstrapBrokers: string;
  readonly serverless: boolean;

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    const s = props.streaming;
    this.serverless = s.mode === 'serverless';
    this.clientSecurityGroup = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: props.vpc,
      description: `Kafka clients of ${props.clusterName} (the only source the brokers admit)`,
      allowAllOutbound: true,
    });
    const brokerSg = new ec2.SecurityGroup(this, 'BrokerSecurityGroup', {
      vpc: props.vpc,
      description: `Brokers of ${props.clusterName}: SASL/IAM over TLS from the client security group only`,
      allowAllOutbound: false,
    });
    brokerSg.addIngressRule(this.clientSecurityGroup, ec2.Port.tcp(MSK_IAM_PORT), 'Kafka clients (IAM over TLS)');

    if (s.mode === 'provisioned') {
      const version = msk.KafkaVersion.of(s.kafkaVersion);
      const brokers = s.brokersPerAz * props.zoneCount;
      const configuration = new CfnConfiguration(this, 'Configuration', {
        name: `${props.clusterName}-config`,
        kafkaVersionsList: [s.kafkaVersion],
        serverProperties: [
          'auto.create.topics.enable=false',
          'unclean.leader.election.enable=false',
          `default.replication.factor=${Math.min(3, brokers)}`,
          `min.insync.replicas=${Math.max(1, Math.min(2, brokers - 1))}`,
          'allow.everyone.if.no.acl.found=false',
        ].join('\n'),
      });
      const brokerLogs = new EncryptedLogGroup(this, 'BrokerLogs', {
        encryptionKey: props.logsKey,
        retentionDays: props.logRetentionDays,
        removalPolicy: props.removalPolicy,
      });
      const cluster = new msk.Cluster(this, 'Cluster', {
        clusterName: props.clusterName,
        kafkaVersion: version,
        vpc: props.vpc,
        vpcSubnets: props.subnets,
        securityGroups: [brokerSg],
        instanceType: new ec2.InstanceType(s.brokerInstanceType),
        numberOfBrokerNodes: s.brokersPerAz,
        ebsStorageInfo: { volumeSize: s.ebsVolumeGiB, encryptionKey: props.dataKey },
        encryptionInTransit: { clientBroker: msk.ClientBrokerEncryption.TLS, enableInCluster: true },
        clientAuthentication: msk.ClientAuthentication.sasl({ iam: true }),
        logging: { cloudwatchLogGroup: brokerLogs.logGroup },
        monitoring: { clusterMonitoringLevel: msk.ClusterMonitoringLevel[s.monitoring] },
        configurationInfo: { arn: configuration.attrArn, revision: configuration.attrLatestRevisionRevision },
        removalPolicy: props.removalPolicy,
      });
      this.cluster = cluster;
    } else {
      this.cluster = new msk.ServerlessCluster(this, 'Cluster', {
        clusterName: props.clusterName,
        vpcConfigs: [{ vpc: props.vpc, vpcSubnets: props.subnets, securityGroups: [brokerSg] }],
      });
    }
    this.clusterArn = this.cluster.clusterArn;
    this.clusterName = props.clusterName;

    const brokersLogs = new EncryptedLogGroup(this, 'BootstrapBrokersLogs', {
      encryptionKey: props.logsKey,
      retentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
    }).logGroup;
    const brokersRole = new iam.Role(this, 'BootstrapBrokersRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Reads the bootstrap brokers of ${props.clusterName} at deploy time`,
    });
    brokersRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [brokersLogs.logGroupArn],
      }),
    );
    const brokers = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onUpdate: {
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: this.clusterArn },
        physicalResourceId: cr.PhysicalResourceId.of(`${props.clusterName}-bootstrap-brokers`),
        outputPaths: ['BootstrapBrokerStringSaslIam'],
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.clusterArn] }),
      installLatestAwsSdk: false,
      role: brokersRole,
      logGroup: brokersLogs,
    });
    this.bootstrapBrokers = brokers.getResponseField('BootstrapBrokerStringSaslIam');
  }

  /** `arn:…:topic/<cluster>/<uuid>/<topic>` for one topic (or `*` for all topics of this cluster). */
  topicArn(topic: string): string {
    return this.childArn('topic', topic);
  }

  /** `arn:…:group/<cluster>/<uuid>/<group>`. */
  groupArn(group: string): string {
    return this.childArn('group', group);
  }

  private childArn(kind: 'topic' | 'group', name: string): string {
    const parts = Fn.split('/', this.clusterArn);
    return Fn.join('', [
      `arn:${Aws.PARTITION}:kafka:${Aws.REGION}:${Aws.ACCOUNT_ID}:${kind}/`,
      Fn.select(1, parts),
      '/',
      Fn.select(2, parts),
      `/${name}`,
    ]);
  }
}
